#include "ingest/csv_source.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>
#include <utility>

#include "ingest/csv_field_parser.h"
#include "runtime/errors.h"

namespace weir {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool has_csv_extension(const std::string& name) {
  if (name.size() < 4) return false;
  std::string extension = name.substr(name.size() - 4);
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension == ".csv";
}

// Parses the records of one morsel into a batch. Lives for one load() call
// on one worker thread; every failure is an InputError naming file and line.
class MorselLoader {
 public:
  MorselLoader(const CsvMorsel& morsel, const std::vector<uint8_t>& not_null, Batch& batch)
      : morsel_(morsel),
        file_(*morsel.file),
        header_(morsel.file->header),
        text_(morsel.file->contents->bytes()) {
    const size_t rows = morsel.num_rows;
    targets_.resize(batch.num_columns());
    for (size_t index = 0; index < batch.num_columns(); ++index) {
      Column& column = batch.column(index);
      ColumnTarget& target = targets_[index];
      target.column = &column;
      target.type = column.type();
      target.not_null = not_null[index] != 0;
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
    const char* cursor = text_.data() + morsel_.begin;
    const char* end = text_.data() + morsel_.end;
    const size_t field_count = header_.field_count();
    const int32_t* target_of_field = header_.schema_column_of_field.data();
    uint64_t record_line = morsel_.first_line;
    CsvField field;
    for (size_t row = 0; row < morsel_.num_rows; ++row) {
      WEIR_CHECK(cursor < end);  // the scanner counted this record
      const char* record_start = cursor;
      uint64_t field_line = record_line;
      size_t field_index = 0;
      do {
        cursor = read_csv_field(cursor, end, field);
        WEIR_CHECK(!field.unterminated);  // the scanner rejected those
        if (field_index < field_count) {
          const int32_t target = target_of_field[field_index];
          if (field.has_text_after_quote) {
            fail_field(record_start, record_line, field_line, field_index,
                       "unexpected text after the closing quote");
          }
          if (target >= 0) {
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

 private:
  struct ColumnTarget {
    Column* column = nullptr;
    DataType type = DataType::Int64;
    bool not_null = false;
    int64_t* int64_values = nullptr;
    double* float64_values = nullptr;
    uint8_t* bool_values = nullptr;
  };

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
    if (field.has_escaped_quotes) {
      unescaped_.clear();
      unescape_csv_quotes(text, unescaped_);
      text = unescaped_;
    }
    bool parsed = true;
    switch (target.type) {
      case DataType::String:
        target.column->append_string(text);
        return;
      case DataType::Int64:
        parsed = parse_int64_field(text, target.int64_values[row]);
        break;
      case DataType::Timestamp:
        parsed = parse_timestamp_field(text, target.int64_values[row]);
        break;
      case DataType::Float64:
        parsed = parse_float64_field(text, target.float64_values[row]);
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

CsvSource::CsvSource(CsvSourceOptions options, MemoryTracker* tracker)
    : CsvSource(std::move(options), tracker, nullptr) {}

std::unique_ptr<CsvSource> CsvSource::from_bytes(CsvSourceOptions options,
                                                 std::string_view contents,
                                                 MemoryTracker* tracker) {
  return std::unique_ptr<CsvSource>(
      new CsvSource(std::move(options), tracker, MappedFile::from_bytes(contents)));
}

CsvSource::CsvSource(CsvSourceOptions options, MemoryTracker* tracker,
                     std::shared_ptr<const MappedFile> in_memory_contents)
    : path_(std::move(options.path)),
      schema_(std::make_shared<const Schema>(std::move(options.schema))),
      tracker_(tracker),
      in_memory_contents_(std::move(in_memory_contents)) {
  for (size_t index = 0; index < schema_->size(); ++index) {
    if (schema_->find(schema_->field(index).name) != index) {
      throw ConfigError("csv source " + path_ + ": column \"" + schema_->field(index).name +
                        "\" is declared twice");
    }
  }
  not_null_.assign(schema_->size(), 0);
  for (const std::string& name : options.not_null_columns) {
    const std::optional<size_t> column = schema_->find(name);
    if (!column) {
      throw ConfigError("csv source " + path_ + ": not-null column \"" + name +
                        "\" is not a declared column");
    }
    not_null_[*column] = 1;
  }

  if (in_memory_contents_ != nullptr) {
    pending_files_.push_back(path_);
    return;
  }
  std::error_code error;
  const fs::file_status status = fs::status(path_, error);
  if (fs::is_regular_file(status)) {
    pending_files_.push_back(path_);
  } else if (fs::is_directory(status)) {
    is_directory_ = true;
    discover();
  } else if (status.type() == fs::file_type::not_found) {
    throw ConfigError("csv source: \"" + path_ + "\" does not exist");
  } else if (error) {
    throw ConfigError("csv source: cannot access \"" + path_ + "\": " + error.message());
  } else {
    throw ConfigError("csv source: \"" + path_ + "\" is neither a file nor a directory");
  }
}

void CsvSource::discover() {
  if (!is_directory_ || sealed_) return;
  std::vector<std::string> fresh_names;
  std::error_code error;
  for (fs::directory_iterator entry(path_, error), last; !error && entry != last;
       entry.increment(error)) {
    std::string name = entry->path().filename().string();
    if (name.empty() || name[0] == '.' || !has_csv_extension(name)) continue;
    if (seen_file_names_.count(name) != 0) continue;
    std::error_code type_error;
    if (!entry->is_regular_file(type_error)) continue;  // follows symlinks
    fresh_names.push_back(std::move(name));
  }
  if (error) throw InputError("cannot list directory " + path_ + ": " + error.message());
  std::sort(fresh_names.begin(), fresh_names.end());
  for (std::string& name : fresh_names) {
    pending_files_.push_back((fs::path(path_) / name).string());
    seen_file_names_.insert(std::move(name));
  }
}

void CsvSource::seal() { sealed_ = true; }

bool CsvSource::exhausted() const {
  const bool bounded = !is_directory_ || sealed_;
  return bounded && pending_files_.empty() && (scanner_ == nullptr || scanner_->done());
}

bool CsvSource::open_next_file() {
  scanner_.reset();
  current_file_.reset();
  if (pending_files_.empty()) return false;
  auto file = std::make_shared<CsvInputFile>();
  file->path = std::move(pending_files_.front());
  pending_files_.pop_front();
  file->contents = in_memory_contents_ != nullptr ? in_memory_contents_
                                                  : std::make_shared<const MappedFile>(file->path);
  const std::string_view text = file->contents->bytes();
  const size_t start = text.substr(0, kByteOrderMark.size()) == kByteOrderMark ? 3 : 0;
  auto scanner = std::make_unique<CsvRowScanner>(text, start, file->path);
  const CsvRowScanner::Cut header_record = scanner->cut(1);
  if (header_record.rows == 0) {
    throw InputError(file->path + ":1: empty file; expected a header row naming the columns");
  }
  file->header =
      read_csv_header(text.substr(header_record.begin, header_record.end - header_record.begin),
                      *schema_, file->path);
  scanner->set_field_names(file->header.names);
  current_file_ = std::move(file);
  scanner_ = std::move(scanner);
  return true;
}

std::unique_ptr<SourceMorsel> CsvSource::next_morsel(size_t max_rows) {
  WEIR_CHECK(max_rows > 0);
  while (scanner_ == nullptr || scanner_->done()) {
    if (!open_next_file()) return nullptr;
  }
  const CsvRowScanner::Cut cut = scanner_->cut(max_rows);
  WEIR_CHECK(cut.rows > 0);
  auto morsel = std::make_unique<CsvMorsel>();
  morsel->first_row_ordinal = next_row_ordinal_;
  morsel->num_rows = cut.rows;
  morsel->file = current_file_;
  morsel->begin = cut.begin;
  morsel->end = cut.end;
  morsel->first_line = cut.first_line;
  next_row_ordinal_ += cut.rows;
  if (scanner_->done()) {
    // Drop our references now so the file is unmapped once its morsels are.
    scanner_.reset();
    current_file_.reset();
  }
  return morsel;
}

void CsvSource::load(SourceMorsel& morsel, Batch& batch) const {
  const auto* csv_morsel = dynamic_cast<const CsvMorsel*>(&morsel);
  WEIR_CHECK(csv_morsel != nullptr && csv_morsel->file != nullptr);
  WEIR_CHECK(batch.num_columns() == schema_->size());
  batch.clear();
  MorselLoader loader(*csv_morsel, not_null_, batch);
  loader.load_all();
  batch.first_row_ordinal = csv_morsel->first_row_ordinal;
  batch.first_line = csv_morsel->first_line;
  batch.set_num_rows(csv_morsel->num_rows);
}

std::string CsvSource::describe() const { return "csv " + path_; }

}  // namespace weir
