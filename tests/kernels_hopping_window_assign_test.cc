// Runs every test once per Highway target compiled into the engine and
// supported by this processor (hwy::TestWithParamTarget restricts dynamic
// dispatch to the target under test), against the scalar reference, which
// is itself checked against TimeWindow (the runtime's definition).
#include "kernels/hopping_window_assign.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "hwy/tests/hwy_gtest.h"
#include "kernels/window_assign.h"
#include "runtime/time_window.h"

namespace weir::kernels {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kUnwritten = 0x5555;

int64_t SaturatingSubtract(int64_t a, int64_t b) {
  const __int128 difference = static_cast<__int128>(a) - b;
  return difference < kMin ? kMin : static_cast<int64_t>(difference);
}

// A window shape: size and slide (size need not be a multiple of slide).
struct Shape {
  int64_t size;
  int64_t slide;
};

std::vector<Shape> Shapes(std::mt19937_64& rng) {
  std::vector<Shape> shapes = {{10'000, 2'000},
                               {9'000, 2'000},
                               {10'001, 2'000},
                               {3, 2},
                               {5, 1},
                               {7, 3},
                               {60'000, 7},
                               {2, 1},
                               {kMax, 1},
                               {kMax, kMax / 3},
                               {kMax, kMax - 1},
                               {kMax - 1, kMax / 2},
                               {int64_t{1} << 62, (int64_t{1} << 62) - 1}};
  for (int i = 0; i < 6; ++i) {
    const int64_t slide = 1 + static_cast<int64_t>(rng() % 100'000);
    shapes.push_back(
        {slide * static_cast<int64_t>(2 + rng() % 5) + static_cast<int64_t>(rng() % slide), slide});
  }
  for (int i = 0; i < 3; ++i) {
    const int64_t slide = 1 + static_cast<int64_t>(rng() >> (2 + rng() % 40));
    const int64_t size = slide + static_cast<int64_t>(rng() % static_cast<uint64_t>(kMax - slide));
    shapes.push_back({size, slide});
  }
  return shapes;
}

// Event times from several regimes: realistic epoch millis, small values of
// both signs, full range, and values next to INT64_MIN / INT64_MAX.
int64_t RandomTime(std::mt19937_64& rng, int regime) {
  switch (regime) {
    case 0:
      return 1767225600000 + static_cast<int64_t>(rng() % 100'000'000) - 50'000'000;
    case 1:
      return static_cast<int64_t>(rng() % 20'001) - 10'000;
    case 2:
      return static_cast<int64_t>(rng());
    case 3:
      return kMin + static_cast<int64_t>(rng() % 30'000);
    case 4:
      return kMax - static_cast<int64_t>(rng() % 30'000);
    default:
      return rng() & 1 ? kMin + static_cast<int64_t>(rng() % 30'000)
                       : kMax - static_cast<int64_t>(rng() % 30'000);
  }
}

// One batch of rows as the runtime sees it: event times, the newest window
// start of each (exact), and per-row closing watermarks.
struct Rows {
  std::vector<int64_t> times;
  std::vector<int64_t> newest;
  std::vector<int64_t> closing;
};

Rows RandomRows(std::mt19937_64& rng, size_t count, const Shape& shape) {
  Rows rows;
  const int regime = static_cast<int>(rng() % 6);
  rows.times.resize(count);
  for (int64_t& t : rows.times) {
    t = RandomTime(rng, regime);
    const uint64_t special = rng() % 61;
    if (special == 0) t = kMin;
    if (special == 1) t = kMax;
  }
  rows.newest.resize(count);
  for (size_t i = 0; i < count; ++i) rows.newest[i] = TumblingWindowStart(rows.times[i], shape.slide);
  // Sometimes arbitrary newest starts (the kernel must be exact for any).
  if (rng() % 5 == 0) {
    for (int64_t& n : rows.newest) {
      if (rng() % 3 == 0) n = RandomTime(rng, static_cast<int>(rng() % 6));
    }
  }
  // Closing = max event time of the rows before - delay - lateness, as the
  // runtime computes it, or fully random.
  rows.closing.resize(count);
  // Unsigned bounds: shape.size may be INT64_MAX.
  const uint64_t size = static_cast<uint64_t>(shape.size);
  const int64_t delay = rng() % 3 == 0 ? 0 : static_cast<int64_t>((rng() % (2 * size + 1)) / 2);
  const int64_t lateness = rng() % 2 == 0 ? 0 : static_cast<int64_t>(rng() % (size / 2 + 1));
  int64_t max_before = rng() % 2 == 0 ? kMin : RandomTime(rng, regime);
  for (size_t i = 0; i < count; ++i) {
    rows.closing[i] = SaturatingSubtract(SaturatingSubtract(max_before, delay), lateness);
    max_before = std::max(max_before, rows.times[i]);
    if (rng() % 97 == 0) rows.closing[i] = RandomTime(rng, static_cast<int>(rng() % 6));
  }
  return rows;
}

// Candidate rows out of `rows`: every row, ascending subsets of various
// densities (runs of 64 consecutive rows take the kernel's dense path),
// consecutive rows from an unaligned start, and orders that look
// consecutive but are not (swaps, repeats), or arbitrary with repeats.
std::vector<uint32_t> RandomCandidates(std::mt19937_64& rng, size_t rows) {
  std::vector<uint32_t> candidates;
  const int kind = static_cast<int>(rng() % 10);
  if (kind == 5) {
    const size_t count = rows == 0 ? 0 : rng() % (rows + 1);
    for (size_t i = 0; i < count; ++i) candidates.push_back(static_cast<uint32_t>(rng() % rows));
    return candidates;
  }
  if (kind == 6) {
    for (uint32_t row = rows == 0 ? 0 : static_cast<uint32_t>(rng() % rows); row < rows; ++row) {
      candidates.push_back(row);
    }
    return candidates;
  }
  const uint64_t per_1024[] = {1024, 1023, 1000, 768, 512, 0, 0, 64, 1024, 1024};
  for (uint32_t row = 0; row < rows; ++row) {
    if (rng() % 1024 < per_1024[kind]) candidates.push_back(row);
  }
  for (size_t i = 0; i + 1 < candidates.size(); i += 1 + rng() % 64) {
    if (kind == 8) std::swap(candidates[i], candidates[i + 1]);
    if (kind == 9) candidates[i] = candidates[i + 1];
  }
  return candidates;
}

struct Result {
  size_t kept;
  std::vector<int64_t> older_starts;
  std::vector<uint32_t> chosen;
};

Result RunReference(const Rows& rows, const std::vector<uint32_t>& candidates, int64_t back_offset,
                    int64_t size, bool with_closing) {
  Result result{0, std::vector<int64_t>(rows.times.size(), kUnwritten),
                std::vector<uint32_t>(candidates.size())};
  result.kept = SelectOlderHoppingWindowScalar(
      rows.times.data(), rows.newest.data(), candidates.data(), candidates.size(), back_offset, size,
      with_closing ? rows.closing.data() : nullptr, result.older_starts.data(), result.chosen.data());
  result.chosen.resize(result.kept);
  return result;
}

// Compares a kernel's outputs with the reference: the same kept rows in the
// same order, the same starts at those rows and every other row untouched.
void ExpectSame(const Result& expected, size_t kept, const std::vector<int64_t>& older_starts,
                const uint32_t* chosen, const char* what) {
  ASSERT_EQ(kept, expected.kept) << what;
  for (size_t i = 0; i < kept; ++i) ASSERT_EQ(chosen[i], expected.chosen[i]) << what << " position " << i;
  for (size_t row = 0; row < older_starts.size(); ++row) {
    ASSERT_EQ(older_starts[row], expected.older_starts[row]) << what << " row " << row;
  }
}

// Runs both forms (and in place) on one input; the dense form when the
// candidates are every row.
void CheckAll(const Rows& rows, const std::vector<uint32_t>& candidates, int64_t back_offset, int64_t size,
              bool with_closing) {
  SCOPED_TRACE(testing::Message() << "rows " << rows.times.size() << " candidates " << candidates.size()
                                  << " back_offset " << back_offset << " size " << size << " closing "
                                  << with_closing);
  const Result expected = RunReference(rows, candidates, back_offset, size, with_closing);
  const int64_t* closing = with_closing ? rows.closing.data() : nullptr;
  {
    // Selected, at an odd offset, with a guard entry after `chosen`.
    std::vector<int64_t> older(rows.times.size(), kUnwritten);
    std::vector<uint32_t> chosen(candidates.size() + 2, 0xDEAD);
    const size_t kept =
        SelectOlderHoppingWindow(rows.times.data(), rows.newest.data(), candidates.data(), candidates.size(),
                                 back_offset, size, closing, older.data(), chosen.data() + 1);
    ExpectSame(expected, kept, older, chosen.data() + 1, "selected");
    ASSERT_EQ(chosen[0], 0xDEADu);
    ASSERT_EQ(chosen[candidates.size() + 1], 0xDEADu) << "wrote past the end";
  }
  {
    // Selected, in place.
    std::vector<int64_t> older(rows.times.size(), kUnwritten);
    std::vector<uint32_t> selection = candidates;
    const size_t kept =
        SelectOlderHoppingWindow(rows.times.data(), rows.newest.data(), selection.data(), selection.size(),
                                 back_offset, size, closing, older.data(), selection.data());
    ExpectSame(expected, kept, older, selection.data(), "in place");
  }
  bool every_row = candidates.size() == rows.times.size();
  for (size_t i = 0; every_row && i < candidates.size(); ++i) every_row = candidates[i] == i;
  if (every_row) {
    std::vector<int64_t> older(rows.times.size(), kUnwritten);
    std::vector<uint32_t> chosen(candidates.size() + 1, 0xDEAD);
    const size_t kept =
        SelectOlderHoppingWindowDense(rows.times.data(), rows.newest.data(), rows.times.size(), back_offset,
                                      size, closing, older.data(), chosen.data());
    ExpectSame(expected, kept, older, chosen.data(), "dense");
    ASSERT_EQ(chosen[candidates.size()], 0xDEADu) << "dense wrote past the end";
  }
}

class KernelsHoppingWindowAssignTest : public hwy::TestWithParamTarget {};
HWY_TARGET_INSTANTIATE_TEST_SUITE_P(KernelsHoppingWindowAssignTest);

// The reference is the runtime's loop: TimeWindow::older_window_start, then
// end_of_window_starting(start) <= closing drops the row.
TEST(KernelsHoppingWindowAssignScalarTest, ReferenceMatchesTimeWindow) {
  std::mt19937_64 rng(3);
  const std::vector<Shape> shapes = Shapes(rng);
  for (int round = 0; round < 2000; ++round) {
    const Shape shape = shapes[static_cast<size_t>(round) % shapes.size()];
    const TimeWindow window{shape.size, shape.slide};
    const Rows rows = RandomRows(rng, 64, shape);
    const bool with_closing = round % 2 == 0;
    std::vector<uint32_t> candidates(64);
    std::iota(candidates.begin(), candidates.end(), 0u);
    for (size_t back = 1; back < std::min<size_t>(window.max_windows_per_row(), 40); ++back) {
      const int64_t back_offset = static_cast<int64_t>(back) * shape.slide;
      const Result result = RunReference(rows, candidates, back_offset, shape.size, with_closing);
      std::vector<uint32_t> expected_chosen;
      for (uint32_t row = 0; row < 64; ++row) {
        int64_t start = 0;
        if (!window.older_window_start(rows.times[row], rows.newest[row], back, &start)) continue;
        if (with_closing && window.end_of_window_starting(start) <= rows.closing[row]) continue;
        ASSERT_EQ(result.older_starts[row], start) << "row " << row;
        expected_chosen.push_back(row);
      }
      ASSERT_EQ(result.chosen, expected_chosen)
          << "size " << shape.size << " slide " << shape.slide << " back " << back;
    }
  }
}

TEST(KernelsHoppingWindowAssignScalarTest, Extremes) {
  int64_t start = 0;
  int64_t end = 0;
  // The start would be below INT64_MIN.
  EXPECT_FALSE(OlderHoppingWindow(kMin, kMin, 1, kMax, &start, &end));
  EXPECT_FALSE(OlderHoppingWindow(kMin + 5, kMin + 4, 5, kMax, &start, &end));
  ASSERT_TRUE(OlderHoppingWindow(kMin + 5, kMin + 5, 5, 10, &start, &end));
  EXPECT_EQ(start, kMin);
  EXPECT_EQ(end, kMin + 10);
  // start + size == t: the window does not hold t.
  EXPECT_FALSE(OlderHoppingWindow(10, 8, 4, 6, &start, &end));
  ASSERT_TRUE(OlderHoppingWindow(9, 8, 4, 6, &start, &end));
  EXPECT_EQ(start, 4);
  EXPECT_EQ(end, 10);
  // The end saturates, and still holds t = INT64_MAX (start + size > INT64_MAX).
  ASSERT_TRUE(OlderHoppingWindow(kMax, kMax - 1, 1, 3, &start, &end));
  EXPECT_EQ(start, kMax - 2);
  EXPECT_EQ(end, kMax);
  // start + size == INT64_MAX exactly: does not hold t = INT64_MAX.
  EXPECT_FALSE(OlderHoppingWindow(kMax, kMax - 1, 1, 2, &start, &end));
  // Huge offsets and sizes.
  ASSERT_TRUE(OlderHoppingWindow(kMax - 1, kMax, kMax, kMax, &start, &end));
  EXPECT_EQ(start, 0);
  EXPECT_EQ(end, kMax);
  EXPECT_FALSE(OlderHoppingWindow(kMax, kMax, kMax, kMax, &start, &end));  // [0, INT64_MAX)
  EXPECT_FALSE(OlderHoppingWindow(0, -2, kMax, kMax, &start, &end));
  ASSERT_TRUE(OlderHoppingWindow(-2, -1, kMax, kMax, &start, &end));
  EXPECT_EQ(start, kMin);
  EXPECT_EQ(end, -1);
}

TEST_P(KernelsHoppingWindowAssignTest, MatchesReferenceForEveryCount) {
  std::mt19937_64 rng(2024 + static_cast<uint64_t>(GetParam()));
  const std::vector<Shape> shapes = Shapes(rng);
  for (size_t rows_count = 0; rows_count <= 320; ++rows_count) {
    const Shape shape = shapes[rows_count % shapes.size()];
    const TimeWindow window{shape.size, shape.slide};
    const Rows rows = RandomRows(rng, rows_count, shape);
    const std::vector<uint32_t> candidates = RandomCandidates(rng, rows_count);
    const size_t backs = std::min<size_t>(window.max_windows_per_row(), 6);
    for (size_t back = 1; back < std::max<size_t>(backs, 2); ++back) {
      const int64_t back_offset = static_cast<int64_t>(back) * shape.slide;
      for (bool with_closing : {false, true}) {
        ASSERT_NO_FATAL_FAILURE(CheckAll(rows, candidates, back_offset, shape.size, with_closing));
      }
    }
    // Every row (the dense form).
    std::vector<uint32_t> every_row(rows_count);
    std::iota(every_row.begin(), every_row.end(), 0u);
    ASSERT_NO_FATAL_FAILURE(CheckAll(rows, every_row, shape.slide, shape.size, rows_count % 2 == 0));
  }
}

TEST_P(KernelsHoppingWindowAssignTest, LargeInputs) {
  std::mt19937_64 rng(99 + static_cast<uint64_t>(GetParam()));
  const std::vector<Shape> shapes = Shapes(rng);
  for (size_t rows_count : {1000u, 4093u, 20000u}) {
    for (size_t s = 0; s < shapes.size(); s += 3) {
      const Shape shape = shapes[s];
      const Rows rows = RandomRows(rng, rows_count, shape);
      std::vector<uint32_t> every_row(rows_count);
      std::iota(every_row.begin(), every_row.end(), 0u);
      const TimeWindow window{shape.size, shape.slide};
      const size_t back =
          1 + rng() % std::max<size_t>(std::min<size_t>(window.max_windows_per_row(), 8) - 1, 1);
      const int64_t back_offset = static_cast<int64_t>(back) * shape.slide;
      for (bool with_closing : {false, true}) {
        ASSERT_NO_FATAL_FAILURE(
            CheckAll(rows, RandomCandidates(rng, rows_count), back_offset, shape.size, with_closing));
        ASSERT_NO_FATAL_FAILURE(CheckAll(rows, every_row, back_offset, shape.size, with_closing));
      }
    }
  }
}

// Every row held and on time (the common case: size a multiple of slide),
// and every row dropped, in whole blocks and with tails.
TEST_P(KernelsHoppingWindowAssignTest, AllKeptAndAllDropped) {
  std::mt19937_64 rng(5);
  for (size_t rows_count : {1u, 7u, 64u, 65u, 128u, 200u, 1000u}) {
    Rows rows;
    for (size_t i = 0; i < rows_count; ++i) {
      rows.times.push_back(1767225600000 + static_cast<int64_t>(i * 37));
      rows.newest.push_back(TumblingWindowStart(rows.times.back(), 2'000));
      rows.closing.push_back(kMin);
    }
    std::vector<uint32_t> every_row(rows_count);
    std::iota(every_row.begin(), every_row.end(), 0u);
    std::vector<uint32_t> odd_rows;
    for (uint32_t row = 1; row < rows_count; row += 2) odd_rows.push_back(row);
    for (const auto* candidates : {&every_row, &odd_rows}) {
      for (int64_t back : {1, 4}) {
        // size 10 s: all kept; size 2 s (= slide): none held.
        ASSERT_NO_FATAL_FAILURE(CheckAll(rows, *candidates, back * 2'000, 10'000, true));
        ASSERT_NO_FATAL_FAILURE(CheckAll(rows, *candidates, back * 2'000, 2'000, false));
      }
      // Every row late.
      Rows late = rows;
      std::fill(late.closing.begin(), late.closing.end(), kMax);
      ASSERT_NO_FATAL_FAILURE(CheckAll(late, *candidates, 2'000, 10'000, true));
    }
  }
  (void)rng;
}

TEST_P(KernelsHoppingWindowAssignTest, ZeroCountWithNullPointers) {
  EXPECT_EQ(SelectOlderHoppingWindow(nullptr, nullptr, nullptr, 0, 1, 1, nullptr, nullptr, nullptr), 0u);
  EXPECT_EQ(SelectOlderHoppingWindowDense(nullptr, nullptr, 0, 1, 1, nullptr, nullptr, nullptr), 0u);
}

}  // namespace
}  // namespace weir::kernels
