#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace weir::kernels {

// The chars of the Nexmark generator's StringsGenerator.nextExactString,
// drawn from a java.util.Random given by its 48-bit state (the state of
// ingest/java_random.h's JavaRandom):
//
//   for each group of 6 chars (the last group may be shorter):
//     rnd = nextInt()                    // state = state * a + c mod 2^48; rnd = int32(state >> 16)
//     each char: 'a' + rnd % 26, then rnd /= 26    (Java's truncating int arithmetic)
//
// so a negative rnd gives chars below 'a' ('H'..'`'). The string of `length`
// chars takes ceil(length / 6) draws.
inline constexpr uint64_t kJavaRandomMultiplier = 0x5DEECE66DULL;
inline constexpr uint64_t kJavaRandomAddend = 0xBULL;
inline constexpr uint64_t kJavaRandomMask = (uint64_t{1} << 48) - 1;

// The scalar definition, the reference of every target (and the path of
// targets without SIMD). With a = |rnd| and s its sign, char k of a group is
// 'a' + s * (digit k of a in base 26), since truncating division divides the
// magnitude; the 6 digits are 3 pairs (a % 676, a / 676 % 676, a / 676^2
// % 676), looked up in the table half of the sign (branch-free: the sign is
// a coin flip).
inline void JavaRandomExactCharsOne(uint64_t* state, size_t length, char* out) {
  static constexpr auto pairs = [] {
    std::array<std::array<char, 2>, 2 * 676> table{};
    for (int32_t v = 0; v < 676; ++v) {
      table[static_cast<size_t>(v)] = {static_cast<char>('a' + v % 26), static_cast<char>('a' + v / 26)};
      table[static_cast<size_t>(676 + v)] = {static_cast<char>('a' - v % 26), static_cast<char>('a' - v / 26)};
    }
    return table;
  }();
  // A local copy: the char stores may alias anything, *state included.
  uint64_t s = *state;
  size_t i = 0;
  for (; i < length; i += 6) {
    s = (s * kJavaRandomMultiplier + kJavaRandomAddend) & kJavaRandomMask;
    const auto rnd = static_cast<int32_t>(static_cast<uint32_t>(s >> 16));
    const auto sign = static_cast<uint32_t>(rnd >> 31);  // all ones when negative
    // |rnd| as unsigned (INT32_MIN gives 2^31, exactly).
    const uint32_t magnitude = (static_cast<uint32_t>(rnd) ^ sign) - sign;
    const uint32_t half = sign & 676u;
    const uint32_t q2 = magnitude / 676;
    const uint32_t q4 = magnitude / 456976;
    char group[6];
    std::memcpy(group, pairs[magnitude - q2 * 676 + half].data(), 2);
    std::memcpy(group + 2, pairs[q2 - q4 * 676 + half].data(), 2);
    std::memcpy(group + 4, pairs[q4 % 676 + half].data(), 2);
    std::memcpy(out + i, group, length - i < 6 ? length - i : 6);
  }
  *state = s;
}

// The same, SIMD with Highway runtime dispatch: the draws of several groups
// at once by jumping the generator ahead (state_{n+k} = a^k state_n + c_k),
// their base-26 digits by multiply-shift division. Writes out[0, length)
// exactly and leaves *state as JavaRandomExactCharsOne does.
//
// Contract: `out` holds `length` writable chars and does not overlap
// `state`. Pure apart from *state and out; thread-safe on distinct states.
void JavaRandomExactChars(uint64_t* state, size_t length, char* out);

}  // namespace weir::kernels
