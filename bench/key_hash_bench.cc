// Group-key hashing (kernels/key_hash.h): the SIMD kernel against the scalar
// loop the group tables used before (HashKeyWordsOne per key), for keys of
// 1, 2 (one column and its null mask: the common case) and 3 words, over
// 64K keys (cache-resident, as a morsel's keys are). rows/s counts keys.
//
// WEIR_HWY_TARGET=<Highway target bit> (e.g. 512 = HWY_AVX2, 256 = HWY_AVX3)
// in the environment restricts the kernel to that target.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

#include "hwy/targets.h"
#include "kernels/key_hash.h"

namespace weir::kernels {
namespace {

constexpr size_t kKeys = 64 * 1024;

const std::vector<uint64_t>& Words() {
  static const std::vector<uint64_t> words = [] {
    if (const char* target = std::getenv("WEIR_HWY_TARGET")) {
      hwy::SetSupportedTargetsForTest(std::strtoll(target, nullptr, 0));
    }
    std::vector<uint64_t> w(kKeys * 3);
    std::mt19937_64 rng(42);
    for (uint64_t& word : w) word = rng() % 100'000;
    return w;
  }();
  return words;
}

template <bool kScalar>
void BM_KeyHash(benchmark::State& state) {
  const size_t width = static_cast<size_t>(state.range(0));
  const std::vector<uint64_t>& words = Words();
  std::vector<uint64_t> hashes(kKeys);
  for (auto _ : state) {
    if constexpr (kScalar) {
      for (size_t i = 0; i < kKeys; ++i) hashes[i] = HashKeyWordsOne(words.data() + i * width, width);
    } else {
      HashKeyWords(words.data(), kKeys, width, hashes.data());
    }
    benchmark::DoNotOptimize(hashes.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kKeys * width * sizeof(uint64_t)));
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * kKeys,
                                                benchmark::Counter::kIsRate);
}

BENCHMARK(BM_KeyHash<false>)->Name("BM_KeyHash")->ArgName("width")->Arg(1)->Arg(2)->Arg(3);
BENCHMARK(BM_KeyHash<true>)->Name("BM_KeyHashScalar")->ArgName("width")->Arg(1)->Arg(2)->Arg(3);

}  // namespace
}  // namespace weir::kernels
