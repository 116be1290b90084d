// The SIMD kernels (kernels/*.h) over 64 MiB of int64 input (larger than the
// caches: memory-bound, compare with BM_MemoryReadBandwidth) and over
// 256 KiB (cache-resident: compute-bound). Each benchmark reports rows/s and
// bytes/s, where bytes are the bytes read from the input arrays (event times
// or values, plus the uint32 selection for the gather variant). Scalar
// loops are included as baselines.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "kernels/int64_reduce.h"
#include "kernels/prefix_max.h"
#include "kernels/window_assign.h"

namespace weir::kernels {
namespace {

constexpr int64_t kLargeBytes = int64_t{64} << 20;
constexpr int64_t kSmallBytes = int64_t{256} << 10;
constexpr int64_t kWindowMillis = 10'000;

// Event times as a source delivers them: 2026-01-01 onwards at 100,000 rows
// per second, each jittered back by up to 4 s.
const std::vector<int64_t>& EventTimes() {
  static const std::vector<int64_t> times = [] {
    std::vector<int64_t> values(static_cast<size_t>(kLargeBytes) / sizeof(int64_t));
    std::mt19937_64 rng(42);
    for (size_t i = 0; i < values.size(); ++i) {
      values[i] =
          1767225600000 + static_cast<int64_t>(i / 100) - static_cast<int64_t>(rng() % 4000);
    }
    return values;
  }();
  return times;
}

// Every other row on average, ascending (as a filter leaves a selection).
const std::vector<uint32_t>& HalfSelection() {
  static const std::vector<uint32_t> selection = [] {
    std::vector<uint32_t> rows;
    std::mt19937_64 rng(7);
    const size_t total = EventTimes().size() * 2;  // selects ~ EventTimes().size() rows of 2x
    for (size_t row = 0; row < total && rows.size() < EventTimes().size(); ++row) {
      if (rng() & 1) rows.push_back(static_cast<uint32_t>(row % EventTimes().size()));
    }
    return rows;
  }();
  return selection;
}

size_t RowsFor(const benchmark::State& state) {
  return static_cast<size_t>(state.range(0)) / sizeof(int64_t);
}

void ReportRates(benchmark::State& state, size_t rows, size_t bytes_per_row) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * rows * bytes_per_row));
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(rows),
                         benchmark::Counter::kIsRate);
}

void BM_MaxInt64(benchmark::State& state) {
  const size_t rows = RowsFor(state);
  const int64_t* values = EventTimes().data();
  for (auto _ : state) benchmark::DoNotOptimize(MaxInt64(values, rows));
  ReportRates(state, rows, sizeof(int64_t));
}

void BM_MinMaxInt64(benchmark::State& state) {
  const size_t rows = RowsFor(state);
  const int64_t* values = EventTimes().data();
  for (auto _ : state) {
    int64_t min, max;
    MinMaxInt64(values, rows, &min, &max);
    benchmark::DoNotOptimize(min);
    benchmark::DoNotOptimize(max);
  }
  ReportRates(state, rows, sizeof(int64_t));
}

void BM_AssignTumblingWindows(benchmark::State& state) {
  const size_t rows = RowsFor(state);
  std::vector<int64_t> starts(rows);
  const int64_t* times = EventTimes().data();
  for (auto _ : state) {
    AssignTumblingWindows(times, rows, kWindowMillis, starts.data());
    benchmark::ClobberMemory();
  }
  ReportRates(state, rows, sizeof(int64_t));
}

// Baseline: the scalar reference, one int64 division per row. The size is
// hidden from the optimizer, as it is a run-time value in the engine (a
// constant divisor would become a multiplication).
void BM_AssignTumblingWindowsScalarLoop(benchmark::State& state) {
  const size_t rows = RowsFor(state);
  std::vector<int64_t> starts(rows);
  const int64_t* times = EventTimes().data();
  int64_t size_millis = kWindowMillis;
  benchmark::DoNotOptimize(size_millis);
  for (auto _ : state) {
    for (size_t i = 0; i < rows; ++i) starts[i] = TumblingWindowStart(times[i], size_millis);
    benchmark::ClobberMemory();
  }
  ReportRates(state, rows, sizeof(int64_t));
}

void BM_AssignTumblingWindowsSelected(benchmark::State& state) {
  const size_t rows = RowsFor(state);
  std::vector<int64_t> starts(rows);
  const int64_t* times = EventTimes().data();
  const uint32_t* selection = HalfSelection().data();
  for (auto _ : state) {
    AssignTumblingWindowsSelected(times, selection, rows, kWindowMillis, starts.data());
    benchmark::ClobberMemory();
  }
  ReportRates(state, rows, sizeof(int64_t) + sizeof(uint32_t));
}

void BM_RunningMaxBefore(benchmark::State& state) {
  const size_t rows = RowsFor(state);
  std::vector<int64_t> max_before(rows);
  const int64_t* values = EventTimes().data();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        RunningMaxBefore(values, rows, std::numeric_limits<int64_t>::min(), max_before.data()));
    benchmark::ClobberMemory();
  }
  ReportRates(state, rows, sizeof(int64_t));
}

// Baseline: the obvious loop (a compare-and-select chain the compiler
// cannot vectorize).
void BM_RunningMaxBeforeScalarLoop(benchmark::State& state) {
  const size_t rows = RowsFor(state);
  std::vector<int64_t> max_before(rows);
  const int64_t* values = EventTimes().data();
  for (auto _ : state) {
    int64_t running = std::numeric_limits<int64_t>::min();
    for (size_t i = 0; i < rows; ++i) {
      max_before[i] = running;
      running = values[i] > running ? values[i] : running;
    }
    benchmark::DoNotOptimize(running);
    benchmark::ClobberMemory();
  }
  ReportRates(state, rows, sizeof(int64_t));
}

#define WEIR_KERNEL_BENCHMARK(name) \
  BENCHMARK(name)->ArgName("bytes")->Arg(kLargeBytes)->Arg(kSmallBytes)

WEIR_KERNEL_BENCHMARK(BM_MaxInt64);
WEIR_KERNEL_BENCHMARK(BM_MinMaxInt64);
WEIR_KERNEL_BENCHMARK(BM_AssignTumblingWindows);
WEIR_KERNEL_BENCHMARK(BM_AssignTumblingWindowsScalarLoop);
WEIR_KERNEL_BENCHMARK(BM_AssignTumblingWindowsSelected);
WEIR_KERNEL_BENCHMARK(BM_RunningMaxBefore);
WEIR_KERNEL_BENCHMARK(BM_RunningMaxBeforeScalarLoop);

}  // namespace
}  // namespace weir::kernels
