#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/schema.h"

namespace weir {

// How the fields of one CSV file map to the declared schema, read from the
// file's header row (its first record).
//
// Columns are matched by exact name; unquoted header names are trimmed of
// surrounding spaces and tabs ("ts, price" names "ts" and "price"), quoted
// ones are taken as-is. The file may hold columns the schema does not declare
// (ignored) and in any order; every declared column must appear exactly once.
struct CsvHeader {
  std::vector<std::string> names;               // every header field, in file order
  std::vector<int32_t> schema_column_of_field;  // per file field; -1 = not declared
  size_t field_count() const { return names.size(); }
};

// Reads `record` (exactly the header record as cut by CsvRowScanner, line
// ending included) of the file `path`. Throws InputError
// "<path>:1: ..." when a declared column is missing or appears twice, or a
// header field is malformed. Pure; any thread.
CsvHeader read_csv_header(std::string_view record, const Schema& schema, const std::string& path);

}  // namespace weir
