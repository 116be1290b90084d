#include "runtime/data_type.h"

namespace weir {

std::string_view data_type_name(DataType type) {
  switch (type) {
    case DataType::Int64:
      return "int64";
    case DataType::Float64:
      return "float64";
    case DataType::Bool:
      return "bool";
    case DataType::Timestamp:
      return "timestamp";
    case DataType::String:
      return "string";
  }
  return "unknown";
}

std::optional<DataType> parse_data_type(std::string_view name) {
  if (name == "int64") return DataType::Int64;
  if (name == "float64") return DataType::Float64;
  if (name == "bool") return DataType::Bool;
  if (name == "timestamp") return DataType::Timestamp;
  if (name == "string") return DataType::String;
  return std::nullopt;
}

}  // namespace weir
