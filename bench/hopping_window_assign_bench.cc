// Hopping-window assignment of older windows (kernels/hopping_window_assign.h)
// against its scalar reference, over 64 MiB of event times (larger than the
// caches: memory-bound) and 256 KiB (cache-resident). rows/s counts the
// candidate rows processed; bytes/s the bytes read from the input arrays per
// candidate: event time and newest window start (int64 each), the closing
// watermark (int64) with closing:1, and the uint32 candidate id in the
// selected form.
//
// The data: event times as in kernels_bench.cc (2026-01-01 onwards at
// 100,000 rows per second, each jittered back by up to 4 s), slide 2 s, the
// window 4 steps (8 s) back:
//   * kept_half:0  size 10 s (a multiple of the slide): the window holds
//     every row, the common case in the runtime;
//   * kept_half:1  size 9 s: it holds about half of the rows, at random
//     (the worst case for a branchy loop).
// closing:1 adds the lateness check against closing = (max event time of
// the rows before) - 3.5 s, which drops ~1.5% (kept_half:0) to ~3%
// (kept_half:1) of the rows; kept% reports the share kept.
// The selected form runs over
//   * selection:0  about every other row, ascending (as a filter leaves it);
//   * selection:1  every row but about 1 in 1000 (as dropping a few late
//     rows leaves it): mostly runs of 64 consecutive rows.
// The Scalar baselines are SelectOlderHoppingWindowScalar (the dense one
// with candidates 0, 1, ..., n - 1).
//
// WEIR_HWY_TARGET=<Highway target bit> (e.g. 512 = HWY_AVX2, 256 = HWY_AVX3)
// in the environment restricts the kernels to that target.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "hwy/targets.h"
#include "kernels/hopping_window_assign.h"
#include "kernels/prefix_max.h"
#include "kernels/window_assign.h"

namespace weir::kernels {
namespace {

constexpr int64_t kLargeBytes = int64_t{64} << 20;
constexpr int64_t kSmallBytes = int64_t{256} << 10;
constexpr int64_t kSlideMillis = 2'000;
constexpr int64_t kBackOffset = 4 * kSlideMillis;
constexpr int64_t kDelayMillis = 3'500;

struct Data {
  std::vector<int64_t> times;
  std::vector<int64_t> newest;
  std::vector<int64_t> closing;
  std::vector<uint32_t> half_selection;  // about every other row, ascending
  std::vector<uint32_t> most_selection;  // every row but about 1 in 1000, ascending
};

const Data& Inputs() {
  static const Data data = [] {
    if (const char* target = std::getenv("WEIR_HWY_TARGET")) {
      hwy::SetSupportedTargetsForTest(std::strtoll(target, nullptr, 0));
    }
    Data d;
    const size_t rows = static_cast<size_t>(kLargeBytes) / sizeof(int64_t);
    d.times.resize(rows);
    std::mt19937_64 rng(42);
    for (size_t i = 0; i < rows; ++i) {
      d.times[i] = 1767225600000 + static_cast<int64_t>(i / 100) - static_cast<int64_t>(rng() % 4000);
    }
    d.newest.resize(rows);
    AssignTumblingWindows(d.times.data(), rows, kSlideMillis, d.newest.data());
    d.closing.resize(rows);
    RunningMaxBefore(d.times.data(), rows, std::numeric_limits<int64_t>::min(), d.closing.data());
    for (int64_t& c : d.closing) c = c == std::numeric_limits<int64_t>::min() ? c : c - kDelayMillis;
    std::mt19937_64 pick(7);
    for (uint32_t row = 0; row < rows; ++row) {
      if (pick() & 1) d.half_selection.push_back(row);
      if (pick() % 1000 != 0) d.most_selection.push_back(row);
    }
    return d;
  }();
  return data;
}

// Rows of the arrays covered (the first argument is bytes of event times).
size_t RowsFor(const benchmark::State& state) {
  return static_cast<size_t>(state.range(0)) / sizeof(int64_t);
}

int64_t SizeFor(const benchmark::State& state) { return state.range(1) ? 9'000 : 10'000; }

// The candidates of the selected form among the first `rows` rows.
const std::vector<uint32_t>& SelectionFor(const benchmark::State& state) {
  return state.range(3) ? Inputs().most_selection : Inputs().half_selection;
}

size_t CandidatesBelow(const std::vector<uint32_t>& selection, size_t rows) {
  return static_cast<size_t>(std::lower_bound(selection.begin(), selection.end(), rows) - selection.begin());
}

void ReportRates(benchmark::State& state, size_t candidates, size_t bytes_per_candidate, size_t kept) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * candidates * bytes_per_candidate));
  state.counters["rows/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(candidates), benchmark::Counter::kIsRate);
  state.counters["kept%"] = 100.0 * static_cast<double>(kept) / static_cast<double>(candidates);
}

template <bool kDense, bool kScalar>
void RunHopping(benchmark::State& state) {
  const Data& data = Inputs();
  const size_t rows = RowsFor(state);
  const int64_t size = SizeFor(state);
  const int64_t* closing = state.range(2) ? data.closing.data() : nullptr;
  std::vector<uint32_t> every_row;
  const uint32_t* candidates = nullptr;
  size_t count = rows;
  if (kDense) {
    if (kScalar) {
      every_row.resize(rows);
      std::iota(every_row.begin(), every_row.end(), 0u);
      candidates = every_row.data();
    }
  } else {
    candidates = SelectionFor(state).data();
    count = CandidatesBelow(SelectionFor(state), rows);
  }
  std::vector<int64_t> older_starts(rows);
  std::vector<uint32_t> chosen(count);
  size_t kept = 0;
  // A run-time value in the engine.
  int64_t back_offset = kBackOffset;
  benchmark::DoNotOptimize(back_offset);
  for (auto _ : state) {
    if (kScalar) {
      kept = SelectOlderHoppingWindowScalar(data.times.data(), data.newest.data(), candidates, count,
                                            back_offset, size, closing, older_starts.data(), chosen.data());
    } else if (kDense) {
      kept = SelectOlderHoppingWindowDense(data.times.data(), data.newest.data(), count, back_offset, size,
                                           closing, older_starts.data(), chosen.data());
    } else {
      kept = SelectOlderHoppingWindow(data.times.data(), data.newest.data(), candidates, count, back_offset,
                                      size, closing, older_starts.data(), chosen.data());
    }
    benchmark::DoNotOptimize(kept);
    benchmark::ClobberMemory();
  }
  const size_t bytes_per_candidate =
      2 * sizeof(int64_t) + (closing ? sizeof(int64_t) : 0) + (kDense ? 0 : sizeof(uint32_t));
  ReportRates(state, count, bytes_per_candidate, kept);
}

void BM_HoppingOlderWindowSelected(benchmark::State& state) { RunHopping<false, false>(state); }
void BM_HoppingOlderWindowSelectedScalar(benchmark::State& state) { RunHopping<false, true>(state); }
void BM_HoppingOlderWindowDense(benchmark::State& state) { RunHopping<true, false>(state); }
void BM_HoppingOlderWindowDenseScalar(benchmark::State& state) { RunHopping<true, true>(state); }

void SelectedArgs(benchmark::internal::Benchmark* bench) {
  bench->ArgNames({"bytes", "kept_half", "closing", "selection"});
  for (int64_t bytes : {kLargeBytes, kSmallBytes}) {
    for (int64_t selection : {0, 1}) {
      for (int64_t half : {0, 1}) {
        for (int64_t closing : {0, 1}) bench->Args({bytes, half, closing, selection});
      }
    }
  }
}

void DenseArgs(benchmark::internal::Benchmark* bench) {
  bench->ArgNames({"bytes", "kept_half", "closing"});
  for (int64_t bytes : {kLargeBytes, kSmallBytes}) {
    for (int64_t half : {0, 1}) {
      for (int64_t closing : {0, 1}) bench->Args({bytes, half, closing});
    }
  }
}

BENCHMARK(BM_HoppingOlderWindowSelected)->Apply(SelectedArgs);
BENCHMARK(BM_HoppingOlderWindowSelectedScalar)->Apply(SelectedArgs);
BENCHMARK(BM_HoppingOlderWindowDense)->Apply(DenseArgs);
BENCHMARK(BM_HoppingOlderWindowDenseScalar)->Apply(DenseArgs);

}  // namespace
}  // namespace weir::kernels
