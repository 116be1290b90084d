#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "runtime/column.h"

namespace weir::testing {

// One value of a test batch; std::monostate is NULL. Timestamps are int64_t.
using Cell = std::variant<std::monostate, int64_t, double, bool, std::string>;
using Cells = std::vector<Cell>;

inline void append_cell(Column& column, const Cell& cell) {
  if (std::holds_alternative<std::monostate>(cell)) {
    column.append_null();
  } else if (const auto* integer = std::get_if<int64_t>(&cell)) {
    column.append_int64(*integer);
  } else if (const auto* real = std::get_if<double>(&cell)) {
    column.append_float64(*real);
  } else if (const auto* boolean = std::get_if<bool>(&cell)) {
    column.append_bool(*boolean);
  } else {
    column.append_string(std::get<std::string>(cell));
  }
}

// The values of a column, as cells (a timestamp as int64_t).
inline Cells column_cells(const Column& column) {
  Cells cells;
  for (size_t r = 0; r < column.size(); ++r) {
    if (!column.is_valid(r)) {
      cells.emplace_back();
    } else if (column.type() == DataType::String) {
      cells.emplace_back(std::string(column.string_at(r)));
    } else if (column.type() == DataType::Float64) {
      cells.emplace_back(column.float64_data()[r]);
    } else if (column.type() == DataType::Bool) {
      cells.emplace_back(column.bool_data()[r] != 0);
    } else {
      cells.emplace_back(column.int64_data()[r]);
    }
  }
  return cells;
}

}  // namespace weir::testing
