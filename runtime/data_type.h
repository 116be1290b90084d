#pragma once

#include <optional>
#include <string_view>

namespace weir {

// The column types Weir knows. Physical layouts (see runtime/column.h):
//   Int64      int64_t per row
//   Float64    double per row
//   Bool       uint8_t per row (0 or 1)
//   Timestamp  int64_t milliseconds since 1970-01-01T00:00:00Z
//   String     int64_t offsets (rows + 1) into a byte buffer
enum class DataType { Int64, Float64, Bool, Timestamp, String };

// The lowercase name used in pipeline files ("int64", "timestamp", ...).
std::string_view data_type_name(DataType type);

// Parses a pipeline-file type name; std::nullopt when unknown.
std::optional<DataType> parse_data_type(std::string_view name);

// True for the types stored as int64_t (Int64 and Timestamp).
constexpr bool is_int64_backed(DataType type) {
  return type == DataType::Int64 || type == DataType::Timestamp;
}

constexpr bool is_numeric(DataType type) { return type == DataType::Int64 || type == DataType::Float64; }

}  // namespace weir
