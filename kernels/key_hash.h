#pragma once

#include <cstddef>
#include <cstdint>

namespace weir::kernels {

// The hash of a group key encoded as 64-bit words (runtime/group_table.h:
// one word per key column, then the null mask). One definition, used by
// the group tables for single keys and by HashKeyWords for batches, so a
// key hashes the same whichever path computed it.
//
// Per word: h = (h ^ word) * kKeyHashMultiplier + (h >> 29), then a final
// 64-bit avalanche (the MurmurHash3 finalizer) so that the low bits, which
// pick a slot, depend on every input bit.
inline constexpr uint64_t kKeyHashSeed = 0x243F6A8885A308D3ULL;
inline constexpr uint64_t kKeyHashMultiplier = 0x9E3779B97F4A7C15ULL;
inline constexpr uint64_t kKeyHashMix1 = 0xff51afd7ed558ccdULL;
inline constexpr uint64_t kKeyHashMix2 = 0xc4ceb9fe1a85ec53ULL;

inline uint64_t HashKeyWordsOne(const uint64_t* words, size_t width) {
  uint64_t h = kKeyHashSeed;
  for (size_t k = 0; k < width; ++k) h = (h ^ words[k]) * kKeyHashMultiplier + (h >> 29);
  h ^= h >> 33;
  h *= kKeyHashMix1;
  h ^= h >> 33;
  h *= kKeyHashMix2;
  h ^= h >> 33;
  return h;
}

// Hashes `rows` keys of `width` words each, stored row-major (key i is
// words[i * width, (i + 1) * width)): hashes[i] = HashKeyWordsOne(key i).
// SIMD with Highway runtime dispatch, several keys per vector (64-bit
// multiplies are native on AVX-512, built from 32-bit ones elsewhere).
//
// Contract: `words` holds rows * width readable words, `hashes` rows
// writable ones (they must not overlap); width >= 1. Pure, thread-safe.
void HashKeyWords(const uint64_t* words, size_t rows, size_t width, uint64_t* hashes);

}  // namespace weir::kernels
