#include "ingest/csv_morsel_loader.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "ingest/csv_field_parser.h"
#include "ingest/csv_row_scanner.h"
#include "kernels/csv_structural_scan.h"
#include "runtime/errors.h"

namespace weir {

namespace {

// Parses the records of one morsel into a batch. Lives for one load() call
// on one worker thread; every failure is an InputError naming file and line.
class MorselLoader {
 public:
  // read[c] == 0: column c is filled with NULLs, its fields skipped (empty
  // `read`: every column is read).
  MorselLoader(const CsvMorsel& morsel, const std::vector<uint8_t>& not_null, const std::vector<uint8_t>& read,
               Batch& batch)
      : morsel_(morsel),
        file_(*morsel.file),
        header_(morsel.file->header),
        // Only the morsel's bytes: the chunk may be filled further meanwhile.
        text_(morsel.text->data(), morsel.end) {
    const size_t rows = morsel.num_rows;
    targets_.resize(batch.num_columns());
    for (size_t index = 0; index < batch.num_columns(); ++index) {
      Column& column = batch.column(index);
      ColumnTarget& target = targets_[index];
      target.column = &column;
      target.type = column.type();
      target.not_null = not_null[index] != 0;
      if (!read.empty() && read[index] == 0) {
        target.skipped = true;
        column.append_nulls(rows);
        continue;
      }
      if (target.type == DataType::String) {
        // The morsel's byte count bounds the bytes of all its strings.
        column.reserve(rows, morsel.end - morsel.begin);
      } else {
        column.resize_fixed(rows);
      }
      target.int64_values = is_int64_backed(target.type) ? column.int64_data() : nullptr;
      target.float64_values = target.type == DataType::Float64 ? column.float64_data() : nullptr;
      target.bool_values = target.type == DataType::Bool ? column.bool_data() : nullptr;
    }
  }

  void load_all() {
    size_t row = 0;
    const char* cursor = text_.data() + morsel_.begin;
    load_columns(row, cursor);
    load_rows(row, cursor);
  }

 private:
  struct ColumnTarget {
    Column* column = nullptr;
    DataType type = DataType::Int64;
    bool not_null = false;
    bool skipped = false;  // not read by the pipeline: all NULL
    int64_t* int64_values = nullptr;
    double* float64_values = nullptr;
    uint8_t* bool_values = nullptr;
    TimestampFieldParser timestamps;  // remembers the last date, per column
  };

  // Bytes of text per window of the column-at-a-time path: its separator
  // offsets and the window's text stay in the L1 and L2 caches while every
  // column is parsed.
  static constexpr size_t kWindowBytes = 8192;

  // The column-at-a-time path, for records without quotes (most files): a
  // window of text at a time, the offsets of every ',' and '\n' come from
  // one SIMD pass (kernels/csv_structural_scan.h), are checked against the
  // header's field count, and then each column is parsed in a loop of its
  // own (one type, no switch or field walk per value). Moves `row` and
  // `cursor` past the records it loaded; stops at the first window it cannot
  // take whole (a quote, a record of the wrong shape, a value that does not
  // parse, a record longer than a window), leaving the rest to load_rows,
  // which reports any error exactly.
  void load_columns(size_t& row, const char*& cursor) {
    const char* const end = text_.data() + morsel_.end;
    const size_t field_count = header_.field_count();
    // Entry 0 is "just before the window" (+1 wraps to offset 0), so field
    // i of the window spans [separators[i] + 1, separators[i + 1]).
    // (Room for the kernel's 8 spare entries and the one at the end.)
    const size_t window_bytes = std::min(kWindowBytes, morsel_.end - morsel_.begin);
    std::vector<uint32_t> separators(window_bytes + 8 + 2);
    separators[0] = UINT32_MAX;
    while (row < morsel_.num_rows) {
      const size_t size = std::min(window_bytes, static_cast<size_t>(end - cursor));
      const kernels::CsvSeparatorCounts counts =
          kernels::FindCsvSeparators(cursor, size, '"', ',', separators.data() + 1);
      if (counts.quotes != 0) return;
      size_t found = counts.separators;
      size_t newlines = counts.newlines;
      // A last record without newline ends at the end of the text.
      if (cursor + size == end && (size == 0 || cursor[size - 1] != '\n')) {
        separators[1 + found++] = static_cast<uint32_t>(size);
        ++newlines;
      }
      const size_t rows = std::min(found / field_count, morsel_.num_rows - row);
      if (rows == 0) return;
      const uint32_t* fields = separators.data();
      if (!shaped_as_records(cursor, size, fields, rows, field_count, newlines) ||
          !parse_columns(cursor, fields, row, rows, field_count)) {
        return;
      }
      row += rows;
      cursor = std::min(cursor + fields[rows * field_count] + 1, end);
    }
  }

  // Whether separators 1 .. rows * field_count are, record after record,
  // field_count - 1 commas then a '\n' (or the end of the text at `size`):
  // the last of each record is a '\n', and no other is, for the window's
  // `newlines` (virtual one at the end included) are those plus the ones
  // after the records taken.
  static bool shaped_as_records(const char* window, size_t size, const uint32_t* separators,
                                size_t rows, size_t field_count, size_t newlines) {
    bool shaped = true;
    for (size_t index = field_count; index <= rows * field_count; index += field_count) {
      shaped &= separators[index] >= size || window[separators[index]] == '\n';
    }
    const size_t taken_end = separators[rows * field_count] + 1;
    if (taken_end < size) {
      newlines -= static_cast<size_t>(std::count(window + taken_end, window + size, '\n'));
    }
    return shaped && newlines == rows;
  }

  // Parses `rows` records of the window into rows [first_row, ...): fixed
  // width columns first, then strings, which are appended and so must not
  // be touched unless the whole window goes through. False when a value
  // does not parse or a not-null value is empty.
  bool parse_columns(const char* window, const uint32_t* separators, size_t first_row, size_t rows,
                     size_t field_count) {
    const int32_t* target_of_field = header_.schema_column_of_field.data();
    for (const bool strings : {false, true}) {
      for (size_t field = 0; field < field_count; ++field) {
        if (target_of_field[field] < 0) continue;
        ColumnTarget& target = targets_[static_cast<size_t>(target_of_field[field])];
        if (target.skipped) continue;
        if ((target.type == DataType::String) != strings) continue;
        const bool last_field = field + 1 == field_count;
        const auto each_value = [&](auto parse) {
          for (size_t record = 0; record < rows; ++record) {
            const size_t index = record * field_count + field;
            const char* begin = window + static_cast<uint32_t>(separators[index] + 1);
            const char* stop = window + separators[index + 1];
            // CRLF: the '\r' belongs to the line ending.
            if (last_field && stop > begin && stop[-1] == '\r') --stop;
            if (!parse(first_row + record,
                       std::string_view(begin, static_cast<size_t>(stop - begin)))) {
              return false;
            }
          }
          return true;
        };
        bool parsed = false;
        switch (target.type) {
          case DataType::Int64:
            parsed = each_value([&](size_t row, std::string_view text) {
              return text.empty()
                         ? set_null(target, row)
                         : parse_int64_field(text, readable_from(text), target.int64_values[row]);
            });
            break;
          case DataType::Timestamp:
            parsed = each_value([&](size_t row, std::string_view text) {
              return text.empty() ? set_null(target, row)
                                  : target.timestamps.parse(text, target.int64_values[row]);
            });
            break;
          case DataType::Float64:
            parsed = each_value([&](size_t row, std::string_view text) {
              return text.empty() ? set_null(target, row)
                                  : parse_float64_field(text, readable_from(text),
                                                        target.float64_values[row]);
            });
            break;
          case DataType::Bool:
            parsed = each_value([&](size_t row, std::string_view text) {
              bool value = false;
              if (text.empty()) return set_null(target, row);
              if (!parse_bool_field(text, value)) return false;
              target.bool_values[row] = value ? 1 : 0;
              return true;
            });
            break;
          case DataType::String: {
            // Only a NULL in a not-null column fails: checked before the
            // first append.
            const auto present = [](size_t, std::string_view text) { return !text.empty(); };
            if (target.not_null && !each_value(present)) return false;
            parsed = each_value([&](size_t, std::string_view text) {
              if (text.empty()) {
                target.column->append_null();
              } else {
                target.column->append_string(text);
              }
              return true;
            });
            break;
          }
        }
        if (!parsed) return false;
      }
    }
    return true;
  }

  // Bytes of the morsel from the start of `text` on (when `text` is in it).
  size_t readable_from(std::string_view text) const {
    return static_cast<size_t>(text_.data() + text_.size() - text.data());
  }

  // An empty field: NULL, unless the column is not-null (then load_rows
  // reports it).
  static bool set_null(ColumnTarget& target, size_t row) {
    if (target.not_null) return false;
    target.column->set_null(row);
    return true;
  }

  // The record-by-record path: any CSV (quoted fields too), from record
  // `row` at `cursor` to the end of the morsel.
  void load_rows(size_t row, const char* cursor) {
    const char* end = text_.data() + morsel_.end;
    const size_t field_count = header_.field_count();
    const int32_t* target_of_field = header_.schema_column_of_field.data();
    // Rows before `row` were loaded by load_columns: one line each.
    uint64_t record_line = morsel_.first_line + row;
    CsvFieldReader reader(cursor, end);
    CsvField field;
    for (; row < morsel_.num_rows; ++row) {
      WEIR_CHECK(cursor < end);  // the scanner counted this record
      const char* record_start = cursor;
      uint64_t field_line = record_line;
      size_t field_index = 0;
      do {
        cursor = reader.read(cursor, field);
        WEIR_CHECK(!field.unterminated);  // the scanner rejected those
        if (field_index < field_count) {
          const int32_t target = target_of_field[field_index];
          if (field.has_text_after_quote) {
            fail_field(record_start, record_line, field_line, field_index,
                       "unexpected text after the closing quote");
          }
          if (target >= 0 && !targets_[static_cast<size_t>(target)].skipped) {
            store(targets_[static_cast<size_t>(target)], field, row, record_start, record_line,
                  field_line, field_index);
          }
        }
        field_line += field.embedded_newlines;
        ++field_index;
      } while (!field.ends_record);
      if (field_index != field_count) throw_field_count(record_start, record_line, field_index);
      record_line = field_line + 1;
    }
    WEIR_CHECK(cursor == end);  // the scanner and this walk agree on boundaries
  }

  void store(ColumnTarget& target, const CsvField& field, size_t row, const char* record_start,
             uint64_t record_line, uint64_t field_line, size_t field_index) {
    std::string_view text(field.begin, static_cast<size_t>(field.end - field.begin));
    if (text.empty() && (!field.quoted || target.type != DataType::String)) {
      if (target.not_null) {
        fail_field(record_start, record_line, field_line, field_index,
                   "NULL (empty) value in a not-null column");
      }
      if (target.type == DataType::String) {
        target.column->append_null();
      } else {
        target.column->set_null(row);
      }
      return;
    }
    size_t readable = readable_from(text);
    if (field.has_escaped_quotes) {
      unescaped_.clear();
      unescape_csv_quotes(text, unescaped_);
      text = unescaped_;
      readable = text.size();
    }
    bool parsed = true;
    switch (target.type) {
      case DataType::String:
        target.column->append_string(text);
        return;
      case DataType::Int64:
        parsed = parse_int64_field(text, readable, target.int64_values[row]);
        break;
      case DataType::Timestamp:
        parsed = target.timestamps.parse(text, target.int64_values[row]);
        break;
      case DataType::Float64:
        parsed = parse_float64_field(text, readable, target.float64_values[row]);
        break;
      case DataType::Bool: {
        bool value = false;
        parsed = parse_bool_field(text, value);
        target.bool_values[row] = value ? 1 : 0;
        break;
      }
    }
    if (!parsed) {
      fail_field(record_start, record_line, field_line, field_index,
                 "cannot parse \"" + field_text_for_message(text) + "\" as " +
                     std::string(data_type_name(target.type)));
    }
  }

  // Throws for a bad field, unless the record has the wrong number of
  // fields: then that is the real problem (a stray comma shifts the values).
  [[noreturn]] void fail_field(const char* record_start, uint64_t record_line, uint64_t field_line,
                               size_t field_index, const std::string& problem) const {
    const size_t fields = count_fields(record_start);
    if (fields != header_.field_count()) throw_field_count(record_start, record_line, fields);
    std::string message = file_.path + ":" + std::to_string(field_line) + ": column " +
                          std::to_string(field_index + 1) + " (" +
                          field_text_for_message(header_.names[field_index]) + "): " + problem;
    throw InputError(message);
  }

  // The message quotes the record's first line, so the stray or missing
  // separator can be seen.
  [[noreturn]] void throw_field_count(const char* record_start, uint64_t record_line, size_t found) const {
    const char* end = text_.data() + morsel_.end;
    const char* line_end = record_start;
    while (line_end < end && *line_end != '\n') ++line_end;
    if (line_end > record_start && line_end[-1] == '\r') --line_end;
    throw InputError(file_.path + ":" + std::to_string(record_line) + ": expected " +
                     std::to_string(header_.field_count()) + " fields, found " + std::to_string(found) +
                     ": \"" +
                     field_text_for_message(std::string_view(record_start, static_cast<size_t>(line_end - record_start))) +
                     "\"");
  }

  size_t count_fields(const char* record_start) const {
    const char* end = text_.data() + morsel_.end;
    CsvField field;
    size_t count = 0;
    do {
      record_start = read_csv_field(record_start, end, field);
      ++count;
    } while (!field.ends_record);
    return count;
  }

  const CsvMorsel& morsel_;
  const CsvInputFile& file_;
  const CsvHeader& header_;
  std::string_view text_;
  std::vector<ColumnTarget> targets_;
  std::string unescaped_;  // scratch for quoted fields holding ""
};

}  // namespace

void load_csv_morsel(const CsvMorsel& morsel, const std::vector<uint8_t>& not_null,
                     const std::vector<uint8_t>& read, Batch& batch) {
  MorselLoader loader(morsel, not_null, read, batch);
  loader.load_all();
}

}  // namespace weir
