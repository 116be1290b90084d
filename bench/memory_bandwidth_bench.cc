// Memory-read bandwidth probe: the ceiling that streaming kernels over data
// larger than the caches can reach. Sums a 1 GiB int64 array split evenly
// between 1 or 2 std::threads; reports bytes read per second (wall time).
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace {

constexpr size_t kArrayBytes = size_t{1} << 30;
constexpr size_t kArrayValues = kArrayBytes / sizeof(int64_t);

// Allocated and touched once (page faults stay out of the timed loop).
const int64_t* BandwidthArray() {
  static const std::unique_ptr<int64_t[]> array = [] {
    std::unique_ptr<int64_t[]> values(new int64_t[kArrayValues]);
    for (size_t i = 0; i < kArrayValues; ++i) values[i] = static_cast<int64_t>(i & 1023);
    return values;
  }();
  return array.get();
}

// Four independent sums so the adds never limit the loads.
int64_t SumRange(const int64_t* values, size_t count) {
  int64_t sum0 = 0, sum1 = 0, sum2 = 0, sum3 = 0;
  size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    sum0 += values[i];
    sum1 += values[i + 1];
    sum2 += values[i + 2];
    sum3 += values[i + 3];
  }
  for (; i < count; ++i) sum0 += values[i];
  return sum0 + sum1 + sum2 + sum3;
}

void BM_MemoryReadBandwidth(benchmark::State& state) {
  const size_t threads = static_cast<size_t>(state.range(0));
  const int64_t* values = BandwidthArray();
  const size_t per_thread = kArrayValues / threads;
  std::vector<int64_t> sums(threads);
  for (auto _ : state) {
    std::vector<std::thread> workers;
    for (size_t t = 1; t < threads; ++t) {
      workers.emplace_back([&, t] { sums[t] = SumRange(values + t * per_thread, per_thread); });
    }
    sums[0] = SumRange(values, per_thread);
    for (std::thread& worker : workers) worker.join();
    benchmark::DoNotOptimize(sums.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(per_thread * threads * sizeof(int64_t)));
}
BENCHMARK(BM_MemoryReadBandwidth)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
