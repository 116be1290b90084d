// Runs every test once per Highway target compiled into the engine and
// supported by this processor (hwy::TestWithParamTarget restricts dynamic
// dispatch to the target under test), against a scalar reference.
#include "kernels/int64_reduce.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "hwy/tests/hwy_gtest.h"

namespace weir::kernels {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// Values from several regimes: full range, small signed, all equal, and the
// extremes sprinkled in, so that the reductions see ties and both ends.
std::vector<int64_t> RandomValues(std::mt19937_64& rng, size_t count) {
  std::vector<int64_t> values(count);
  const int regime = static_cast<int>(rng() % 4);
  const int64_t constant = static_cast<int64_t>(rng());
  for (int64_t& value : values) {
    switch (regime) {
      case 0: value = static_cast<int64_t>(rng()); break;
      case 1: value = static_cast<int64_t>(rng() % 2001) - 1000; break;
      case 2: value = constant; break;
      default: value = -static_cast<int64_t>(rng() % 1'000'000'000'000); break;
    }
    const uint64_t special = rng() % 64;
    if (special == 0) value = kMin;
    if (special == 1) value = kMax;
  }
  return values;
}

class KernelsInt64ReduceTest : public hwy::TestWithParamTarget {};
HWY_TARGET_INSTANTIATE_TEST_SUITE_P(KernelsInt64ReduceTest);

TEST_P(KernelsInt64ReduceTest, EmptyReturnsIdentities) {
  EXPECT_EQ(MaxInt64(nullptr, 0), kMin);
  EXPECT_EQ(MinInt64(nullptr, 0), kMax);
  int64_t min = 0, max = 0;
  MinMaxInt64(nullptr, 0, &min, &max);
  EXPECT_EQ(min, kMax);
  EXPECT_EQ(max, kMin);
}

TEST_P(KernelsInt64ReduceTest, MatchesScalarForEverySizeAndOffset) {
  std::mt19937_64 rng(1234 + static_cast<uint64_t>(GetParam()));
  for (size_t count = 0; count <= 1000; ++count) {
    // A few leading values so that the array start is not vector-aligned.
    const size_t offset = count % 4;
    const std::vector<int64_t> storage = RandomValues(rng, count + offset);
    const int64_t* values = storage.data() + offset;
    const int64_t expected_max = count == 0 ? kMin : *std::max_element(values, values + count);
    const int64_t expected_min = count == 0 ? kMax : *std::min_element(values, values + count);
    ASSERT_EQ(MaxInt64(values, count), expected_max) << "count " << count;
    ASSERT_EQ(MinInt64(values, count), expected_min) << "count " << count;
    int64_t min = 0, max = 0;
    MinMaxInt64(values, count, &min, &max);
    ASSERT_EQ(min, expected_min) << "count " << count;
    ASSERT_EQ(max, expected_max) << "count " << count;
  }
}

TEST_P(KernelsInt64ReduceTest, FindsExtremeInEveryPosition) {
  // The extreme sits in each lane position of the body and of the tail.
  for (size_t count : {1u, 7u, 8u, 9u, 31u, 32u, 33u, 100u}) {
    for (size_t position = 0; position < count; ++position) {
      std::vector<int64_t> values(count, 5);
      values[position] = kMax;
      ASSERT_EQ(MaxInt64(values.data(), count), kMax) << count << " " << position;
      values[position] = kMin;
      ASSERT_EQ(MinInt64(values.data(), count), kMin) << count << " " << position;
      values[position] = -3;
      int64_t min = 0, max = 0;
      MinMaxInt64(values.data(), count, &min, &max);
      ASSERT_EQ(min, -3);
      ASSERT_EQ(max, count == 1 ? -3 : 5);
    }
  }
}

}  // namespace
}  // namespace weir::kernels
