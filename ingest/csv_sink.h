#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/csv_row_formatter.h"
#include "runtime/sink.h"

namespace weir {

struct CsvSinkOptions {
  std::string path;  // the final file; its parent directories are created
};

// Writes results as one CSV file that CsvSource reads back unchanged.
//
// Format: a header row of the column names, then one line per row, '\n'
// line endings; values as ingest/csv_row_formatter.h writes them (timestamps
// ISO-8601 UTC with milliseconds: 2026-01-01T00:00:10.000Z).
//
// Atomicity: everything goes to ".<name>.weir-tmp-<pid>" next to the final
// file; finish() renames it over the final path (replacing an existing
// file), abort() deletes it. Readers never see a half-written file.
//
// Output is buffered in memory and written with large write(2) calls;
// commit_epoch() hands the buffer to the OS (no fsync).
//
// encode() formats a batch's rows on the calling worker (into a formatter
// from a small pool the sink keeps); write_encoded() then only copies the
// text, in order: a select list's output is formatted in parallel.
//
// Contract: as Sink (runtime/sink.h): every method on the driver thread
// (encode() on workers as Sink allows);
// open() once, write()/commit_epoch() per epoch, then finish() or abort().
// Failures to create or write the file throw ConfigError naming the path
// (the environment, not the data, is wrong). Destroying the sink without
// finish() has the effect of abort().
class CsvSink final : public Sink {
 public:
  explicit CsvSink(CsvSinkOptions options);
  ~CsvSink() override;
  CsvSink(const CsvSink&) = delete;
  CsvSink& operator=(const CsvSink&) = delete;

  void open(std::shared_ptr<const Schema> schema) override;
  void write(const Batch& batch) override;
  std::unique_ptr<EncodedRows> encode(const Batch& batch) override;
  void write_encoded(std::unique_ptr<EncodedRows> rows) override;
  void commit_epoch(uint64_t epoch) override;
  void finish() override;
  void abort() noexcept override;
  std::string describe() const override;

  // The temporary file open() writes to ("" before open()); for tests.
  const std::string& temporary_path() const { return temporary_path_; }

 private:
  class Encoded;

  // Writes the buffer out when it holds at least `threshold` bytes.
  void flush_buffer(size_t threshold);
  // Writes `text` to the file (after the buffer was flushed).
  void write_text(std::string_view text);
  [[noreturn]] void throw_write_error(const std::string& path, const char* what, int error);

  std::string path_;
  std::string temporary_path_;
  std::shared_ptr<const Schema> schema_;
  int descriptor_ = -1;
  enum class State { Created, Open, Finished, Aborted } state_ = State::Created;
  std::unique_ptr<CsvRowFormatter> formatter_;  // from open(); holds the text not yet written
  std::mutex spare_mutex_;
  std::vector<std::unique_ptr<CsvRowFormatter>> spare_formatters_;  // for encode(), under spare_mutex_
};

}  // namespace weir
