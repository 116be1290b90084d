#include "ingest/csv_row_scanner.h"

#include <algorithm>
#include <utility>

#include "runtime/errors.h"

namespace weir {

void unescape_csv_quotes(std::string_view quoted_text, std::string& out) {
  size_t start = 0;
  while (start < quoted_text.size()) {
    const size_t quote = quoted_text.find('"', start);
    if (quote == std::string_view::npos) {
      out.append(quoted_text.substr(start));
      return;
    }
    // Keep the first quote of the pair, skip the second.
    out.append(quoted_text.substr(start, quote + 1 - start));
    start = quote + 2;
  }
}

CsvRowScanner::CsvRowScanner(std::string_view text, size_t start_offset, std::string path)
    : text_begin_(text.data()),
      text_end_(text.data() + text.size()),
      position_(text.data() + std::min(start_offset, text.size())),
      quote_free_end_(position_),
      path_(std::move(path)) {}

const char* CsvRowScanner::find_quote_free_end(const char* from) const {
  // A bounded look-ahead: the whole file is not touched before it is needed.
  const size_t window = std::min(kQuoteSearchWindowBytes, static_cast<size_t>(text_end_ - from));
  if (window == 0) return text_end_;  // (empty text may have no address)
  const auto* quote = static_cast<const char*>(std::memchr(from, '"', window));
  return quote != nullptr ? quote : from + window;
}

bool CsvRowScanner::done() const {
  const size_t left = static_cast<size_t>(text_end_ - position_);
  return left == 0 || (left == 1 && *position_ == '\r');
}

CsvRowScanner::Cut CsvRowScanner::cut(size_t max_rows) {
  Cut result;
  result.begin = static_cast<size_t>(position_ - text_begin_);
  result.first_line = line_;
  while (result.rows < max_rows && !done()) {
    if (quote_free_end_ <= position_) quote_free_end_ = find_quote_free_end(position_);
    // Whole lines in the stretch without quotes are records.
    const char* after = nullptr;
    const size_t lines =
        csv_text::skip_newlines(position_, quote_free_end_, max_rows - result.rows, after);
    if (lines > 0) {
      position_ = after;
      line_ += lines;
      result.rows += lines;
      continue;
    }
    if (quote_free_end_ == text_end_) {
      // A last record without newline (done() said it is not empty).
      position_ = text_end_;
      ++line_;
    } else {
      // The record at position_ holds a quote, or is longer than the window
      // looked at: the general walk handles both.
      position_ = skip_quoted_record(position_);
    }
    ++result.rows;
  }
  result.end = static_cast<size_t>(position_ - text_begin_);
  return result;
}

const char* CsvRowScanner::skip_quoted_record(const char* record_start) {
  // Mirrors read_csv_field, without building fields.
  const char* cursor = record_start;
  size_t field_index = 0;
  while (true) {
    if (cursor < text_end_ && *cursor == '"') {
      const uint64_t field_line = line_;
      ++cursor;
      while (true) {
        const auto* quote = static_cast<const char*>(std::memchr(cursor, '"', text_end_ - cursor));
        if (quote == nullptr) throw_unterminated_quote(field_line, field_index);
        line_ += static_cast<uint64_t>(std::count(cursor, quote, '\n'));
        cursor = quote + 1;
        if (cursor < text_end_ && *cursor == '"') {
          ++cursor;
          continue;
        }
        break;
      }
    }
    cursor = csv_text::find_comma_or_newline(cursor, text_end_);
    if (cursor == text_end_) {
      ++line_;
      return text_end_;
    }
    if (*cursor == '\n') {
      ++line_;
      return cursor + 1;
    }
    ++cursor;
    ++field_index;
  }
}

void CsvRowScanner::throw_unterminated_quote(uint64_t line, size_t field_index) const {
  std::string message =
      path_ + ":" + std::to_string(line) + ": column " + std::to_string(field_index + 1);
  if (field_index < field_names_.size()) message += " (" + field_names_[field_index] + ")";
  message += ": unterminated quoted field (no closing '\"' before the end of the file)";
  throw InputError(message);
}

}  // namespace weir
