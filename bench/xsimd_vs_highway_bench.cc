// One kernel written twice, to compare the two SIMD libraries the design
// card names: the fused int64 count / exact sum / min / max of
// kernels/aggregate_reduce.h (no NULLs, dense), in xsimd here and in
// Highway in the engine (AggregateInt64). Same algorithm in both: the sum
// biases each value by 2^63, accumulates its 32-bit halves in uint64 lanes
// and folds them into an __int128 every 2^20 rows; min and max in one
// compare-select chain each; four vectors a loop iteration.
//
// How xsimd dispatches, and why this file is compiled twice. xsimd chooses
// the instruction set at compile time (batch<T, Arch> exists only for the
// archs the compiler flags enable; its kernels have no target attributes),
// so a binary built for the x86-64 baseline holds only its SSE2 code. For
// runtime dispatch each arch's instantiation must come from a translation
// unit compiled with that arch's flags: bench/CMakeLists.txt compiles this
// file a second time with -mavx2 and WEIR_XSIMD_AVX2_KERNEL, which only
// instantiates XsimdInt64Aggregate::operator()<xsimd::avx2>; this copy
// declares it extern and lets xsimd::dispatch pick avx2 or sse2 from cpuid.
// The catch (ODR): inline functions that both copies use (std::min, xsimd
// helpers) may be emitted with AVX2 instructions in the -mavx2 object and
// chosen by the linker for the baseline code too, which would then crash on
// a processor without AVX2; engine code would have to keep each arch's TU
// free of shared inline code (or use -fvisibility tricks, or a per-arch
// namespace as Highway's HWY_NAMESPACE does for it).
//
// Benchmarks (1 thread, 64 MiB memory-bound and 256 KiB cache-resident):
// BM_XsimdInt64Aggregate (xsimd::dispatch: AVX2 here), ..Sse2 (the baseline
// instantiation), BM_HighwayInt64Aggregate/target:<t> (the engine's kernel,
// dynamic dispatch restricted to one Highway target). Run interleaved:
//   weir_bench --benchmark_filter='Xsimd|Highway' --benchmark_repetitions=5
//              --benchmark_enable_random_interleaving=true
#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace weir::bench {

struct XsimdAggregateResult {
  __int128 sum;
  int64_t min;
  int64_t max;
  uint64_t count;
};

struct XsimdInt64Aggregate {
  template <class Arch>
  XsimdAggregateResult operator()(Arch, const int64_t* values, size_t count) const;
};

template <class Arch>
XsimdAggregateResult XsimdInt64Aggregate::operator()(Arch, const int64_t* values, size_t count) const {
  using Batch = xsimd::batch<int64_t, Arch>;
  using UBatch = xsimd::batch<uint64_t, Arch>;
  constexpr size_t kLanes = Batch::size;
  constexpr size_t kBlockRows = size_t{1} << 20;
  const UBatch low_half(uint64_t{0xFFFFFFFF});
  const UBatch sign_bit(uint64_t{1} << 63);
  XsimdAggregateResult result{0, std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(), count};
  Batch min(std::numeric_limits<int64_t>::max());
  Batch max(std::numeric_limits<int64_t>::min());
  for (size_t begin = 0; begin < count; begin += kBlockRows) {
    const size_t end = std::min(count, begin + kBlockRows);
    UBatch low_sum(uint64_t{0});
    UBatch high_sum(uint64_t{0});
    size_t lanes_added = 0;
    auto add = [&](const Batch& v) {
      const UBatch biased = xsimd::bitwise_cast<UBatch>(v) ^ sign_bit;
      low_sum += biased & low_half;
      high_sum += biased >> 32;
      min = xsimd::min(min, v);
      max = xsimd::max(max, v);
    };
    size_t i = begin;
    for (; i + 4 * kLanes <= end; i += 4 * kLanes) {
      add(Batch::load_unaligned(values + i));
      add(Batch::load_unaligned(values + i + kLanes));
      add(Batch::load_unaligned(values + i + 2 * kLanes));
      add(Batch::load_unaligned(values + i + 3 * kLanes));
    }
    for (; i + kLanes <= end; i += kLanes) add(Batch::load_unaligned(values + i));
    lanes_added = i - begin;
    alignas(64) uint64_t low[kLanes];
    alignas(64) uint64_t high[kLanes];
    low_sum.store_unaligned(low);
    high_sum.store_unaligned(high);
    unsigned __int128 biased_sum = 0;
    for (size_t lane = 0; lane < kLanes; ++lane) {
      biased_sum += low[lane] + (static_cast<unsigned __int128>(high[lane]) << 32);
    }
    result.sum += static_cast<__int128>(biased_sum - (static_cast<unsigned __int128>(lanes_added) << 63));
    for (; i < end; ++i) {
      result.sum += values[i];
      result.min = std::min(result.min, values[i]);
      result.max = std::max(result.max, values[i]);
    }
  }
  alignas(64) int64_t lanes[kLanes];
  min.store_unaligned(lanes);
  for (int64_t lane : lanes) result.min = std::min(result.min, lane);
  max.store_unaligned(lanes);
  for (int64_t lane : lanes) result.max = std::max(result.max, lane);
  return result;
}

}  // namespace weir::bench

#ifdef WEIR_XSIMD_AVX2_KERNEL
// The -mavx2 copy: only this instantiation.
template weir::bench::XsimdAggregateResult weir::bench::XsimdInt64Aggregate::operator()<xsimd::avx2>(
    xsimd::avx2, const int64_t*, size_t) const;
#else

#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "hwy/targets.h"
#include "kernels/aggregate_reduce.h"

extern template weir::bench::XsimdAggregateResult weir::bench::XsimdInt64Aggregate::operator()<xsimd::avx2>(
    xsimd::avx2, const int64_t*, size_t) const;

namespace weir::bench {
namespace {

constexpr int64_t kLargeBytes = int64_t{64} << 20;
constexpr int64_t kSmallBytes = int64_t{256} << 10;

const std::vector<int64_t>& Values() {
  static const std::vector<int64_t> values = [] {
    std::vector<int64_t> v(static_cast<size_t>(kLargeBytes) / sizeof(int64_t));
    std::mt19937_64 rng(21);
    for (int64_t& value : v) value = static_cast<int64_t>(rng()) >> 8;
    return v;
  }();
  return values;
}

void ReportRates(benchmark::State& state, size_t rows) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * rows * sizeof(int64_t)));
  state.counters["rows/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(rows), benchmark::Counter::kIsRate);
}

// Both libraries must agree before either is timed.
bool SameAsHighway(const XsimdAggregateResult& x, const int64_t* values, size_t rows) {
  const kernels::Int64Aggregate h = kernels::AggregateInt64(values, nullptr, rows);
  return x.sum == h.sum && x.min == h.min && x.max == h.max && x.count == h.count;
}

void BM_XsimdInt64Aggregate(benchmark::State& state) {
  const size_t rows = static_cast<size_t>(state.range(0)) / sizeof(int64_t);
  const int64_t* values = Values().data();
  // Best first: dispatch takes the first arch of the list the CPU supports.
  auto aggregate = xsimd::dispatch<xsimd::arch_list<xsimd::avx2, xsimd::sse2>>(XsimdInt64Aggregate{});
  if (!SameAsHighway(aggregate(values, rows), values, rows)) state.SkipWithError("xsimd != Highway");
  state.SetLabel(xsimd::available_architectures().avx2 ? "avx2" : "sse2");
  for (auto _ : state) benchmark::DoNotOptimize(aggregate(values, rows));
  ReportRates(state, rows);
}

void BM_XsimdInt64AggregateSse2(benchmark::State& state) {
  const size_t rows = static_cast<size_t>(state.range(0)) / sizeof(int64_t);
  const int64_t* values = Values().data();
  if (!SameAsHighway(XsimdInt64Aggregate{}(xsimd::sse2{}, values, rows), values, rows)) {
    state.SkipWithError("xsimd != Highway");
  }
  for (auto _ : state) benchmark::DoNotOptimize(XsimdInt64Aggregate{}(xsimd::sse2{}, values, rows));
  ReportRates(state, rows);
}

void BM_HighwayInt64Aggregate(benchmark::State& state) {
  const size_t rows = static_cast<size_t>(state.range(0)) / sizeof(int64_t);
  const int64_t target = state.range(1);
  if ((hwy::SupportedTargets() & target) == 0) {
    state.SkipWithError("target not supported by this CPU");
    return;
  }
  hwy::SetSupportedTargetsForTest(target);  // re-resolves HWY_DYNAMIC_DISPATCH on the next call
  const int64_t* values = Values().data();
  state.SetLabel(hwy::TargetName(target));
  for (auto _ : state) benchmark::DoNotOptimize(kernels::AggregateInt64(values, nullptr, rows));
  hwy::SetSupportedTargetsForTest(0);  // back to the best target
  ReportRates(state, rows);
}

BENCHMARK(BM_XsimdInt64Aggregate)->ArgName("bytes")->Arg(kLargeBytes)->Arg(kSmallBytes);
BENCHMARK(BM_XsimdInt64AggregateSse2)->ArgName("bytes")->Arg(kLargeBytes)->Arg(kSmallBytes);
BENCHMARK(BM_HighwayInt64Aggregate)
    ->ArgNames({"bytes", "target"})
    ->ArgsProduct({{kLargeBytes, kSmallBytes}, {HWY_SSSE3, HWY_SSE4, HWY_AVX2}});

}  // namespace
}  // namespace weir::bench

#endif  // WEIR_XSIMD_AVX2_KERNEL
