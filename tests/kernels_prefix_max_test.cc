// Runs every test once per Highway target compiled into the engine and
// supported by this processor (hwy::TestWithParamTarget restricts dynamic
// dispatch to the target under test), against a scalar reference.
#include "kernels/prefix_max.h"

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

// Event-time-like series (mostly ascending with jitter), descending runs,
// full-range noise, and the extremes sprinkled in.
std::vector<int64_t> RandomValues(std::mt19937_64& rng, size_t count) {
  std::vector<int64_t> values(count);
  const int regime = static_cast<int>(rng() % 4);
  int64_t time = 1767225600000 - static_cast<int64_t>(rng() % 1'000'000);
  for (size_t i = 0; i < count; ++i) {
    switch (regime) {
      case 0:
        values[i] = time + static_cast<int64_t>(i) * 10 - static_cast<int64_t>(rng() % 4000);
        break;
      case 1: values[i] = -static_cast<int64_t>(i) * 3 + static_cast<int64_t>(rng() % 5); break;
      case 2: values[i] = static_cast<int64_t>(rng()); break;
      default: values[i] = static_cast<int64_t>(rng() % 7) - 3; break;
    }
    const uint64_t special = rng() % 128;
    if (special == 0) values[i] = kMin;
    if (special == 1) values[i] = kMax;
  }
  return values;
}

int64_t Reference(const int64_t* values, size_t count, int64_t carry_in,
                  std::vector<int64_t>& max_before) {
  max_before.assign(count, 0);
  int64_t running = carry_in;
  for (size_t i = 0; i < count; ++i) {
    max_before[i] = running;
    running = std::max(running, values[i]);
  }
  return running;
}

class KernelsPrefixMaxTest : public hwy::TestWithParamTarget {};
HWY_TARGET_INSTANTIATE_TEST_SUITE_P(KernelsPrefixMaxTest);

TEST_P(KernelsPrefixMaxTest, EmptyReturnsCarry) {
  EXPECT_EQ(RunningMaxBefore(nullptr, 0, 17, nullptr), 17);
  EXPECT_EQ(RunningMaxBefore(nullptr, 0, kMin, nullptr), kMin);
}

TEST_P(KernelsPrefixMaxTest, MatchesScalarForEverySizeOffsetAndCarry) {
  std::mt19937_64 rng(99 + static_cast<uint64_t>(GetParam()));
  std::vector<int64_t> expected;
  for (size_t count = 0; count <= 1000; ++count) {
    const size_t offset = count % 3;  // misaligned inputs and outputs
    const std::vector<int64_t> storage = RandomValues(rng, count + offset);
    const int64_t* values = storage.data() + offset;
    int64_t carry_in = kMin;
    switch (rng() % 4) {
      case 0: carry_in = kMin; break;
      case 1: carry_in = kMax; break;
      case 2: carry_in = count > 0 ? values[rng() % count] : 0; break;
      default: carry_in = static_cast<int64_t>(rng()); break;
    }
    const int64_t expected_total = Reference(values, count, carry_in, expected);
    std::vector<int64_t> output(count + 1 + offset, 0x5555);
    const int64_t total = RunningMaxBefore(values, count, carry_in, output.data() + offset);
    ASSERT_EQ(total, expected_total) << "count " << count;
    for (size_t i = 0; i < count; ++i) {
      ASSERT_EQ(output[offset + i], expected[i]) << "count " << count << " row " << i;
    }
    EXPECT_EQ(output[offset + count], 0x5555) << "wrote past the end, count " << count;
  }
}

TEST_P(KernelsPrefixMaxTest, ChunksChainThroughCarry) {
  std::mt19937_64 rng(7);
  const std::vector<int64_t> values = RandomValues(rng, 5000);
  std::vector<int64_t> expected;
  const int64_t expected_total = Reference(values.data(), values.size(), kMin, expected);
  std::vector<int64_t> output(values.size());
  int64_t carry = kMin;
  for (size_t begin = 0; begin < values.size();) {
    const size_t chunk = std::min<size_t>(values.size() - begin, 1 + rng() % 300);
    carry = RunningMaxBefore(values.data() + begin, chunk, carry, output.data() + begin);
    begin += chunk;
  }
  EXPECT_EQ(carry, expected_total);
  EXPECT_EQ(output, expected);
}

TEST_P(KernelsPrefixMaxTest, NewMaximumInEveryLanePosition) {
  for (size_t count : {2u, 8u, 9u, 10u, 17u, 33u, 64u}) {
    for (size_t position = 0; position < count; ++position) {
      std::vector<int64_t> values(count, 0);
      values[position] = 100;
      std::vector<int64_t> expected;
      std::vector<int64_t> output(count);
      const int64_t expected_total = Reference(values.data(), count, -1, expected);
      ASSERT_EQ(RunningMaxBefore(values.data(), count, -1, output.data()), expected_total);
      ASSERT_EQ(output, expected) << count << " " << position;
    }
  }
}

}  // namespace
}  // namespace weir::kernels
