#include "ingest/csv_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "runtime/errors.h"

namespace weir {

namespace {

namespace fs = std::filesystem;

// Large writes: the buffer is handed to the OS once it holds this much. Its
// room is reserved once (no regrowth copies; fresh memory costs a page
// fault per 4 KiB).
constexpr size_t kFlushThresholdBytes = size_t{256} << 10;
constexpr size_t kBufferReserveBytes = kFlushThresholdBytes + (size_t{16} << 10);
// Formatters kept for encode(): enough for the morsels in flight at once
// (two per thread), and only those of a morsel's size: one that grew for a
// large emission chunk is freed rather than kept for the sink's lifetime.
constexpr size_t kMaxSpareFormatters = 32;
constexpr size_t kMaxSpareFormatterBytes = size_t{4} << 20;

}  // namespace

CsvSink::CsvSink(CsvSinkOptions options) : path_(std::move(options.path)) {}

CsvSink::~CsvSink() {
  if (state_ == State::Open) abort();
}

void CsvSink::open(std::shared_ptr<const Schema> schema) {
  WEIR_CHECK(state_ == State::Created && schema != nullptr);
  schema_ = std::move(schema);
  const fs::path final_path(path_);
  if (final_path.filename().empty()) {
    throw ConfigError("csv sink: \"" + path_ + "\" names a directory, not a file");
  }
  const fs::path parent = final_path.parent_path();
  if (!parent.empty()) {
    std::error_code error;
    fs::create_directories(parent, error);
    if (error) {
      throw ConfigError("csv sink: cannot create directory \"" + parent.string() + "\" for \"" +
                        path_ + "\": " + error.message());
    }
  }
  // Built by appends: GCC 12 warns (-Wrestrict, a false positive) on
  // "." + string here.
  std::string temporary_name = ".";
  temporary_name += final_path.filename().string();
  temporary_name += ".weir-tmp-";
  temporary_name += std::to_string(::getpid());
  temporary_path_ = (parent / temporary_name).string();
  descriptor_ = ::open(temporary_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (descriptor_ < 0) throw_write_error(temporary_path_, "create", errno);
  state_ = State::Open;
  formatter_ = std::make_unique<CsvRowFormatter>(*schema_, CsvRowFormatter::TimestampStyle::Iso8601);
  formatter_->reserve(kBufferReserveBytes);
  formatter_->append_header();
}

void CsvSink::write(const Batch& batch) {
  WEIR_CHECK(state_ == State::Open);
  const size_t rows = batch.selection().size();
  for (size_t position = 0; position < rows;) {
    position = formatter_->append_rows(batch, position, rows, kFlushThresholdBytes);
    flush_buffer(kFlushThresholdBytes);
  }
}

class CsvSink::Encoded final : public EncodedRows {
 public:
  std::unique_ptr<CsvRowFormatter> formatter;
};

std::unique_ptr<EncodedRows> CsvSink::encode(const Batch& batch) {
  WEIR_CHECK(state_ == State::Open);
  auto encoded = std::make_unique<Encoded>();
  {
    const std::lock_guard lock(spare_mutex_);
    if (!spare_formatters_.empty()) {
      encoded->formatter = std::move(spare_formatters_.back());
      spare_formatters_.pop_back();
    }
  }
  if (!encoded->formatter) {
    encoded->formatter = std::make_unique<CsvRowFormatter>(*schema_, CsvRowFormatter::TimestampStyle::Iso8601);
  }
  encoded->formatter->append_rows(batch, 0, batch.selection().size());
  return encoded;
}

void CsvSink::write_encoded(std::unique_ptr<EncodedRows> rows) {
  WEIR_CHECK(state_ == State::Open);
  auto* encoded = dynamic_cast<Encoded*>(rows.get());
  WEIR_CHECK(encoded != nullptr && encoded->formatter != nullptr);
  CsvRowFormatter& text = *encoded->formatter;
  if (formatter_->size() + text.size() <= kFlushThresholdBytes) {
    formatter_->append_text(text.text());
  } else {
    // Large: the buffer, then the text itself, without a copy.
    flush_buffer(0);
    write_text(text.text());
  }
  text.clear();
  if (text.capacity() > kMaxSpareFormatterBytes) return;
  const std::lock_guard lock(spare_mutex_);
  if (spare_formatters_.size() < kMaxSpareFormatters) spare_formatters_.push_back(std::move(encoded->formatter));
}

void CsvSink::commit_epoch(uint64_t epoch) {
  WEIR_CHECK(state_ == State::Open);
  flush_buffer(0);
}

void CsvSink::finish() {
  WEIR_CHECK(state_ == State::Open);
  flush_buffer(0);
  const int descriptor = std::exchange(descriptor_, -1);
  if (::close(descriptor) != 0) throw_write_error(temporary_path_, "write", errno);
  if (std::rename(temporary_path_.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary_path_.c_str());
    state_ = State::Aborted;
    throw ConfigError("csv sink: cannot rename \"" + temporary_path_ + "\" to \"" + path_ +
                      "\": " + std::strerror(error));
  }
  state_ = State::Finished;
}

void CsvSink::abort() noexcept {
  if (state_ != State::Open) return;
  if (descriptor_ >= 0) ::close(std::exchange(descriptor_, -1));
  ::unlink(temporary_path_.c_str());
  if (formatter_) formatter_->clear();
  state_ = State::Aborted;
}

std::string CsvSink::describe() const { return "csv " + path_; }

void CsvSink::flush_buffer(size_t threshold) {
  const std::string_view text = formatter_->text();
  if (text.size() < threshold || text.empty()) return;
  write_text(text);
  formatter_->clear();
}

void CsvSink::write_text(std::string_view text) {
  const char* data = text.data();
  size_t left = text.size();
  while (left > 0) {
    const ssize_t written = ::write(descriptor_, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      throw_write_error(temporary_path_, "write", errno);
    }
    data += written;
    left -= static_cast<size_t>(written);
  }
}

void CsvSink::throw_write_error(const std::string& path, const char* what, int error) {
  throw ConfigError("csv sink: cannot " + std::string(what) + " \"" + path + "\" (for \"" + path_ +
                    "\"): " + std::strerror(error));
}

}  // namespace weir
