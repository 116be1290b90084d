#include "ingest/csv_header.h"

#include <cstdint>
#include <optional>
#include <utility>

#include "ingest/csv_field_parser.h"
#include "ingest/csv_row_scanner.h"
#include "runtime/errors.h"

namespace weir {

namespace {

constexpr size_t kMaxNamesInMessage = 20;

std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string header_names_for_message(const std::vector<std::string>& names) {
  std::string list;
  for (size_t i = 0; i < names.size() && i < kMaxNamesInMessage; ++i) {
    if (i > 0) list += ", ";
    list += "\"" + field_text_for_message(names[i]) + "\"";
  }
  if (names.size() > kMaxNamesInMessage) list += ", ...";
  return list;
}

}  // namespace

CsvHeader read_csv_header(std::string_view record, const Schema& schema, const std::string& path) {
  CsvHeader header;
  const char* cursor = record.data();
  const char* end = record.data() + record.size();
  CsvField field;
  do {
    cursor = read_csv_field(cursor, end, field);
    const size_t position = header.names.size() + 1;
    if (field.unterminated || field.has_text_after_quote) {
      throw InputError(path + ":1: column " + std::to_string(position) +
                       ": malformed quoted name in the header row");
    }
    std::string name;
    if (field.quoted) {
      const std::string_view text(field.begin, static_cast<size_t>(field.end - field.begin));
      if (field.has_escaped_quotes) {
        unescape_csv_quotes(text, name);
      } else {
        name.assign(text);
      }
    } else {
      name.assign(
          trim_blanks(std::string_view(field.begin, static_cast<size_t>(field.end - field.begin))));
    }
    header.names.push_back(std::move(name));
  } while (!field.ends_record);

  std::vector<size_t> field_of_column(schema.size(), SIZE_MAX);
  header.schema_column_of_field.assign(header.names.size(), -1);
  for (size_t position = 0; position < header.names.size(); ++position) {
    const std::optional<size_t> column = schema.find(header.names[position]);
    if (!column) continue;
    if (field_of_column[*column] != SIZE_MAX) {
      throw InputError(path + ":1: column \"" + field_text_for_message(header.names[position]) +
                       "\" appears twice in the header (fields " +
                       std::to_string(field_of_column[*column] + 1) + " and " +
                       std::to_string(position + 1) + ")");
    }
    field_of_column[*column] = position;
    header.schema_column_of_field[position] = static_cast<int32_t>(*column);
  }
  for (size_t column = 0; column < schema.size(); ++column) {
    if (field_of_column[column] != SIZE_MAX) continue;
    throw InputError(
        path + ":1: missing column \"" + field_text_for_message(schema.field(column).name) +
        "\" in the header (the header has " + header_names_for_message(header.names) + ")");
  }
  return header;
}

}  // namespace weir
