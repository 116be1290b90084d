// The ungrouped aggregate kernels (kernels/aggregate_reduce.h) over 64 MiB
// of column values (larger than the caches: memory-bound) and 256 KiB
// (cache-resident), on 1 and 2 threads, each thread reducing its own slice
// as morsels are spread in the engine. Next to them: a read-bandwidth probe
// over the same bytes with the same threading (the ceiling), and the scalar
// loops the kernels replace (the baselines).
//
// rows/s counts the rows reduced (the selection's size for the Selected
// forms); bytes/s the bytes read from the value column, plus the uint32
// selection (Selected) or the bitmap (Nulls: 1/64 byte a row, not counted).
// Rates are over wall time, summed over the threads (UseRealTime). Columns
// with "Nulls" have ~1% NULLs; the selections keep every other row on
// average, at random. perf/kernels_vs_bandwidth.sh prints every kernel as a
// fraction of the probe.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "kernels/aggregate_reduce.h"
#include "runtime/column_reduction.h"
#include "runtime/exact_float_sum.h"

namespace weir::kernels {
namespace {

constexpr int64_t kLargeBytes = int64_t{64} << 20;
constexpr int64_t kSmallBytes = int64_t{256} << 10;
constexpr size_t kMaxRows = static_cast<size_t>(kLargeBytes) / sizeof(int64_t);

// Prices in cents as the bids stream has them.
const std::vector<int64_t>& Int64Values() {
  static const std::vector<int64_t> values = [] {
    std::vector<int64_t> v(kMaxRows);
    std::mt19937_64 rng(11);
    for (int64_t& value : v) value = 100 + static_cast<int64_t>(rng() % 1'000'000);
    return v;
  }();
  return values;
}

// Money-like doubles (multiples of 1/1024 so that the sums are exact).
const std::vector<double>& Float64Values() {
  static const std::vector<double> values = [] {
    std::vector<double> v(kMaxRows);
    std::mt19937_64 rng(12);
    for (double& value : v) value = static_cast<double>(rng() % 100'000'000) / 1024;
    return v;
  }();
  return values;
}

// ~1% of the rows NULL: about half of the 64-row words take the mixed path.
const std::vector<uint64_t>& SparseNulls() {
  static const std::vector<uint64_t> words = [] {
    std::vector<uint64_t> w(kMaxRows / 64, ~uint64_t{0});
    std::mt19937_64 rng(13);
    for (size_t row = 0; row < kMaxRows; ++row) {
      if (rng() % 100 == 0) w[row / 64] &= ~(uint64_t{1} << (row % 64));
    }
    return w;
  }();
  return words;
}

// Every other row of the first n on average, ascending; the selection for a
// `bytes` benchmark holds about bytes / 16 rows.
const std::vector<uint32_t>& HalfSelection() {
  static const std::vector<uint32_t> rows = [] {
    std::vector<uint32_t> r;
    std::mt19937_64 rng(14);
    for (size_t row = 0; row < kMaxRows; ++row) {
      if (rng() & 1) r.push_back(static_cast<uint32_t>(row));
    }
    return r;
  }();
  return rows;
}

// The rows [begin, end) this thread reduces out of `total`.
struct Slice {
  size_t begin;
  size_t end;
  size_t size() const { return end - begin; }
};

Slice ThreadSlice(const benchmark::State& state, size_t total) {
  const size_t threads = static_cast<size_t>(state.threads());
  const size_t thread = static_cast<size_t>(state.thread_index());
  return {total * thread / threads, total * (thread + 1) / threads};
}

size_t DenseRows(const benchmark::State& state) { return static_cast<size_t>(state.range(0)) / sizeof(int64_t); }

// The selection entries pointing below the benchmark's size, for this thread.
Slice SelectedSlice(const benchmark::State& state) {
  const std::vector<uint32_t>& rows = HalfSelection();
  const size_t total = static_cast<size_t>(
      std::lower_bound(rows.begin(), rows.end(), static_cast<uint32_t>(DenseRows(state))) - rows.begin());
  return ThreadSlice(state, total);
}

void ReportRates(benchmark::State& state, size_t rows, size_t bytes_per_row) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * rows * bytes_per_row));
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(rows),
                         benchmark::Counter::kIsRate);
}

// ------------------------------------------------------------------ probe

// Four independent sums so the adds never limit the loads (the same loop as
// BM_MemoryReadBandwidth, at this file's sizes and threading).
void BM_ReadBandwidthProbe(benchmark::State& state) {
  const Slice slice = ThreadSlice(state, DenseRows(state));
  const int64_t* values = Int64Values().data() + slice.begin;
  for (auto _ : state) {
    int64_t sum0 = 0, sum1 = 0, sum2 = 0, sum3 = 0;
    size_t i = 0;
    for (; i + 4 <= slice.size(); i += 4) {
      sum0 += values[i];
      sum1 += values[i + 1];
      sum2 += values[i + 2];
      sum3 += values[i + 3];
    }
    benchmark::DoNotOptimize(sum0 + sum1 + sum2 + sum3);
  }
  ReportRates(state, slice.size(), sizeof(int64_t));
}

// ------------------------------------------------------------------ int64

template <AggregateParts kParts>
void BM_AggregateInt64(benchmark::State& state) {
  const Slice slice = ThreadSlice(state, DenseRows(state));
  const int64_t* values = Int64Values().data() + slice.begin;
  for (auto _ : state) benchmark::DoNotOptimize(AggregateInt64(values, nullptr, slice.size(), kParts));
  ReportRates(state, slice.size(), sizeof(int64_t));
}

void BM_AggregateInt64Nulls(benchmark::State& state) {
  Slice slice = ThreadSlice(state, DenseRows(state));
  slice.begin &= ~size_t{63};  // the bitmap is addressed by whole words
  const int64_t* values = Int64Values().data() + slice.begin;
  const uint64_t* validity = SparseNulls().data() + slice.begin / 64;
  for (auto _ : state) benchmark::DoNotOptimize(AggregateInt64(values, validity, slice.size()));
  ReportRates(state, slice.size(), sizeof(int64_t));
}

void BM_AggregateInt64Selected(benchmark::State& state) {
  const Slice slice = SelectedSlice(state);
  const uint32_t* rows = HalfSelection().data() + slice.begin;
  for (auto _ : state) {
    benchmark::DoNotOptimize(AggregateInt64Selected(Int64Values().data(), nullptr, rows, slice.size()));
  }
  ReportRates(state, slice.size(), sizeof(int64_t) + sizeof(uint32_t));
}

// Baseline: the scalar loop runtime/column_reduction.cc had before the
// kernels, one row at a time into an __int128.
Int64Reduction ScalarInt64(const int64_t* values, const uint64_t* validity, const uint32_t* selection,
                           size_t count) {
  Int64Reduction r;
  r.min = std::numeric_limits<int64_t>::max();
  r.max = std::numeric_limits<int64_t>::min();
  for (size_t i = 0; i < count; ++i) {
    const size_t row = selection != nullptr ? selection[i] : i;
    if (validity != nullptr && ((validity[row >> 6] >> (row & 63)) & 1) == 0) continue;
    const int64_t v = values[row];
    r.sum += v;
    r.min = std::min(r.min, v);
    r.max = std::max(r.max, v);
    ++r.count;
  }
  return r;
}

void BM_AggregateInt64ScalarLoop(benchmark::State& state) {
  const Slice slice = ThreadSlice(state, DenseRows(state));
  const int64_t* values = Int64Values().data() + slice.begin;
  for (auto _ : state) benchmark::DoNotOptimize(ScalarInt64(values, nullptr, nullptr, slice.size()));
  ReportRates(state, slice.size(), sizeof(int64_t));
}

void BM_AggregateInt64SelectedScalarLoop(benchmark::State& state) {
  const Slice slice = SelectedSlice(state);
  const uint32_t* rows = HalfSelection().data() + slice.begin;
  for (auto _ : state) benchmark::DoNotOptimize(ScalarInt64(Int64Values().data(), nullptr, rows, slice.size()));
  ReportRates(state, slice.size(), sizeof(int64_t) + sizeof(uint32_t));
}

// ---------------------------------------------------------------- float64

template <AggregateParts kParts>
void BM_AggregateFloat64(benchmark::State& state) {
  const Slice slice = ThreadSlice(state, DenseRows(state));
  const double* values = Float64Values().data() + slice.begin;
  for (auto _ : state) benchmark::DoNotOptimize(AggregateFloat64(values, nullptr, slice.size(), kParts));
  ReportRates(state, slice.size(), sizeof(double));
}

void BM_AggregateFloat64Nulls(benchmark::State& state) {
  Slice slice = ThreadSlice(state, DenseRows(state));
  slice.begin &= ~size_t{63};
  const double* values = Float64Values().data() + slice.begin;
  const uint64_t* validity = SparseNulls().data() + slice.begin / 64;
  for (auto _ : state) benchmark::DoNotOptimize(AggregateFloat64(values, validity, slice.size()));
  ReportRates(state, slice.size(), sizeof(double));
}

void BM_AggregateFloat64Selected(benchmark::State& state) {
  const Slice slice = SelectedSlice(state);
  const uint32_t* rows = HalfSelection().data() + slice.begin;
  for (auto _ : state) {
    benchmark::DoNotOptimize(AggregateFloat64Selected(Float64Values().data(), nullptr, rows, slice.size()));
  }
  ReportRates(state, slice.size(), sizeof(double) + sizeof(uint32_t));
}

// Baseline: ExactFloatSum::add and float_total_less one row at a time.
Float64Reduction ScalarFloat64(const double* values, const uint32_t* selection, size_t count) {
  Float64Reduction r;
  ExactFloatSum sum;
  for (size_t i = 0; i < count; ++i) {
    const double v = values[selection != nullptr ? selection[i] : i];
    sum.add(v);
    if (r.count == 0 || float_total_less(v, r.min)) r.min = v;
    if (r.count == 0 || float_total_less(r.max, v)) r.max = v;
    ++r.count;
  }
  r.sum_hi = sum.hi;
  r.sum_lo = sum.lo;
  return r;
}

void BM_AggregateFloat64ScalarLoop(benchmark::State& state) {
  const Slice slice = ThreadSlice(state, DenseRows(state));
  const double* values = Float64Values().data() + slice.begin;
  for (auto _ : state) benchmark::DoNotOptimize(ScalarFloat64(values, nullptr, slice.size()));
  ReportRates(state, slice.size(), sizeof(double));
}

void BM_AggregateFloat64SelectedScalarLoop(benchmark::State& state) {
  const Slice slice = SelectedSlice(state);
  const uint32_t* rows = HalfSelection().data() + slice.begin;
  for (auto _ : state) benchmark::DoNotOptimize(ScalarFloat64(Float64Values().data(), rows, slice.size()));
  ReportRates(state, slice.size(), sizeof(double) + sizeof(uint32_t));
}

#define WEIR_AGGREGATE_BENCHMARK(...)                                                                      \
  BENCHMARK(__VA_ARGS__)->ArgName("bytes")->Arg(kLargeBytes)->Arg(kSmallBytes)->Threads(1)->Threads(2)->UseRealTime()

WEIR_AGGREGATE_BENCHMARK(BM_ReadBandwidthProbe);
WEIR_AGGREGATE_BENCHMARK(BM_AggregateInt64<kAggregateAll>)->Name("BM_AggregateInt64");
WEIR_AGGREGATE_BENCHMARK(BM_AggregateInt64<kAggregateSum>)->Name("BM_AggregateInt64SumOnly");
WEIR_AGGREGATE_BENCHMARK(BM_AggregateInt64Nulls);
WEIR_AGGREGATE_BENCHMARK(BM_AggregateInt64Selected);
WEIR_AGGREGATE_BENCHMARK(BM_AggregateInt64ScalarLoop);
WEIR_AGGREGATE_BENCHMARK(BM_AggregateInt64SelectedScalarLoop);
WEIR_AGGREGATE_BENCHMARK(BM_AggregateFloat64<kAggregateAll>)->Name("BM_AggregateFloat64");
WEIR_AGGREGATE_BENCHMARK(BM_AggregateFloat64<kAggregateSum>)->Name("BM_AggregateFloat64SumOnly");
WEIR_AGGREGATE_BENCHMARK(BM_AggregateFloat64Nulls);
WEIR_AGGREGATE_BENCHMARK(BM_AggregateFloat64Selected);
WEIR_AGGREGATE_BENCHMARK(BM_AggregateFloat64ScalarLoop);
WEIR_AGGREGATE_BENCHMARK(BM_AggregateFloat64SelectedScalarLoop);

}  // namespace
}  // namespace weir::kernels
