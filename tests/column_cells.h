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

}  // namespace weir::testing
