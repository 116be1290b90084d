// Highway compiles this file once per target (foreach_target.h re-includes
// it); the HWY_ONCE section at the end holds the dispatching entry point.
#include "kernels/java_random_chars.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/java_random_chars.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/mul_low64-inl.h"

HWY_BEFORE_NAMESPACE();
namespace weir {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#undef WEIR_JAVA_RANDOM_CHARS_SIMD  // foreach_target.h includes this file once per target
#define WEIR_JAVA_RANDOM_CHARS_SIMD (HWY_TARGET != HWY_SCALAR)

#if WEIR_JAVA_RANDOM_CHARS_SIMD

using D = hn::ScalableTag<uint64_t>;
using V = hn::Vec<D>;

// ceil(2^36 / 26): floor(n * kDivide26 / 2^36) == n / 26 for every n < 2^31
// (the rounding error 12 * n stays below 2^36), and n * kDivide26 < 2^63.
constexpr uint32_t kDivide26 = 2643056798u;

// The jump-ahead of the generator: k steps from state s give
// a_k * s + c_k mod 2^48 (a_1 = a, c_1 = c; a_k = a * a_{k-1},
// c_k = a * c_{k-1} + c).
struct Jump {
  uint64_t multiplier;
  uint64_t addend;
};
constexpr Jump JumpOf(size_t steps) {
  Jump jump{1, 0};
  for (size_t k = 0; k < steps; ++k) {
    jump = {(jump.multiplier * kJavaRandomMultiplier) & kJavaRandomMask,
            (jump.addend * kJavaRandomMultiplier + kJavaRandomAddend) & kJavaRandomMask};
  }
  return jump;
}

// The 6 chars of the draws in `states` (one per lane), packed per lane into
// the low 6 bytes of a word, first char lowest.
HWY_INLINE V GroupsOf(D d, V states) {
  const hn::Repartition<uint32_t, D> d32;
  const V bits = hn::ShiftRight<16>(states);            // the draw as uint32, in a u64 lane
  const V negative = hn::ShiftRight<31>(bits);          // 1 when the int32 draw is < 0
  const V low_ones = hn::Sub(hn::ShiftLeft<32>(negative), negative);  // 0xFFFFFFFF when negative
  V rest = hn::Add(hn::Xor(bits, low_ones), negative);  // |draw|: 2^32 - bits when negative
  const V all_ones = hn::Sub(hn::Zero(d), negative);    // negate a digit when negative
  const V letter_a = hn::Set(d, 'a');
  const V divide = hn::Set(d, kDivide26);
  const V twenty_six = hn::Set(d, 26);
  V packed = hn::Zero(d);
  for (int k = 0; k < 6; ++k) {
    const V quotient = hn::ShiftRight<36>(hn::MulEven(hn::BitCast(d32, rest), hn::BitCast(d32, divide)));
    const V digit = hn::Sub(rest, hn::MulEven(hn::BitCast(d32, quotient), hn::BitCast(d32, twenty_six)));
    // 'a' + digit, or 'a' - digit for a negative draw: 'H'..'z', one byte.
    const V letter = hn::Add(letter_a, hn::Sub(hn::Xor(digit, all_ones), all_ones));
    packed = hn::Or(packed, hn::ShiftLeftSame(letter, 8 * k));
    rest = quotient;
  }
  return packed;
}

#endif  // WEIR_JAVA_RANDOM_CHARS_SIMD

void JavaRandomExactCharsImpl(uint64_t* HWY_RESTRICT state, size_t length, char* HWY_RESTRICT out) {
#if !WEIR_JAVA_RANDOM_CHARS_SIMD
  JavaRandomExactCharsOne(state, length, out);
#else
  const D d;
  const size_t lanes = hn::Lanes(d);
  const size_t draws = (length + 5) / 6;
  // Short strings: one vector would be mostly idle.
  if (draws < 2) {
    JavaRandomExactCharsOne(state, length, out);
    return;
  }
  HWY_ALIGN uint64_t first_multipliers[hn::MaxLanes(d)];
  HWY_ALIGN uint64_t first_addends[hn::MaxLanes(d)];
  for (size_t lane = 0; lane < lanes; ++lane) {
    const Jump jump = JumpOf(lane + 1);
    first_multipliers[lane] = jump.multiplier;
    first_addends[lane] = jump.addend;
  }
  const Jump stride = JumpOf(lanes);
  const V mask = hn::Set(d, kJavaRandomMask);
  const V stride_multiplier = hn::Set(d, stride.multiplier);
  const V stride_addend = hn::Set(d, stride.addend);
  // Lane j: the state after j + 1 draws.
  V states = hn::And(hn::Add(MulLow64(hn::Load(d, first_multipliers), hn::Set(d, *state)), hn::Load(d, first_addends)),
                     mask);
  HWY_ALIGN uint64_t groups[hn::MaxLanes(d)];
  HWY_ALIGN uint64_t lane_states[hn::MaxLanes(d)];
  for (size_t draw = 0;; draw += lanes) {
    hn::Store(GroupsOf(d, states), d, groups);
    const size_t used = draws - draw < lanes ? draws - draw : lanes;
    char* target = out + 6 * draw;
    if (6 * (draw + lanes) <= length) {
      // A whole vector of groups inside the string: 8-byte stores, each
      // group's 2 spare bytes overwritten by the next group.
      for (size_t lane = 0; lane + 1 < lanes; ++lane) std::memcpy(target + 6 * lane, &groups[lane], 8);
      std::memcpy(target + 6 * (lanes - 1), &groups[lanes - 1], 6);
    } else {
      for (size_t lane = 0; lane < used; ++lane) {
        const size_t begin = 6 * (draw + lane);
        std::memcpy(target + 6 * lane, &groups[lane], length - begin < 6 ? length - begin : 6);
      }
    }
    if (draw + lanes >= draws) {
      hn::Store(states, d, lane_states);
      *state = lane_states[used - 1];
      return;
    }
    states = hn::And(hn::Add(MulLow64(states, stride_multiplier), stride_addend), mask);
  }
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace weir
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace weir {
namespace kernels {

HWY_EXPORT(JavaRandomExactCharsImpl);

void JavaRandomExactChars(uint64_t* state, size_t length, char* out) {
  HWY_DYNAMIC_DISPATCH(JavaRandomExactCharsImpl)(state, length, out);
}

}  // namespace kernels
}  // namespace weir
#endif  // HWY_ONCE
