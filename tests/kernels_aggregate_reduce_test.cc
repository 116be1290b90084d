// Runs every test once per Highway target compiled into the engine and
// supported by this processor (hwy::TestWithParamTarget restricts dynamic
// dispatch to the target under test), against a scalar reference: __int128
// sums, ExactFloatSum::add, and min/max by float_total_less in row order.
#include "kernels/aggregate_reduce.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "hwy/tests/hwy_gtest.h"
#include "runtime/exact_float_sum.h"

namespace weir::kernels {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr AggregateParts kAllParts[] = {kAggregateCount, kAggregateSum, kAggregateMinMax, kAggregateAll};

// The order min/max use, as runtime/column_reduction.h defines it (written
// out again so the reference does not depend on the code under test).
bool TotalLess(double a, double b) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  if (a == b) return a == 0.0 && std::signbit(a) && !std::signbit(b);
  return a < b;
}

uint64_t Bits(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

double FromBits(uint64_t bits) {
  double value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

std::string Hex(double value) {
  char text[64];
  std::snprintf(text, sizeof(text), "%a (0x%016llx)", value, static_cast<unsigned long long>(Bits(value)));
  return text;
}

bool Valid(const std::vector<uint64_t>& validity, size_t row) {
  return validity.empty() || ((validity[row / 64] >> (row % 64)) & 1) != 0;
}

// Row r of the reduction: i (dense) or rows[i] (selected).
template <typename T>
struct Input {
  std::vector<T> values;
  std::vector<uint64_t> validity;  // empty: no bitmap (nullptr)
  std::vector<uint32_t> rows;      // used by the Selected forms
  const uint64_t* bitmap() const { return validity.empty() ? nullptr : validity.data(); }
};

Int64Aggregate ReferenceInt64(const Input<int64_t>& in, const uint32_t* rows, size_t count) {
  Int64Aggregate r;
  for (size_t i = 0; i < count; ++i) {
    const size_t row = rows != nullptr ? rows[i] : i;
    if (!Valid(in.validity, row)) continue;
    r.sum += in.values[row];
    r.min = std::min(r.min, in.values[row]);
    r.max = std::max(r.max, in.values[row]);
    ++r.count;
  }
  return r;
}

Float64Aggregate ReferenceFloat64(const Input<double>& in, const uint32_t* rows, size_t count) {
  Float64Aggregate r;
  ExactFloatSum sum;
  for (size_t i = 0; i < count; ++i) {
    const size_t row = rows != nullptr ? rows[i] : i;
    if (!Valid(in.validity, row)) continue;
    const double v = in.values[row];
    sum.add(v);
    if (r.count == 0 || TotalLess(v, r.min)) r.min = v;
    if (r.count == 0 || TotalLess(r.max, v)) r.max = v;
    ++r.count;
  }
  r.sum_hi = sum.hi;
  r.sum_lo = sum.lo;
  r.sum_non_finite = sum.non_finite;
  return r;
}

void ExpectSame(const Int64Aggregate& expected, const Int64Aggregate& actual, AggregateParts parts,
                const std::string& where) {
  EXPECT_EQ(actual.count, expected.count) << where;
  if (parts & kAggregateSum) {
    EXPECT_TRUE(actual.sum == expected.sum)
        << where << ": sum high " << static_cast<int64_t>(actual.sum >> 64) << " low "
        << static_cast<uint64_t>(actual.sum) << ", expected high " << static_cast<int64_t>(expected.sum >> 64)
        << " low " << static_cast<uint64_t>(expected.sum);
  }
  if (parts & kAggregateMinMax) {
    EXPECT_EQ(actual.min, expected.min) << where;
    EXPECT_EQ(actual.max, expected.max) << where;
  }
}

// Bit for bit, except that a NaN non-finite sum need only be a NaN (IEEE
// addition does not fix which NaN comes out).
void ExpectSame(const Float64Aggregate& expected, const Float64Aggregate& actual, AggregateParts parts,
                const std::string& where) {
  EXPECT_EQ(actual.count, expected.count) << where;
  if (parts & kAggregateSum) {
    EXPECT_EQ(Bits(actual.sum_hi), Bits(expected.sum_hi)) << where << ": hi " << Hex(actual.sum_hi) << " expected "
                                                          << Hex(expected.sum_hi);
    EXPECT_EQ(Bits(actual.sum_lo), Bits(expected.sum_lo)) << where << ": lo " << Hex(actual.sum_lo) << " expected "
                                                          << Hex(expected.sum_lo);
    if (std::isnan(expected.sum_non_finite)) {
      EXPECT_TRUE(std::isnan(actual.sum_non_finite)) << where;
    } else {
      EXPECT_EQ(Bits(actual.sum_non_finite), Bits(expected.sum_non_finite)) << where;
    }
  }
  if (parts & kAggregateMinMax) {
    if (expected.count == 0) {  // the identities
      EXPECT_TRUE(std::isnan(actual.min)) << where;
      EXPECT_EQ(actual.max, -kInf) << where;
    } else {
      EXPECT_EQ(Bits(actual.min), Bits(expected.min)) << where << ": min " << Hex(actual.min) << " expected "
                                                      << Hex(expected.min);
      EXPECT_EQ(Bits(actual.max), Bits(expected.max)) << where << ": max " << Hex(actual.max) << " expected "
                                                      << Hex(expected.max);
    }
  }
}

// A bitmap for `rows` rows in one of several regimes: none, all valid, ~1%,
// ~50% or ~99% NULL, all NULL. Bits past `rows` are random (must be ignored).
std::vector<uint64_t> RandomValidity(std::mt19937_64& rng, size_t rows, int regime) {
  if (regime == 0) return {};
  std::vector<uint64_t> words(rows / 64 + 1);
  for (uint64_t& word : words) {
    switch (regime) {
      case 1: word = ~uint64_t{0}; break;
      case 2: word = ~(rng() % 64 == 0 ? uint64_t{1} << (rng() % 64) : 0); break;
      case 3: word = rng(); break;
      case 4: word = rng() & rng() & rng() & rng() & rng() & rng(); break;
      default: word = 0; break;
    }
  }
  if (rows % 64 != 0) words[rows / 64] |= ~((uint64_t{1} << (rows % 64)) - 1) & rng();
  return words;
}

// NULL slots hold 0 as the engine writes them, or garbage in some cases: the
// kernels must not depend on it.
template <typename T>
void FillNullSlots(std::mt19937_64& rng, Input<T>& in, T garbage) {
  const bool use_garbage = rng() % 4 == 0;
  for (size_t row = 0; row < in.values.size(); ++row) {
    if (!Valid(in.validity, row)) in.values[row] = use_garbage ? garbage : T{0};
  }
}

// An ascending selection of about half of `rows` rows (all or none sometimes).
std::vector<uint32_t> RandomSelection(std::mt19937_64& rng, size_t rows) {
  std::vector<uint32_t> selection;
  const uint64_t keep = rng() % 5;  // out of 4: 0 none, 4 all
  for (size_t row = 0; row < rows; ++row) {
    if (rng() % 4 < keep) selection.push_back(static_cast<uint32_t>(row));
  }
  return selection;
}

Input<int64_t> RandomInt64Input(std::mt19937_64& rng, size_t rows) {
  Input<int64_t> in;
  in.values.resize(rows);
  const int regime = static_cast<int>(rng() % 4);
  const int64_t constant = static_cast<int64_t>(rng());
  for (int64_t& value : in.values) {
    switch (regime) {
      case 0: value = static_cast<int64_t>(rng()); break;
      case 1: value = static_cast<int64_t>(rng() % 2001) - 1000; break;
      case 2: value = constant; break;
      default: value = kMax - static_cast<int64_t>(rng() % 1000); break;
    }
    const uint64_t special = rng() % 32;
    if (special == 0) value = kMin;
    if (special == 1) value = kMax;
  }
  in.validity = RandomValidity(rng, rows, static_cast<int>(rng() % 6));
  FillNullSlots<int64_t>(rng, in, kMin);
  in.rows = RandomSelection(rng, rows);
  return in;
}

Input<double> RandomFloat64Input(std::mt19937_64& rng, size_t rows) {
  Input<double> in;
  in.values.resize(rows);
  const int regime = static_cast<int>(rng() % 4);
  const uint64_t nan_payload = 0x7FF8000000000000 | (rng() & 0xFFFFF);
  for (double& value : in.values) {
    switch (regime) {
      case 0: value = static_cast<double>(static_cast<int64_t>(rng() % 2'000'001) - 1'000'000); break;
      case 1: value = static_cast<double>(static_cast<int64_t>(rng() >> 20) - (int64_t{1} << 43)) / 1024; break;
      case 2: value = static_cast<double>(static_cast<int64_t>(rng() % 5) - 2); break;  // ties, zeros
      default: value = static_cast<double>(static_cast<int64_t>(rng() % 2001) - 1000) / 1024; break;
    }
    switch (rng() % 64) {
      case 0: value = std::numeric_limits<double>::quiet_NaN(); break;
      case 1: value = FromBits(nan_payload | (uint64_t{1} << 63)); break;  // a negative NaN
      case 2: value = FromBits(nan_payload); break;
      case 3: value = kInf; break;
      case 4: value = -kInf; break;
      case 5: case 6: value = -0.0; break;
      case 7: value = 0.0; break;
      default: break;
    }
  }
  if (rng() % 3 == 0) {  // most morsels carry no inf/NaN
    for (double& value : in.values) {
      if (!std::isfinite(value)) value = 1.5;
    }
  }
  in.validity = RandomValidity(rng, rows, static_cast<int>(rng() % 6));
  FillNullSlots<double>(rng, in, std::numeric_limits<double>::quiet_NaN());
  in.rows = RandomSelection(rng, rows);
  return in;
}

class KernelsAggregateReduceTest : public hwy::TestWithParamTarget {};
HWY_TARGET_INSTANTIATE_TEST_SUITE_P(KernelsAggregateReduceTest);

TEST_P(KernelsAggregateReduceTest, EmptyGivesIdentities) {
  for (AggregateParts parts : kAllParts) {
    ExpectSame(Int64Aggregate{}, AggregateInt64(nullptr, nullptr, 0, parts), parts, "int64");
    ExpectSame(Int64Aggregate{}, AggregateInt64Selected(nullptr, nullptr, nullptr, 0, parts), parts, "int64 sel");
    ExpectSame(Float64Aggregate{}, AggregateFloat64(nullptr, nullptr, 0, parts), parts, "float64");
    ExpectSame(Float64Aggregate{}, AggregateFloat64Selected(nullptr, nullptr, nullptr, 0, parts), parts,
               "float64 sel");
  }
  EXPECT_EQ(CountValid(nullptr, 0), 0u);
  EXPECT_EQ(CountValidSelected(nullptr, nullptr, 0), 0u);
}

TEST_P(KernelsAggregateReduceTest, Int64MatchesScalarForEverySize) {
  std::mt19937_64 rng(77 + static_cast<uint64_t>(GetParam()));
  for (size_t count = 0; count <= 300; ++count) {
    for (int repeat = 0; repeat < 4; ++repeat) {
      const Input<int64_t> in = RandomInt64Input(rng, count);
      const Int64Aggregate dense = ReferenceInt64(in, nullptr, count);
      const Int64Aggregate selected = ReferenceInt64(in, in.rows.data(), in.rows.size());
      for (AggregateParts parts : kAllParts) {
        const std::string where = "count " + std::to_string(count) + " parts " + std::to_string(parts);
        ExpectSame(dense, AggregateInt64(in.values.data(), in.bitmap(), count, parts), parts, where);
        ExpectSame(selected,
                   AggregateInt64Selected(in.values.data(), in.bitmap(), in.rows.data(), in.rows.size(), parts),
                   parts, where + " selected");
      }
      ASSERT_EQ(CountValid(in.bitmap(), count), dense.count);
      ASSERT_EQ(CountValidSelected(in.bitmap(), in.rows.data(), in.rows.size()), selected.count);
      if (HasFailure()) return;
    }
  }
}

TEST_P(KernelsAggregateReduceTest, Float64MatchesScalarForEverySize) {
  std::mt19937_64 rng(99 + static_cast<uint64_t>(GetParam()));
  for (size_t count = 0; count <= 300; ++count) {
    for (int repeat = 0; repeat < 4; ++repeat) {
      const Input<double> in = RandomFloat64Input(rng, count);
      const Float64Aggregate dense = ReferenceFloat64(in, nullptr, count);
      const Float64Aggregate selected = ReferenceFloat64(in, in.rows.data(), in.rows.size());
      for (AggregateParts parts : kAllParts) {
        const std::string where = "count " + std::to_string(count) + " parts " + std::to_string(parts);
        ExpectSame(dense, AggregateFloat64(in.values.data(), in.bitmap(), count, parts), parts, where);
        ExpectSame(selected,
                   AggregateFloat64Selected(in.values.data(), in.bitmap(), in.rows.data(), in.rows.size(), parts),
                   parts, where + " selected");
      }
      if (HasFailure()) return;
    }
  }
}

TEST_P(KernelsAggregateReduceTest, UnalignedStart) {
  std::mt19937_64 rng(5 + static_cast<uint64_t>(GetParam()));
  for (size_t offset = 1; offset < 8; ++offset) {
    Input<int64_t> ints = RandomInt64Input(rng, 200 + offset);
    Input<double> floats = RandomFloat64Input(rng, 200 + offset);
    ints.validity.clear();
    floats.validity.clear();
    Input<int64_t> int_view{std::vector<int64_t>(ints.values.begin() + offset, ints.values.end()), {}, {}};
    Input<double> float_view{std::vector<double>(floats.values.begin() + offset, floats.values.end()), {}, {}};
    ExpectSame(ReferenceInt64(int_view, nullptr, 200), AggregateInt64(ints.values.data() + offset, nullptr, 200),
               kAggregateAll, "offset " + std::to_string(offset));
    ExpectSame(ReferenceFloat64(float_view, nullptr, 200),
               AggregateFloat64(floats.values.data() + offset, nullptr, 200), kAggregateAll,
               "offset " + std::to_string(offset));
  }
}

TEST_P(KernelsAggregateReduceTest, FloatExtremesFollowTheTotalOrder) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double negative_nan = FromBits(Bits(nan) | (uint64_t{1} << 63));
  const double payload_nan = FromBits(Bits(nan) | 0x1234);
  struct Case {
    std::vector<double> values;
    double min, max;
  };
  const std::vector<Case> cases = {
      {{0.0, -0.0, 0.0}, -0.0, 0.0},
      {{-0.0, 0.0}, -0.0, 0.0},
      {{3.0, negative_nan, -kInf}, -kInf, negative_nan},  // NaN is above +inf whatever its sign
      {{payload_nan, nan, 1.0}, 1.0, payload_nan},        // the first NaN is kept
      {{negative_nan, payload_nan}, negative_nan, negative_nan},
      {{kInf, -kInf}, -kInf, kInf},
  };
  for (const Case& c : cases) {
    // Padded to several sizes so that the extremes pass through every path.
    for (size_t copies : {1u, 3u, 9u, 40u}) {
      std::vector<double> values;
      for (size_t copy = 0; copy < copies; ++copy) values.insert(values.end(), c.values.begin(), c.values.end());
      const Float64Aggregate r = AggregateFloat64(values.data(), nullptr, values.size(), kAggregateMinMax);
      EXPECT_EQ(Bits(r.min), Bits(c.min)) << Hex(r.min) << " copies " << copies;
      EXPECT_EQ(Bits(r.max), Bits(c.max)) << Hex(r.max) << " copies " << copies;
    }
  }
}

// 3M values near INT64_MAX (and near INT64_MIN): the sum needs ~86 bits, and
// several kBlockRows blocks fold into the __int128.
TEST_P(KernelsAggregateReduceTest, LargeInt64SumIsExact) {
  std::mt19937_64 rng(3);
  constexpr size_t kRows = 3'000'000;
  for (int sign : {1, -1}) {
    Input<int64_t> in;
    in.values.resize(kRows);
    for (int64_t& value : in.values) {
      value = sign > 0 ? kMax - static_cast<int64_t>(rng() % 1000) : kMin + static_cast<int64_t>(rng() % 1000);
    }
    for (int regime : {0, 2}) {
      in.validity = RandomValidity(rng, kRows, regime);
      FillNullSlots<int64_t>(rng, in, kMin);
      ExpectSame(ReferenceInt64(in, nullptr, kRows), AggregateInt64(in.values.data(), in.bitmap(), kRows),
                 kAggregateAll, "dense regime " + std::to_string(regime));
      in.rows = RandomSelection(rng, kRows);
      ExpectSame(ReferenceInt64(in, in.rows.data(), in.rows.size()),
                 AggregateInt64Selected(in.values.data(), in.bitmap(), in.rows.data(), in.rows.size()),
                 kAggregateAll, "selected regime " + std::to_string(regime));
    }
  }
}

// 3M multiples of 1/1024 up to 2^30: exact sums, so bit-equal to the scalar.
TEST_P(KernelsAggregateReduceTest, LargeFloat64SumIsBitEqual) {
  std::mt19937_64 rng(4);
  constexpr size_t kRows = 3'000'000;
  Input<double> in;
  in.values.resize(kRows);
  for (double& value : in.values) {
    value = static_cast<double>(static_cast<int64_t>(rng() >> 24) - (int64_t{1} << 39)) / 1024;
  }
  in.validity = RandomValidity(rng, kRows, 2);
  FillNullSlots<double>(rng, in, 0.0);
  ExpectSame(ReferenceFloat64(in, nullptr, kRows), AggregateFloat64(in.values.data(), in.bitmap(), kRows),
             kAggregateAll, "dense");
  in.rows = RandomSelection(rng, kRows);
  ExpectSame(ReferenceFloat64(in, in.rows.data(), in.rows.size()),
             AggregateFloat64Selected(in.values.data(), in.bitmap(), in.rows.data(), in.rows.size()),
             kAggregateAll, "selected");
}

}  // namespace
}  // namespace weir::kernels
