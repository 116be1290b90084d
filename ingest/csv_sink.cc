#include "ingest/csv_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "runtime/errors.h"
#include "runtime/timestamp.h"

namespace weir {

namespace {

namespace fs = std::filesystem;

// Large writes: the buffer is handed to the OS once it holds this much. Its
// room is reserved once (no regrowth copies; fresh memory costs a page
// fault per 4 KiB).
constexpr size_t kFlushThresholdBytes = size_t{256} << 10;
constexpr size_t kBufferReserveBytes = kFlushThresholdBytes + (size_t{16} << 10);

bool needs_quotes(std::string_view value) {
  if (value.empty()) return true;
  const auto is_blank = [](char c) { return c == ' ' || c == '\t'; };
  if (is_blank(value.front()) || is_blank(value.back())) return true;
  for (const char c : value) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
  }
  return false;
}

void append_float64(double value, std::string& out) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "Infinity" : "-Infinity";
  } else {
    char digits[64];
    const auto result = std::to_chars(digits, digits + sizeof(digits), value);
    out.append(digits, result.ptr);
  }
}

void append_int64(int64_t value, std::string& out) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof(digits), value);
  out.append(digits, result.ptr);
}

}  // namespace

void append_csv_string_field(std::string_view value, std::string& out) {
  if (!needs_quotes(value)) {
    out.append(value);
    return;
  }
  out += '"';
  size_t start = 0;
  while (true) {
    const size_t quote = value.find('"', start);
    if (quote == std::string_view::npos) break;
    out.append(value.substr(start, quote + 1 - start));
    out += '"';
    start = quote + 1;
  }
  out.append(value.substr(start));
  out += '"';
}

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
  buffer_.reserve(kBufferReserveBytes);

  for (size_t index = 0; index < schema_->size(); ++index) {
    if (index > 0) buffer_ += ',';
    append_csv_string_field(schema_->field(index).name, buffer_);
  }
  buffer_ += '\n';
}

void CsvSink::write(const Batch& batch) {
  WEIR_CHECK(state_ == State::Open);
  WEIR_CHECK(batch.num_columns() == schema_->size());
  const SelectionVector& selection = batch.selection();
  const size_t columns = batch.num_columns();
  for (size_t position = 0; position < selection.size(); ++position) {
    const size_t row = selection[position];
    for (size_t index = 0; index < columns; ++index) {
      if (index > 0) buffer_ += ',';
      const Column& column = batch.column(index);
      if (!column.is_valid(row)) continue;  // NULL: an empty field
      switch (column.type()) {
        case DataType::Int64:
          append_int64(column.int64_data()[row], buffer_);
          break;
        case DataType::Float64:
          append_float64(column.float64_data()[row], buffer_);
          break;
        case DataType::Bool:
          buffer_ += column.bool_data()[row] != 0 ? "true" : "false";
          break;
        case DataType::Timestamp:
          format_timestamp(column.int64_data()[row], buffer_);
          break;
        case DataType::String:
          append_csv_string_field(column.string_at(row), buffer_);
          break;
      }
    }
    buffer_ += '\n';
    if (buffer_.size() >= kFlushThresholdBytes) flush_buffer(kFlushThresholdBytes);
  }
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
  buffer_.clear();
  state_ = State::Aborted;
}

std::string CsvSink::describe() const { return "csv " + path_; }

void CsvSink::flush_buffer(size_t threshold) {
  if (buffer_.size() < threshold || buffer_.empty()) return;
  const char* data = buffer_.data();
  size_t left = buffer_.size();
  while (left > 0) {
    const ssize_t written = ::write(descriptor_, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      throw_write_error(temporary_path_, "write", errno);
    }
    data += written;
    left -= static_cast<size_t>(written);
  }
  buffer_.clear();
}

void CsvSink::throw_write_error(const std::string& path, const char* what, int error) {
  throw ConfigError("csv sink: cannot " + std::string(what) + " \"" + path + "\" (for \"" + path_ +
                    "\"): " + std::strerror(error));
}

}  // namespace weir
