#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/batch.h"
#include "runtime/schema.h"
#include "runtime/timestamp.h"

namespace weir {

// Formats rows of batches as CSV lines into a text buffer it owns: the
// formatting shared by the CSV sink and `weir nexmark --dump`.
//
// Format of a value (one line per row, fields separated by ',', '\n' after
// the last):
//   int64      decimal
//   float64    shortest form that reads back to the same double
//              (std::to_chars); NaN, Infinity, -Infinity
//   bool       true / false
//   timestamp  ISO-8601 UTC with milliseconds, 2026-01-01T00:00:10.000Z, or
//              (TimestampStyle::Sql) 2026-01-01 00:00:10.000
//   string     as-is; quoted per RFC 4180 ("" for a quote) when it holds
//              , " \r or \n, starts or ends with a space or tab, or is
//              empty ("" is the empty string, an empty field is NULL)
//   NULL       an empty field
//
// Speed: each row is written with pointer stores into room reserved once
// for the whole row (no per-character capacity checks), and a timestamp
// equal to the one above it in its column (window bounds repeat for every
// group of a window) is copied rather than formatted again.
//
// Contract: used by one thread at a time (several formatters may serve one
// output: the timestamp each remembers per column is only a cache, keyed
// by its value); every batch has the schema's column types in order.
class CsvRowFormatter {
 public:
  enum class TimestampStyle { Iso8601, Sql };

  CsvRowFormatter(const Schema& schema, TimestampStyle style);
  CsvRowFormatter(const CsvRowFormatter&) = delete;
  CsvRowFormatter& operator=(const CsvRowFormatter&) = delete;

  // Appends the header line: the column names, quoted as strings are.
  void append_header();

  // Appends the batch's selected rows at selection positions [begin, end),
  // in selection order, stopping early once the text holds at least
  // `stop_at_bytes` (after a whole row). Returns the position after the
  // last row appended.
  size_t append_rows(const Batch& batch, size_t begin, size_t end, size_t stop_at_bytes = SIZE_MAX);

  // Appends text as it is (text another formatter made).
  void append_text(std::string_view text);

  // Room for `bytes` of text in all, allocated now (it grows when a row
  // needs more).
  void reserve(size_t bytes) { reserve_more(bytes > size_ ? bytes - size_ : 0); }

  // The text appended since the last clear().
  std::string_view text() const { return {buffer_.get(), size_}; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  void clear() { size_ = 0; }

 private:
  // Makes room for `bytes` more.
  void reserve_more(size_t bytes);

  struct LastTimestamp {
    int64_t millis = 0;
    uint8_t length = 0;  // 0: none formatted yet
    char text[kMaxFormattedTimestampBytes] = {};
  };

  Schema schema_;
  TimestampStyle style_;
  std::vector<LastTimestamp> last_timestamps_;  // one per column
  std::vector<size_t> string_columns_;
  size_t fixed_row_bound_ = 0;  // the most bytes a row takes, its strings aside
  std::unique_ptr<char[]> buffer_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace weir
