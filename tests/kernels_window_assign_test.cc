// Runs every test once per Highway target compiled into the engine and
// supported by this processor (hwy::TestWithParamTarget restricts dynamic
// dispatch to the target under test), against an exact 128-bit reference.
#include "kernels/window_assign.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

#include "hwy/tests/hwy_gtest.h"

namespace weir::kernels {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
// Edges of the kernels' double fast path: event times in [-2^50, 2^50),
// window sizes up to 2^49.
constexpr int64_t kFastTimeEdge = int64_t{1} << 50;
constexpr int64_t kFastSizeEdge = int64_t{1} << 49;

// floor(t / size) * size in 128-bit arithmetic, saturated at INT64_MIN.
int64_t ReferenceStart(int64_t t, int64_t size) {
  __int128 quotient = static_cast<__int128>(t) / size;
  if (static_cast<__int128>(t) % size < 0) --quotient;
  const __int128 start = quotient * size;
  return start < kMin ? kMin : static_cast<int64_t>(start);
}

std::vector<int64_t> WindowSizes(std::mt19937_64& rng) {
  std::vector<int64_t> sizes = {1, 2, 3, 7, 1000, 60'000, 3'600'000, 86'400'000};
  for (int64_t size : {kFastSizeEdge - 1, kFastSizeEdge, kFastSizeEdge + 1, kFastTimeEdge,
                       int64_t{1} << 52, kMax, kMax - 1}) {
    sizes.push_back(size);
  }
  for (int i = 0; i < 4; ++i) sizes.push_back(1 + static_cast<int64_t>(rng() >> 2));
  for (int i = 0; i < 4; ++i) sizes.push_back(1 + static_cast<int64_t>(rng() % 100'000'000));
  return sizes;
}

// Event times from several regimes: realistic epoch millis, small values
// around 0 (both signs), the edges of the fast path, full range, and values
// next to INT64_MIN / INT64_MAX (where the saturation applies).
std::vector<int64_t> RandomTimes(std::mt19937_64& rng, size_t count, int64_t size) {
  std::vector<int64_t> times(count);
  const int regime = static_cast<int>(rng() % 6);
  for (int64_t& t : times) {
    switch (regime) {
      case 0: t = 1767225600000 + static_cast<int64_t>(rng() % 100'000'000) - 50'000'000; break;
      case 1: t = static_cast<int64_t>(rng() % 20'001) - 10'000; break;
      case 2:
        t = (rng() & 1 ? kFastTimeEdge : -kFastTimeEdge) + static_cast<int64_t>(rng() % 9) - 4;
        break;
      case 3: t = static_cast<int64_t>(rng()); break;
      case 4: t = kMin + static_cast<int64_t>(rng() % 3000); break;
      default: t = static_cast<int64_t>(rng() % (kFastTimeEdge * 2)) - kFastTimeEdge; break;
    }
    // Multiples of the size and their neighbours, where rounding matters.
    if (rng() % 8 == 0 && size < (int64_t{1} << 40)) {
      t = (static_cast<int64_t>(rng() % 2'000'000) - 1'000'000) * size +
          static_cast<int64_t>(rng() % 3) - 1;
    }
    const uint64_t special = rng() % 97;
    if (special == 0) t = kMin;
    if (special == 1) t = kMax;
  }
  return times;
}

class KernelsWindowAssignTest : public hwy::TestWithParamTarget {};
HWY_TARGET_INSTANTIATE_TEST_SUITE_P(KernelsWindowAssignTest);

TEST(KernelsWindowAssignScalarTest, TumblingWindowStartIsExact) {
  EXPECT_EQ(TumblingWindowStart(0, 1000), 0);
  EXPECT_EQ(TumblingWindowStart(999, 1000), 0);
  EXPECT_EQ(TumblingWindowStart(-1, 1000), -1000);
  EXPECT_EQ(TumblingWindowStart(-1000, 1000), -1000);
  EXPECT_EQ(TumblingWindowStart(-1001, 1000), -2000);
  EXPECT_EQ(TumblingWindowStart(kMax, 1000), kMax - kMax % 1000);
  EXPECT_EQ(TumblingWindowStart(kMin, 1000), kMin);  // saturated
  EXPECT_EQ(TumblingWindowStart(kMin, 1), kMin);
  EXPECT_EQ(TumblingWindowStart(kMin, kMax), kMin);
  EXPECT_EQ(TumblingWindowStart(-1, kMax), kMin + 1);  // -INT64_MAX, still representable
  EXPECT_EQ(TumblingWindowStart(kMax, kMax), kMax);
  std::mt19937_64 rng(5);
  for (int i = 0; i < 100'000; ++i) {
    const int64_t t = static_cast<int64_t>(rng());
    const int64_t size = 1 + static_cast<int64_t>(rng() >> (rng() % 63 + 1));
    ASSERT_EQ(TumblingWindowStart(t, size), ReferenceStart(t, size)) << t << " " << size;
  }
}

TEST_P(KernelsWindowAssignTest, MatchesReferenceForEverySizeAndOffset) {
  std::mt19937_64 rng(2024 + static_cast<uint64_t>(GetParam()));
  const std::vector<int64_t> sizes = WindowSizes(rng);
  for (size_t count = 0; count <= 1000; ++count) {
    const int64_t size = sizes[count % sizes.size()];
    const size_t offset = count % 3;
    const std::vector<int64_t> storage = RandomTimes(rng, count + offset, size);
    const int64_t* times = storage.data() + offset;
    std::vector<int64_t> output(count + offset + 1, 0x5555);
    AssignTumblingWindows(times, count, size, output.data() + offset);
    for (size_t i = 0; i < count; ++i) {
      ASSERT_EQ(output[offset + i], ReferenceStart(times[i], size))
          << "t " << times[i] << " size " << size << " count " << count << " row " << i;
    }
    ASSERT_EQ(output[offset + count], 0x5555) << "wrote past the end, count " << count;
  }
}

TEST_P(KernelsWindowAssignTest, DenseFastPathNearEveryBoundary) {
  // Every value in [-3 * size, 3 * size] for small sizes: each remainder,
  // both signs, all vector lanes on the fast path.
  for (int64_t size : {1, 2, 3, 5, 7, 10, 1000}) {
    std::vector<int64_t> times;
    for (int64_t t = -3 * size - 7; t <= 3 * size + 7; ++t) times.push_back(t);
    for (int64_t t = kFastTimeEdge - 3 * size; t < kFastTimeEdge + 3 * size; ++t) {
      times.push_back(t);
    }
    for (int64_t t = -kFastTimeEdge - 3 * size; t < -kFastTimeEdge + 3 * size; ++t) {
      times.push_back(t);
    }
    std::vector<int64_t> output(times.size());
    AssignTumblingWindows(times.data(), times.size(), size, output.data());
    for (size_t i = 0; i < times.size(); ++i) {
      ASSERT_EQ(output[i], ReferenceStart(times[i], size)) << times[i] << " " << size;
    }
  }
}

TEST_P(KernelsWindowAssignTest, RandomFastRangeIsExact) {
  // Log-uniform sizes up to the fast path's limit and times spread over its
  // whole range (large quotients are where the double arithmetic is tight),
  // a quarter of them next to a multiple of the size.
  std::mt19937_64 rng(31 + static_cast<uint64_t>(GetParam()));
  std::vector<int64_t> times(4096), output(4096);
  for (int round = 0; round < 64; ++round) {
    const int64_t size = 1 + static_cast<int64_t>(rng() % (uint64_t{1} << (rng() % 50)));
    for (int64_t& t : times) {
      t = static_cast<int64_t>(rng() % (2 * kFastTimeEdge)) - kFastTimeEdge;
      if (rng() % 4 == 0) t = t / size * size + static_cast<int64_t>(rng() % 3) - 1;
    }
    AssignTumblingWindows(times.data(), times.size(), size, output.data());
    for (size_t i = 0; i < times.size(); ++i) {
      ASSERT_EQ(output[i], ReferenceStart(times[i], size)) << times[i] << " " << size;
    }
  }
}

TEST_P(KernelsWindowAssignTest, InPlace) {
  std::mt19937_64 rng(11);
  for (size_t count : {0u, 1u, 5u, 8u, 13u, 64u, 999u}) {
    std::vector<int64_t> times = RandomTimes(rng, count, 60'000);
    std::vector<int64_t> expected(count);
    for (size_t i = 0; i < count; ++i) expected[i] = ReferenceStart(times[i], 60'000);
    AssignTumblingWindows(times.data(), count, 60'000, times.data());
    ASSERT_EQ(times, expected) << "count " << count;
  }
}

TEST_P(KernelsWindowAssignTest, SelectedMatchesReference) {
  std::mt19937_64 rng(77 + static_cast<uint64_t>(GetParam()));
  const std::vector<int64_t> sizes = WindowSizes(rng);
  for (size_t count = 0; count <= 1000; ++count) {
    const int64_t size = sizes[count % sizes.size()];
    const size_t rows = count + 1 + rng() % 50;
    const std::vector<int64_t> times = RandomTimes(rng, rows, size);
    // Ascending subsets (as a filter leaves them), or arbitrary order with repeats.
    std::vector<uint32_t> selection;
    if (rng() % 2 == 0) {
      for (uint32_t row = 0; row < rows && selection.size() < count; ++row) {
        if (rows - row <= count - selection.size() || rng() % 3 != 0) selection.push_back(row);
      }
    } else {
      for (size_t j = 0; j < count; ++j) selection.push_back(static_cast<uint32_t>(rng() % rows));
    }
    ASSERT_EQ(selection.size(), count);
    const size_t offset = count % 3;
    std::vector<uint32_t> shifted_selection(offset, 0);
    shifted_selection.insert(shifted_selection.end(), selection.begin(), selection.end());
    std::vector<int64_t> output(count + offset + 1, 0x5555);
    AssignTumblingWindowsSelected(times.data(), shifted_selection.data() + offset, count, size,
                                  output.data() + offset);
    for (size_t j = 0; j < count; ++j) {
      ASSERT_EQ(output[offset + j], ReferenceStart(times[selection[j]], size))
          << "t " << times[selection[j]] << " size " << size << " count " << count;
    }
    ASSERT_EQ(output[offset + count], 0x5555) << "wrote past the end, count " << count;
  }
}

}  // namespace
}  // namespace weir::kernels
