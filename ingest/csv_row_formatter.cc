#include "ingest/csv_row_formatter.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "runtime/errors.h"

namespace weir {

namespace {

// The most bytes a value of each fixed-width type takes.
constexpr size_t kMaxInt64Bytes = 20;    // -9223372036854775808
constexpr size_t kMaxFloat64Bytes = 32;  // the shortest form is at most 24 (-2.2250738585072014e-308)
constexpr size_t kMaxBoolBytes = 5;      // false
constexpr size_t kMinBufferBytes = size_t{64} << 10;

size_t max_value_bytes(DataType type) {
  switch (type) {
    case DataType::Int64:
      return kMaxInt64Bytes;
    case DataType::Float64:
      return kMaxFloat64Bytes;
    case DataType::Bool:
      return kMaxBoolBytes;
    case DataType::Timestamp:
      return kMaxFormattedTimestampBytes;
    case DataType::String:
      return 2;  // the quotes; the text is measured per row
  }
  throw InternalError("csv row formatter: unknown data type");
}

bool needs_quotes(std::string_view value) {
  if (value.empty()) return true;
  const auto is_blank = [](char c) { return c == ' ' || c == '\t'; };
  if (is_blank(value.front()) || is_blank(value.back())) return true;
  for (const char c : value) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
  }
  return false;
}

// Writes the field at `out`, which has room for 2 * size + 2 bytes.
char* write_string_field(std::string_view value, char* out) {
  if (!needs_quotes(value)) {
    std::memcpy(out, value.data(), value.size());
    return out + value.size();
  }
  *out++ = '"';
  for (const char c : value) {
    if (c == '"') *out++ = '"';
    *out++ = c;
  }
  *out++ = '"';
  return out;
}

// Writes the value at `out`, which has room for kMaxFloat64Bytes.
char* write_float64(double value, char* out) {
  if (std::isnan(value)) {
    std::memcpy(out, "NaN", 3);
    return out + 3;
  }
  if (std::isinf(value)) {
    if (value > 0) {
      std::memcpy(out, "Infinity", 8);
      return out + 8;
    }
    std::memcpy(out, "-Infinity", 9);
    return out + 9;
  }
  return std::to_chars(out, out + kMaxFloat64Bytes, value).ptr;
}

}  // namespace

CsvRowFormatter::CsvRowFormatter(const Schema& schema, TimestampStyle style)
    : schema_(schema), style_(style), last_timestamps_(schema.size()) {
  fixed_row_bound_ = 1;  // the newline
  for (size_t index = 0; index < schema_.size(); ++index) {
    const DataType type = schema_.field(index).type;
    fixed_row_bound_ += 1 + max_value_bytes(type);  // a separator and the value
    if (type == DataType::String) string_columns_.push_back(index);
  }
}

void CsvRowFormatter::append_header() {
  size_t bound = 1;
  for (const Field& field : schema_.fields()) bound += 1 + 2 * field.name.size() + 2;
  reserve_more(bound);
  char* out = buffer_.get() + size_;
  for (size_t index = 0; index < schema_.size(); ++index) {
    if (index > 0) *out++ = ',';
    out = write_string_field(schema_.field(index).name, out);
  }
  *out++ = '\n';
  size_ = static_cast<size_t>(out - buffer_.get());
}

size_t CsvRowFormatter::append_rows(const Batch& batch, size_t begin, size_t end, size_t stop_at_bytes) {
  WEIR_CHECK(batch.num_columns() == schema_.size());
  WEIR_CHECK(begin <= end && end <= batch.selection().size());
  const SelectionVector& selection = batch.selection();
  const size_t columns = batch.num_columns();
  for (size_t index = 0; index < columns; ++index) WEIR_CHECK(batch.column(index).type() == schema_.field(index).type);
  size_t position = begin;
  while (position < end && size_ < stop_at_bytes) {
    const size_t row = selection[position++];
    size_t bound = fixed_row_bound_;
    for (const size_t index : string_columns_) bound += 2 * batch.column(index).string_at(row).size();
    if (capacity_ - size_ < bound) reserve_more(bound);
    char* out = buffer_.get() + size_;
    for (size_t index = 0; index < columns; ++index) {
      if (index > 0) *out++ = ',';
      const Column& column = batch.column(index);
      if (!column.is_valid(row)) continue;  // NULL: an empty field
      switch (column.type()) {
        case DataType::Int64:
          out = std::to_chars(out, out + kMaxInt64Bytes, column.int64_data()[row]).ptr;
          break;
        case DataType::Float64:
          out = write_float64(column.float64_data()[row], out);
          break;
        case DataType::Bool:
          if (column.bool_data()[row] != 0) {
            std::memcpy(out, "true", 4);
            out += 4;
          } else {
            std::memcpy(out, "false", 5);
            out += 5;
          }
          break;
        case DataType::Timestamp: {
          LastTimestamp& last = last_timestamps_[index];
          const int64_t millis = column.int64_data()[row];
          if (last.length == 0 || last.millis != millis) {
            const char* text_end = style_ == TimestampStyle::Iso8601 ? format_timestamp_to(millis, last.text)
                                                                     : format_timestamp_sql_to(millis, last.text);
            last.millis = millis;
            last.length = static_cast<uint8_t>(text_end - last.text);
          }
          // The row has room for the longest timestamp: copy that many
          // bytes (a fixed-size copy), keep the text's own length.
          std::memcpy(out, last.text, kMaxFormattedTimestampBytes);
          out += last.length;
          break;
        }
        case DataType::String:
          out = write_string_field(column.string_at(row), out);
          break;
      }
    }
    *out++ = '\n';
    size_ = static_cast<size_t>(out - buffer_.get());
  }
  return position;
}

void CsvRowFormatter::append_text(std::string_view text) {
  reserve_more(text.size());
  if (!text.empty()) std::memcpy(buffer_.get() + size_, text.data(), text.size());
  size_ += text.size();
}

void CsvRowFormatter::reserve_more(size_t bytes) {
  if (capacity_ - size_ >= bytes) return;
  const size_t capacity = std::max({kMinBufferBytes, 2 * capacity_, size_ + bytes});
  auto buffer = std::make_unique_for_overwrite<char[]>(capacity);
  if (size_ > 0) std::memcpy(buffer.get(), buffer_.get(), size_);
  buffer_ = std::move(buffer);
  capacity_ = capacity;
}

}  // namespace weir
