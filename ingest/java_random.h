#pragma once

#include <cstdint>

namespace weir {

// An exact transcription of java.util.Random (the algorithms the Java
// specification mandates; docs/nexmark.md §4): a 48-bit linear congruential
// generator. Every method returns, bit for bit, what the same call sequence
// on `new java.util.Random(seed)` returns in any JVM.
//
// Used by the Nexmark generator (ingest/nexmark_generator.h), which seeds one
// JavaRandom per event with the event id, as Apache Beam's generator does.
//
// Contract: a plain value type with no shared state; one instance is used by
// one thread at a time. Cheap to construct (one xor), so a fresh instance per
// event is the intended use. The hot methods are inline.
class JavaRandom {
 public:
  static constexpr uint64_t kMultiplier = 0x5DEECE66DULL;
  static constexpr uint64_t kAddend = 0xBULL;
  static constexpr uint64_t kMask = (uint64_t{1} << 48) - 1;

  // new Random(seed): only the low 48 bits of the seed matter.
  explicit JavaRandom(int64_t seed) { set_seed(seed); }

  // setSeed(seed): the initial scramble.
  void set_seed(int64_t seed) { state_ = (static_cast<uint64_t>(seed) ^ kMultiplier) & kMask; }

  // next(bits), 1 <= bits <= 32: the top `bits` of the advanced 48-bit
  // state, reinterpreted as int32 (negative only when bits == 32).
  int32_t next(int bits) {
    state_ = (state_ * kMultiplier + kAddend) & kMask;
    return static_cast<int32_t>(static_cast<uint32_t>(state_ >> (48 - bits)));
  }

  // nextInt(): next(32).
  int32_t next_int() { return next(32); }

  // nextInt(bound), bound > 0 (Java throws otherwise; here it is a
  // precondition, checked by the callers' configuration). Power-of-two bounds
  // take the multiply path; others reject the top partial range, exactly as
  // Java does (the rejection test is on int32 with wrap-around).
  int32_t next_int(int32_t bound) {
    int32_t r = next(31);
    const int32_t m = bound - 1;
    if ((bound & m) == 0) {
      return static_cast<int32_t>((static_cast<int64_t>(bound) * r) >> 31);
    }
    int32_t u = r;
    r = u % bound;
    if (static_cast<int32_t>(static_cast<uint32_t>(u) - static_cast<uint32_t>(r) + static_cast<uint32_t>(m)) < 0) {
      r = next_int_rejected(bound);
    }
    return r;
  }

  // nextLong(): (next(32) << 32) + next(32), the second term sign-extended.
  int64_t next_long() {
    const auto high = static_cast<uint64_t>(static_cast<int64_t>(next(32))) << 32;
    const auto low = static_cast<uint64_t>(static_cast<int64_t>(next(32)));
    return static_cast<int64_t>(high + low);
  }

  // nextDouble(): 53 random bits (next(26) then next(27)) times 2^-53.
  double next_double() {
    const int64_t high = static_cast<int64_t>(next(26)) << 27;
    const int64_t low = next(27);
    return static_cast<double>(high + low) * 0x1.0p-53;
  }

  // The 48-bit state, e.g. for kernels that draw from it
  // (kernels/java_random_chars.h); set_state takes one such state back.
  uint64_t state() const { return state_; }
  void set_state(uint64_t state) { state_ = state & kMask; }

 private:
  // The rare rejection loop of next_int(bound): draws again until accepted.
  int32_t next_int_rejected(int32_t bound);

  uint64_t state_ = 0;
};

}  // namespace weir
