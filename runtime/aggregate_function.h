#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "runtime/data_type.h"
#include "runtime/schema.h"

namespace weir {

enum class AggregateKind { CountStar, Count, Sum, Min, Max, Avg };

std::string_view aggregate_kind_name(AggregateKind kind);

// One aggregate of a pipeline, bound to the input schema.
//   count(*)   -> int64, counts rows
//   count(c)   -> int64, counts non-NULL values of c (any type)
//   sum(c)     -> int64 for int64 (an overflow is an error), float64 for float64
//   min/max(c) -> the type of c (int64, float64, timestamp, string)
//   avg(c)     -> float64 (int64 or float64 input)
// NULL inputs are skipped; sum/min/max/avg of no non-NULL input is NULL.
struct AggregateSpec {
  AggregateKind kind = AggregateKind::CountStar;
  std::optional<size_t> input_column;  // none for count(*)
  DataType input_type = DataType::Int64;
  std::string output_name;

  DataType output_type() const;
};

// Parses "sum(price) AS volume" (function names and AS are case-insensitive;
// without AS the name is the call as written, e.g. "sum(price)"). The argument
// must be `*` (count only) or a column of `schema`. Throws ConfigError with a
// message naming the text and the problem (unknown function or column, a type
// the function does not accept).
AggregateSpec parse_aggregate(std::string_view text, const Schema& schema);

}  // namespace weir
