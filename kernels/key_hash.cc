// Highway compiles this file once per target (foreach_target.h re-includes
// it); the HWY_ONCE section at the end holds the dispatching entry point.
#include "kernels/key_hash.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/key_hash.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/mul_low64-inl.h"

HWY_BEFORE_NAMESPACE();
namespace weir {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void HashKeyWordsScalar(const uint64_t* HWY_RESTRICT words, size_t rows, size_t width,
                        uint64_t* HWY_RESTRICT hashes) {
  for (size_t i = 0; i < rows; ++i) hashes[i] = HashKeyWordsOne(words + i * width, width);
}

// 128-bit targets (SSE4, SSSE3) hash two keys per vector with emulated
// multiplies: no faster than the scalar loop (64K 2-word keys: 237-241 M
// keys/s against 234-390), so they, like HWY_SCALAR, run it.
#undef WEIR_KEY_HASH_SIMD  // foreach_target.h includes this file once per target
#define WEIR_KEY_HASH_SIMD (HWY_TARGET != HWY_SCALAR && HWY_TARGET < HWY_SSE4)

#if WEIR_KEY_HASH_SIMD

using D = hn::ScalableTag<uint64_t>;
using V = hn::Vec<D>;

HWY_INLINE V Step(V h, V word, V multiplier) {
  return hn::Add(MulLow64(hn::Xor(h, word), multiplier), hn::ShiftRight<29>(h));
}

HWY_INLINE V Mix(V h, V mix1, V mix2) {
  h = hn::Xor(h, hn::ShiftRight<33>(h));
  h = MulLow64(h, mix1);
  h = hn::Xor(h, hn::ShiftRight<33>(h));
  h = MulLow64(h, mix2);
  return hn::Xor(h, hn::ShiftRight<33>(h));
}

#endif  // WEIR_KEY_HASH_SIMD

void HashKeyWordsImpl(const uint64_t* HWY_RESTRICT words, size_t rows, size_t width,
                      uint64_t* HWY_RESTRICT hashes) {
#if !WEIR_KEY_HASH_SIMD
  HashKeyWordsScalar(words, rows, width, hashes);
#else
  const D d;
  const size_t lanes = hn::Lanes(d);
  const V seed = hn::Set(d, kKeyHashSeed);
  const V multiplier = hn::Set(d, kKeyHashMultiplier);
  const V mix1 = hn::Set(d, kKeyHashMix1);
  const V mix2 = hn::Set(d, kKeyHashMix2);
  size_t i = 0;
  if (width == 1) {
    for (; i + lanes <= rows; i += lanes) {
      const V h = Step(seed, hn::LoadU(d, words + i), multiplier);
      hn::StoreU(Mix(h, mix1, mix2), d, hashes + i);
    }
  } else if (width == 2) {
    // The common key: one column and its null mask. Two loads hold the
    // words of `lanes` keys interleaved; split them into words 0 and 1.
    for (; i + lanes <= rows; i += lanes) {
      const V first = hn::LoadU(d, words + 2 * i);
      const V second = hn::LoadU(d, words + 2 * i + lanes);
      V h = Step(seed, hn::ConcatEven(d, second, first), multiplier);
      h = Step(h, hn::ConcatOdd(d, second, first), multiplier);
      hn::StoreU(Mix(h, mix1, mix2), d, hashes + i);
    }
  } else if (HWY_TARGET <= HWY_AVX3) {
    // Wider keys: gather word k of `lanes` consecutive keys. Only where
    // 64-bit multiplies are native: with AVX2's gather and emulated
    // multiplies this ran at 0.68x the scalar loop (3-word keys, 64K keys:
    // 172 M keys/s against 252), so the other targets hash them scalar.
    const hn::RebindToSigned<D> di;
    HWY_ALIGN int64_t offsets[hn::MaxLanes(di)];
    for (size_t lane = 0; lane < lanes; ++lane) offsets[lane] = static_cast<int64_t>(lane * width);
    const auto index = hn::Load(di, offsets);
    for (; i + lanes <= rows; i += lanes) {
      const uint64_t* base = words + i * width;
      V h = seed;
      for (size_t k = 0; k < width; ++k) h = Step(h, hn::GatherIndex(d, base + k, index), multiplier);
      hn::StoreU(Mix(h, mix1, mix2), d, hashes + i);
    }
  }
  HashKeyWordsScalar(words + i * width, rows - i, width, hashes + i);
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace weir
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace weir {
namespace kernels {

HWY_EXPORT(HashKeyWordsImpl);

void HashKeyWords(const uint64_t* words, size_t rows, size_t width, uint64_t* hashes) {
  HWY_DYNAMIC_DISPATCH(HashKeyWordsImpl)(words, rows, width, hashes);
}

}  // namespace kernels
}  // namespace weir
#endif  // HWY_ONCE
