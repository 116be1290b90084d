#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "runtime/aggregate_function.h"
#include "runtime/aggregate_state.h"
#include "runtime/errors.h"
#include "runtime/exact_float_sum.h"

namespace weir {
namespace {

Schema test_schema() {
  return Schema({{"i", DataType::Int64}, {"f", DataType::Float64}, {"s", DataType::String},
                 {"t", DataType::Timestamp}, {"b", DataType::Bool}});
}

TEST(AggregateFunctionTest, ParsesCallsAliasesAndDefaults) {
  const Schema schema = test_schema();
  AggregateSpec spec = parse_aggregate("count(*) AS bids", schema);
  EXPECT_EQ(spec.kind, AggregateKind::CountStar);
  EXPECT_EQ(spec.output_name, "bids");
  spec = parse_aggregate("  SUM( i )  as Volume", schema);
  EXPECT_EQ(spec.kind, AggregateKind::Sum);
  EXPECT_EQ(*spec.input_column, 0u);
  EXPECT_EQ(spec.output_name, "Volume");
  EXPECT_EQ(spec.output_type(), DataType::Int64);
  spec = parse_aggregate("avg(i)", schema);
  EXPECT_EQ(spec.output_name, "avg(i)");
  EXPECT_EQ(spec.output_type(), DataType::Float64);
  EXPECT_EQ(parse_aggregate("max(s)", schema).output_type(), DataType::String);
  EXPECT_EQ(parse_aggregate("min(t)", schema).output_type(), DataType::Timestamp);
  EXPECT_EQ(parse_aggregate("count(b)", schema).kind, AggregateKind::Count);
}

TEST(AggregateFunctionTest, RejectsWithClearMessages) {
  const Schema schema = test_schema();
  auto message_of = [&](const char* text) {
    try {
      parse_aggregate(text, schema);
    } catch (const ConfigError& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message_of("summ(i)").find("unknown function 'summ'"), std::string::npos);
  EXPECT_NE(message_of("sum(x)").find("unknown column 'x'"), std::string::npos);
  EXPECT_NE(message_of("sum(s)").find("needs an int64 or float64 column, not string"), std::string::npos);
  EXPECT_NE(message_of("avg(t)").find("not timestamp"), std::string::npos);
  EXPECT_NE(message_of("max(b)").find("bool"), std::string::npos);
  EXPECT_NE(message_of("sum(*)").find("only count(*)"), std::string::npos);
  EXPECT_NE(message_of("sum(i) volume").find("expected AS"), std::string::npos);
  EXPECT_NE(message_of("sum").find("expected a call"), std::string::npos);
}

// Feeds `values` (nullopt = NULL) into one group of a single aggregate and
// returns the finalized column.
template <typename T>
Column aggregate_one(const char* text, DataType type, const std::vector<std::optional<T>>& values) {
  Schema schema({{"x", type}});
  AggregateStateLayout layout({parse_aggregate(text, schema)});
  Column input(type);
  for (const auto& value : values) {
    if (!value) {
      input.append_null();
    } else if constexpr (std::is_same_v<T, double>) {
      input.append_float64(*value);
    } else if constexpr (std::is_same_v<T, std::string>) {
      input.append_string(*value);
    } else {
      input.append_int64(*value);
    }
  }
  // Split the rows over two partial states and merge them, as two threads would.
  std::vector<uint8_t> first(layout.block_bytes() + 16), second(layout.block_bytes() + 16);
  uint8_t* a = reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(first.data()) + 15) & ~uintptr_t{15});
  uint8_t* b = reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(second.data()) + 15) & ~uintptr_t{15});
  layout.initialize(a);
  layout.initialize(b);
  Arena arena;
  std::vector<uint32_t> rows_a, rows_b;
  for (uint32_t row = 0; row < values.size(); ++row) (row % 2 == 0 ? rows_a : rows_b).push_back(row);
  std::vector<uint32_t> groups(values.size(), 0);
  const std::vector<const Column*> inputs = {&input};
  layout.update(inputs, rows_a.data(), groups.data(), rows_a.size(), a, arena);
  layout.update(inputs, rows_b.data(), groups.data(), rows_b.size(), b, arena);
  layout.merge(a, b, arena);
  Column out(layout.specs()[0].output_type());
  layout.finalize(0, a, out);
  return out;
}

TEST(AggregateStateTest, SqlNullSemantics) {
  using I = std::optional<int64_t>;
  const std::vector<I> values = {3, std::nullopt, -7, 10, std::nullopt};
  EXPECT_EQ(aggregate_one<int64_t>("count(*)", DataType::Int64, values).int64_data()[0], 5);
  EXPECT_EQ(aggregate_one<int64_t>("count(x)", DataType::Int64, values).int64_data()[0], 3);
  EXPECT_EQ(aggregate_one<int64_t>("sum(x)", DataType::Int64, values).int64_data()[0], 6);
  EXPECT_EQ(aggregate_one<int64_t>("min(x)", DataType::Int64, values).int64_data()[0], -7);
  EXPECT_EQ(aggregate_one<int64_t>("max(x)", DataType::Int64, values).int64_data()[0], 10);
  EXPECT_DOUBLE_EQ(aggregate_one<int64_t>("avg(x)", DataType::Int64, values).float64_data()[0], 2.0);
  const std::vector<I> nulls = {std::nullopt, std::nullopt};
  for (const char* text : {"sum(x)", "min(x)", "max(x)", "avg(x)"}) {
    EXPECT_FALSE(aggregate_one<int64_t>(text, DataType::Int64, nulls).is_valid(0)) << text;
  }
  EXPECT_EQ(aggregate_one<int64_t>("count(x)", DataType::Int64, nulls).int64_data()[0], 0);
  EXPECT_EQ(aggregate_one<int64_t>("count(*)", DataType::Int64, nulls).int64_data()[0], 2);
}

TEST(AggregateStateTest, Int64SumOverflowIsAnErrorButIntermediateOverflowIsNot) {
  using I = std::optional<int64_t>;
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_THROW(aggregate_one<int64_t>("sum(x)", DataType::Int64, std::vector<I>{max, 1}), InputError);
  // The exact sum fits, whatever the order of additions.
  EXPECT_EQ(aggregate_one<int64_t>("sum(x)", DataType::Int64, std::vector<I>{max, max, -max, -max + 5})
                .int64_data()[0],
            5);
  EXPECT_DOUBLE_EQ(aggregate_one<int64_t>("avg(x)", DataType::Int64, std::vector<I>{max, max}).float64_data()[0],
                   static_cast<double>(max));
}

TEST(AggregateStateTest, FloatMinMaxOrderNanAboveEverything) {
  using D = std::optional<double>;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<D> values = {1.5, nan, -2.0, std::nullopt};
  EXPECT_EQ(aggregate_one<double>("min(x)", DataType::Float64, values).float64_data()[0], -2.0);
  EXPECT_TRUE(std::isnan(aggregate_one<double>("max(x)", DataType::Float64, values).float64_data()[0]));
  EXPECT_TRUE(std::isnan(aggregate_one<double>("sum(x)", DataType::Float64, values).float64_data()[0]));
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(aggregate_one<double>("sum(x)", DataType::Float64, std::vector<D>{1.0, inf, 2.0}).float64_data()[0],
            inf);
}

TEST(AggregateStateTest, StringMinMaxCopyIntoTheArena) {
  using S = std::optional<std::string>;
  const std::vector<S> values = {"pear", std::nullopt, "apple", "zebra", ""};
  EXPECT_EQ(aggregate_one<std::string>("min(x)", DataType::String, values).string_at(0), "");
  EXPECT_EQ(aggregate_one<std::string>("max(x)", DataType::String, values).string_at(0), "zebra");
  EXPECT_EQ(aggregate_one<std::string>("count(x)", DataType::String, values).int64_data()[0], 4);
}

TEST(ExactFloatSumTest, OrderDoesNotChangeTheBits) {
  std::mt19937_64 random(7);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<double> values(1 + random() % 2000);
    for (double& value : values) {
      value = static_cast<double>(static_cast<int64_t>(random() % 20000001) - 10000000) / 100.0;
    }
    ExactFloatSum forward;
    for (double value : values) forward.add(value);
    std::shuffle(values.begin(), values.end(), random);
    // Sum in random chunks and merge, as morsels and threads would.
    ExactFloatSum merged;
    size_t at = 0;
    while (at < values.size()) {
      ExactFloatSum part;
      const size_t length = 1 + random() % 300;
      for (size_t i = at; i < std::min(values.size(), at + length); ++i) part.add(values[i]);
      merged.merge(part);
      at += length;
    }
    EXPECT_EQ(forward.value(), merged.value()) << trial;
  }
}

TEST(ExactFloatSumTest, IsCorrectlyRoundedWhereNaiveSummationIsNot) {
  ExactFloatSum sum;
  for (int i = 0; i < 10; ++i) sum.add(0.1);
  EXPECT_EQ(sum.value(), 1.0);  // naive left-to-right summation gives 0.9999999999999999
  ExactFloatSum cancel;
  cancel.add(1e16);
  cancel.add(1.0);
  cancel.add(-1e16);
  EXPECT_EQ(cancel.value(), 1.0);
}

}  // namespace
}  // namespace weir
