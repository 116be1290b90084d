// The Nexmark generator's exact strings (kernels/java_random_chars.h): the
// SIMD kernel against the scalar definition, for the lengths the generator
// draws (a bid's extra is about 68 chars, an auction's about 390) and a long
// string. rows/s counts strings; bytes/s counts chars.
//
// WEIR_HWY_TARGET=<Highway target bit> (e.g. 512 = HWY_AVX2, 256 = HWY_AVX3)
// in the environment restricts the kernel to that target.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "hwy/targets.h"
#include "kernels/java_random_chars.h"

namespace weir::kernels {
namespace {

void RestrictTarget() {
  static const bool done = [] {
    if (const char* target = std::getenv("WEIR_HWY_TARGET")) {
      hwy::SetSupportedTargetsForTest(std::strtoll(target, nullptr, 0));
    }
    return true;
  }();
  (void)done;
}

template <bool kScalar>
void BM_JavaRandomChars(benchmark::State& state) {
  RestrictTarget();
  const auto length = static_cast<size_t>(state.range(0));
  std::string chars(length, ' ');
  uint64_t random_state = 0x123456789ULL;
  for (auto _ : state) {
    if constexpr (kScalar) {
      JavaRandomExactCharsOne(&random_state, length, chars.data());
    } else {
      JavaRandomExactChars(&random_state, length, chars.data());
    }
    benchmark::DoNotOptimize(chars.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * length));
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_JavaRandomChars<false>)->Name("BM_JavaRandomChars")->ArgName("chars")->Arg(68)->Arg(390)->Arg(4096);
BENCHMARK(BM_JavaRandomChars<true>)->Name("BM_JavaRandomCharsScalar")->ArgName("chars")->Arg(68)->Arg(390)->Arg(4096);

}  // namespace
}  // namespace weir::kernels
