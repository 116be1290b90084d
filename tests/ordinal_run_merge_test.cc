// merge_ordinal_runs against a stable sort of the runs' concatenation, on
// random runs: dense and sparse ordinals, equal elements in several runs
// (the earlier run's first), empty runs, ordinals near 2^64, small chunks
// (many of them) and one chunk, serially and on a thread pool.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <thread>
#include <vector>

#include "runtime/ordinal_run_merge.h"

namespace weir {
namespace {

struct Element {
  uint64_t ordinal;
  uint32_t tie;  // compared after the ordinal
  uint32_t tag;  // not compared: which run and position it came from
  bool operator<(const Element& other) const {
    return ordinal != other.ordinal ? ordinal < other.ordinal : tie < other.tie;
  }
};

// Runs the bodies on two threads, striding.
void two_threads(size_t count, const std::function<void(size_t)>& body) {
  std::thread other([&] {
    for (size_t i = 1; i < count; i += 2) body(i);
  });
  for (size_t i = 0; i < count; i += 2) body(i);
  other.join();
}

TEST(OrdinalRunMerge, EqualsAStableSortOfTheRuns) {
  std::mt19937_64 random(41);
  for (int round = 0; round < 300; ++round) {
    const size_t run_count = 1 + random() % 40;
    const uint64_t spread = round % 3 == 0 ? 50 : round % 3 == 1 ? 100'000 : uint64_t{1} << 40;
    const uint64_t base = round % 5 == 0 ? std::numeric_limits<uint64_t>::max() - spread : random() % 1000;
    std::vector<std::vector<Element>> runs(run_count);
    uint32_t tag = 0;
    for (auto& run : runs) {
      const size_t size = random() % 4 == 0 ? 0 : random() % 3000;
      for (size_t i = 0; i < size; ++i) {
        run.push_back({base + random() % spread, static_cast<uint32_t>(random() % 3), 0});
      }
      std::sort(run.begin(), run.end());
      for (Element& element : run) element.tag = tag++;
    }
    std::vector<Element> expected;
    std::vector<std::span<const Element>> spans;
    for (const auto& run : runs) {
      expected.insert(expected.end(), run.begin(), run.end());
      spans.emplace_back(run);
    }
    std::stable_sort(expected.begin(), expected.end());
    const size_t chunk_elements = round % 4 == 0 ? 1 : round % 4 == 1 ? 97 : round % 4 == 2 ? 4096 : 1'000'000;
    for (const bool parallel : {false, true}) {
      std::vector<Element> merged = {{1, 2, 3}};  // replaced
      merge_ordinal_runs(spans, merged, [](const Element& e) { return e.ordinal; },
                         parallel ? ParallelFor(two_threads) : ParallelFor(), chunk_elements);
      ASSERT_EQ(merged.size(), expected.size()) << "round " << round;
      for (size_t i = 0; i < merged.size(); ++i) {
        ASSERT_EQ(merged[i].tag, expected[i].tag) << "round " << round << ", element " << i;
      }
    }
  }
}

TEST(OrdinalRunMerge, NoRunsOrOnlyEmptyRunsGiveNothing) {
  std::vector<Element> merged = {{1, 2, 3}};
  merge_ordinal_runs(std::vector<std::span<const Element>>{}, merged, [](const Element& e) { return e.ordinal; },
                     ParallelFor());
  EXPECT_TRUE(merged.empty());
  std::vector<Element> empty;
  merged = {{1, 2, 3}};
  merge_ordinal_runs(std::vector<std::span<const Element>>{empty, empty}, merged,
                     [](const Element& e) { return e.ordinal; }, ParallelFor());
  EXPECT_TRUE(merged.empty());
}

}  // namespace
}  // namespace weir
