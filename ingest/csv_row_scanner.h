#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace weir {

// The structure of CSV text (RFC 4180 with the usual relaxations), shared by
// the serial row scan (CsvRowScanner) and the parallel field walk
// (read_csv_field) so that both agree on every record boundary:
//
//  * A record ends at the first '\n' that is not inside a quoted field, or at
//    the end of the file. A '\r' right before that end belongs to the line
//    ending (CRLF), not to the last field.
//  * Fields are separated by ','. A field is quoted when its first character
//    is '"'; it then runs to the next '"' not followed by another '"' ("" is
//    an escaped quote) and may contain ',', '\r' and '\n'. A '"' anywhere else
//    in an unquoted field is an ordinary character (5'10" stays as is).
//  * Text between a closing quote and the next ',' or line end is kept out of
//    the field and flagged (CsvField::has_text_after_quote) so the loader can
//    reject it; the record boundary does not depend on it.
//  * Whatever follows the last '\n' of a file is a record unless it is empty
//    (or a lone '\r'): a final line without newline is a row, an empty one is
//    not. Empty lines before that are records with one empty field.

// Byte search in 8-byte words (SWAR) for the byte-by-byte walks (quoted
// records, error messages); the bulk of the text goes through the SIMD masks
// of kernels/csv_structural_scan.h. Never reads at or past `end`.
namespace csv_text {

inline constexpr uint64_t kLowBits = 0x0101010101010101ull;
inline constexpr uint64_t kLow7Bits = 0x7F7F7F7F7F7F7F7Full;

// The high bit of the first byte of `word` that equals `byte` is set, and
// no bit below it; bits above may be false positives (borrows).
inline uint64_t first_byte_equal_mask(uint64_t word, char byte) {
  const uint64_t zero_where_equal = word ^ (kLowBits * static_cast<unsigned char>(byte));
  return (zero_where_equal - kLowBits) & ~zero_where_equal;
}

inline uint64_t load_word(const char* position) {
  uint64_t word;
  std::memcpy(&word, position, sizeof(word));
  return word;
}

inline constexpr bool kWordSearch = std::endian::native == std::endian::little;

// The first ',' or '\n' in [position, end), or `end`.
inline const char* find_comma_or_newline(const char* position, const char* end) {
  if constexpr (kWordSearch) {
    while (end - position >= 8) {
      const uint64_t word = load_word(position);
      const uint64_t found =
          (first_byte_equal_mask(word, ',') | first_byte_equal_mask(word, '\n')) & ~kLow7Bits;
      if (found != 0) return position + (std::countr_zero(found) >> 3);
      position += 8;
    }
  }
  while (position < end && *position != ',' && *position != '\n') ++position;
  return position;
}

}  // namespace csv_text

// One field as it appears in the text.
struct CsvField {
  const char* begin;  // the field's text: inside the quotes when quoted,
  const char* end;    // without the CRLF '\r' when it ends the record
  bool quoted;
  bool has_escaped_quotes;    // the text holds "" pairs (see unescape_csv_quotes)
  bool has_text_after_quote;  // e.g. "abc"def: malformed
  bool unterminated;          // opening quote without closing quote
  bool ends_record;
  uint32_t embedded_newlines;  // '\n' inside the quotes
};

// Reads the field starting at `position` (the start of a record or the
// character after a ','), never reading at or past `end`. Returns where the
// next field starts (past the ',' or '\n'). Pure; any thread.
inline const char* read_csv_field(const char* position, const char* end, CsvField& field) {
  field.has_escaped_quotes = false;
  field.has_text_after_quote = false;
  field.unterminated = false;
  field.embedded_newlines = 0;
  const char* cursor = position;
  if (cursor < end && *cursor == '"') {
    field.quoted = true;
    field.begin = ++cursor;
    while (true) {
      const auto* quote = static_cast<const char*>(std::memchr(cursor, '"', end - cursor));
      if (quote == nullptr) {
        field.unterminated = true;
        field.end = end;
        field.ends_record = true;
        return end;
      }
      if (quote + 1 < end && quote[1] == '"') {
        field.has_escaped_quotes = true;
        cursor = quote + 2;
        continue;
      }
      field.end = quote;
      cursor = quote + 1;
      break;
    }
    for (const char* scan = field.begin; scan < field.end; ++scan) {
      field.embedded_newlines += *scan == '\n' ? 1 : 0;
    }
    const char* tail = cursor;
    cursor = csv_text::find_comma_or_newline(cursor, end);
    const bool at_line_end = cursor == end || *cursor == '\n';
    const bool only_carriage_return = cursor - tail == 1 && *tail == '\r' && at_line_end;
    field.has_text_after_quote = cursor != tail && !only_carriage_return;
  } else {
    field.quoted = false;
    field.begin = cursor;
    cursor = csv_text::find_comma_or_newline(cursor, end);
    field.end = cursor;
    const bool at_line_end = cursor == end || *cursor == '\n';
    if (at_line_end && field.end > field.begin && field.end[-1] == '\r') --field.end;
  }
  if (cursor == end) {
    field.ends_record = true;
    return end;
  }
  field.ends_record = *cursor == '\n';
  return cursor + 1;
}

// Appends the text of a quoted field with every "" turned into ".
void unescape_csv_quotes(std::string_view quoted_text, std::string& out);

// The field walk of the loader's record-by-record path (text holding quotes,
// or records that are not all of one shape) over a run of whole records:
// gives exactly what read_csv_field gives, but finds the ',' or '\n' that
// ends an unquoted field from SIMD masks of the text
// (kernels/csv_structural_scan.h), computed a window of kWindowBlocks * 64
// bytes at a time. Quoted fields, needing the escape rules, take
// read_csv_field.
//
// Contract: one thread; [begin, end) stays valid while the reader is used.
class CsvFieldReader {
 public:
  CsvFieldReader(const char* begin, const char* end)
      : end_(end), window_begin_(begin), window_end_(begin) {}

  // As read_csv_field(position, end, field). Successive calls must not go
  // backwards (`position` at or past the previous call's).
  const char* read(const char* position, CsvField& field) {
    if (position < end_ && *position == '"') return read_csv_field(position, end_, field);
    field.quoted = false;
    field.has_escaped_quotes = false;
    field.has_text_after_quote = false;
    field.unterminated = false;
    field.embedded_newlines = 0;
    field.begin = position;
    const char* separator = next_separator(position);
    field.end = separator;
    field.ends_record = separator == end_ || *separator == '\n';
    if (field.ends_record && field.end > field.begin && field.end[-1] == '\r') --field.end;
    return separator == end_ ? end_ : separator + 1;
  }

 private:
  static constexpr size_t kWindowBlocks = 64;

  // The first ',' or '\n' at or after `from`, or end_.
  const char* next_separator(const char* from) {
    while (true) {
      if (from >= window_end_) {
        if (from >= end_) return end_;
        load_window(from);
      }
      const auto offset = static_cast<size_t>(from - window_begin_);
      size_t block = offset / 64;
      uint64_t bits = separators_[block] & (~uint64_t{0} << (offset % 64));
      while (bits == 0) {
        if (++block == window_blocks_) break;
        bits = separators_[block];
      }
      if (bits != 0) return window_begin_ + block * 64 + std::countr_zero(bits);
      from = window_end_;
    }
  }
  // Masks for [from, from + kWindowBlocks * 64), cut at end_.
  void load_window(const char* from);

  const char* end_;
  const char* window_begin_;
  const char* window_end_;
  size_t window_blocks_ = 0;
  uint64_t separators_[kWindowBlocks];  // ',' or '\n', bit i of block b = byte 64 b + i
};

// The serial structural scan of one file: cuts runs of whole records.
//
// The text is scanned a chunk at a time into SIMD masks of record ends:
// '\n' outside quoted fields, by quote parity (FindCsvRecordEnds in
// kernels/csv_structural_scan.h); records are counted 64 bytes at a time
// with popcounts. A record holding a quote that parity cannot describe (a
// '"' inside an unquoted field, or after a closing quote), an unterminated
// quote and a last record without newline take the byte-by-byte walk, so
// the cuts, line numbers and error messages are those of read_csv_field.
// Physical lines are counted so every record's first line is known (line 1
// is the first line of the file).
//
// The text may also come a part at a time (a file read block by block): a
// text that is not final is a prefix of the rest of the file. Then only
// records whose end is in the text are cut; at its end the scanner stops and
// reports needs_text(), and continue_in() gives it the longer text. The cuts,
// line numbers and errors are those of the whole text at once.
//
// Contract: one thread at a time (the source's serial next_morsel stage).
// The text must stay valid while the scanner is used.
class CsvRowScanner {
 public:
  // `text` is the file from its start; scanning starts at `start_offset`
  // (after a byte-order mark, say), on line 1. `path` names the file in
  // messages. `final`: the text is the whole file.
  CsvRowScanner(std::string_view text, size_t start_offset, std::string path, bool final = true);

  // Scanning goes on at `position` of `text`, which holds from there on the
  // bytes that followed the current position (and possibly more). `final`:
  // the text runs to the end of the file.
  void continue_in(std::string_view text, size_t position, bool final);

  // Field names for messages about a field (the header, once read).
  void set_field_names(std::vector<std::string> names) { field_names_ = std::move(names); }

  // A run of consecutive records: bytes [begin, end) of the text.
  struct Cut {
    size_t begin = 0;
    size_t end = 0;
    uint64_t first_line = 0;
    size_t rows = 0;
  };

  // Cuts up to `max_rows` records from the current position and moves past
  // them. Fewer only when done() or needs_text(); rows == 0 only then.
  // Throws InputError for a quoted field without closing quote
  // ("<path>:<line>: column <k> (<name>): unterminated quoted field", <line>
  // being where the field starts).
  Cut cut(size_t max_rows);

  // True when no record is left (only once the text is final).
  bool done() const;
  // True when the last cut() stopped at the end of a text that is not final
  // before the end of a record.
  bool needs_text() const { return needs_text_; }

 private:
  // Moves past up to `wanted` (> 0) records from position_ with the SIMD
  // masks; returns how many. Stops after a record that needed the walk.
  size_t scan_records(size_t wanted);
  // Walks one record byte by byte (mirrors read_csv_field, without building
  // fields); returns where the next record starts and advances line_ past
  // the record's lines. Returns nullptr (line_ unchanged) when the record
  // runs past the end of a text that is not final.
  const char* walk_record(const char* record_start);
  // Walks the record at position_ and moves past it: 1, or 0 with
  // needs_text_ set when it is not whole in the text.
  size_t walk_one_record();

  // Bytes scanned per kernel call: past the records wanted, at most this
  // much is looked at.
  static constexpr size_t kScanChunkBytes = 4096;
  [[noreturn]] void throw_unterminated_quote(uint64_t line, size_t field_index) const;

  const char* text_begin_;
  const char* text_end_;
  const char* position_;  // a record start
  uint64_t line_ = 1;     // the line of position_
  bool final_ = true;     // text_end_ is the end of the file
  bool needs_text_ = false;
  std::string path_;
  std::vector<std::string> field_names_;
};

}  // namespace weir
