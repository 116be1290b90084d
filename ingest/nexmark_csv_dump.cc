#include "ingest/nexmark_csv_dump.h"

#include <fcntl.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>
#include <utility>

#include "ingest/csv_row_formatter.h"
#include "ingest/nexmark_batches.h"
#include "runtime/errors.h"
#include "runtime/thread_handoff.h"
#include "runtime/timestamp.h"

namespace weir {

namespace {

namespace fs = std::filesystem;

// Events generated and formatted by one task: small enough that a few
// chunks in flight per thread stay in the caches' neighbourhood (about 5 MB
// of CSV each), large enough to amortise the task and write overhead.
constexpr int64_t kChunkEvents = 32'768;

// A file written under a temporary name and renamed on commit(); deleted
// when destroyed uncommitted.
class TemporaryFile {
 public:
  explicit TemporaryFile(fs::path final_path) : final_path_(std::move(final_path)) {
    std::string name(1, '.');
    name += final_path_.filename().string();
    name += ".weir-tmp-";
    name += std::to_string(::getpid());
    temporary_path_ = final_path_.parent_path() / name;
    descriptor_ = ::open(temporary_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (descriptor_ < 0) fail("create", errno);
  }
  ~TemporaryFile() {
    if (descriptor_ >= 0) ::close(descriptor_);
    if (!committed_) ::unlink(temporary_path_.c_str());
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  void write(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t written = ::write(descriptor_, bytes.data(), bytes.size());
      if (written < 0) {
        if (errno == EINTR) continue;
        fail("write", errno);
      }
      bytes.remove_prefix(static_cast<size_t>(written));
    }
  }

  // Closes the file (reporting a late write error).
  void close() {
    const int descriptor = std::exchange(descriptor_, -1);
    if (::close(descriptor) != 0) fail("write", errno);
  }

  void rename_to_final() {
    if (std::rename(temporary_path_.c_str(), final_path_.c_str()) != 0) {
      throw ConfigError("nexmark dump: cannot rename \"" + temporary_path_.string() + "\" to \"" +
                        final_path_.string() + "\": " + std::strerror(errno));
    }
    committed_ = true;
  }

 private:
  [[noreturn]] void fail(const char* what, int error) {
    throw ConfigError("nexmark dump: cannot " + std::string(what) + " \"" + temporary_path_.string() +
                      "\" (for \"" + final_path_.string() + "\"): " + std::strerror(error));
  }

  fs::path final_path_;
  fs::path temporary_path_;
  int descriptor_ = -1;
  bool committed_ = false;
};

// One chunk's CSV text per kind (person, auction, bid) and row counts.
struct FormattedChunk {
  std::array<std::string, 3> text;
  std::array<uint64_t, 3> rows = {0, 0, 0};
};

}  // namespace

void append_nexmark_csv_header(const Schema& schema, std::string& out) {
  CsvRowFormatter formatter(schema, CsvRowFormatter::TimestampStyle::Sql);
  formatter.append_header();
  out.append(formatter.text());
}

void append_nexmark_csv_rows(const Batch& batch, std::string& out) {
  CsvRowFormatter formatter(batch.schema(), CsvRowFormatter::TimestampStyle::Sql);
  formatter.append_rows(batch, 0, batch.selection().size());
  out.append(formatter.text());
}

NexmarkDumpCounts dump_nexmark_csv(const NexmarkConfig& config, int64_t events, const std::string& directory) {
  WEIR_CHECK(events >= 0);
  const fs::path folder(directory);
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) {
    throw ConfigError("nexmark dump: cannot create directory \"" + directory + "\": " + error.message());
  }
  const NexmarkBatches empty;
  const std::array<const Schema*, 3> schemas = {&empty.person.schema(), &empty.auction.schema(),
                                                &empty.bid.schema()};
  std::array<std::unique_ptr<TemporaryFile>, 3> files;
  const std::array<const char*, 3> names = {"person.csv", "auction.csv", "bid.csv"};
  for (size_t kind = 0; kind < 3; ++kind) {
    files[kind] = std::make_unique<TemporaryFile>(folder / names[kind]);
    std::string header;
    append_nexmark_csv_header(*schemas[kind], header);
    files[kind]->write(header);
  }

  NexmarkDumpCounts counts;
  const int64_t chunks = (events + kChunkEvents - 1) / kChunkEvents;
  int64_t next_chunk = 0;
  tbb::enumerable_thread_specific<NexmarkBatches> scratch;
  const size_t tokens = 2 * static_cast<size_t>(tbb::this_task_arena::max_concurrency());
  // The serial stages run on any thread, one after another: each marks its
  // state handed on (see runtime/thread_handoff.h).
  handoff_release(&next_chunk);
  handoff_release(&counts);
  tbb::parallel_pipeline(
      tokens,
      tbb::make_filter<void, int64_t>(tbb::filter_mode::serial_in_order,
                                      [&](tbb::flow_control& control) -> int64_t {
                                        handoff_acquire(&next_chunk);
                                        const int64_t chunk = next_chunk;
                                        if (chunk == chunks) {
                                          control.stop();
                                        } else {
                                          ++next_chunk;
                                        }
                                        handoff_release(&next_chunk);
                                        return chunk;
                                      }) &
          tbb::make_filter<int64_t, std::shared_ptr<FormattedChunk>>(
              tbb::filter_mode::parallel,
              [&](int64_t chunk) {
                NexmarkBatches& batches = scratch.local();
                batches.clear();
                const int64_t begin = chunk * kChunkEvents;
                append_nexmark_events(config, begin, std::min(events, begin + kChunkEvents), batches);
                auto formatted = std::make_shared<FormattedChunk>();
                const std::array<const Batch*, 3> kinds = {&batches.person, &batches.auction, &batches.bid};
                for (size_t kind = 0; kind < 3; ++kind) {
                  append_nexmark_csv_rows(*kinds[kind], formatted->text[kind]);
                  formatted->rows[kind] = kinds[kind]->num_rows();
                }
                // Without these hand-off marks ThreadSanitizer takes every
                // chunk for a race (libtbb's hand-off is invisible to it) and
                // spends minutes describing each multi-megabyte write.
                handoff_release(formatted.get());
                return formatted;
              }) &
          tbb::make_filter<std::shared_ptr<FormattedChunk>, void>(
              tbb::filter_mode::serial_in_order, [&](const std::shared_ptr<FormattedChunk>& formatted) {
                handoff_acquire(formatted.get());
                handoff_acquire(&counts);
                for (size_t kind = 0; kind < 3; ++kind) files[kind]->write(formatted->text[kind]);
                counts.persons += formatted->rows[0];
                counts.auctions += formatted->rows[1];
                counts.bids += formatted->rows[2];
                handoff_release(&counts);
              }));
  handoff_acquire(&counts);

  for (auto& file : files) file->close();
  for (auto& file : files) file->rename_to_final();
  return counts;
}

}  // namespace weir
