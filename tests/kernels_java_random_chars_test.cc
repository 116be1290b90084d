// Runs every test once per Highway target compiled into the engine and
// supported by this processor (hwy::TestWithParamTarget restricts dynamic
// dispatch to the target under test), against the scalar definition
// JavaRandomExactCharsOne, itself checked against a literal transcription
// of Java's loop.
#include "kernels/java_random_chars.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "hwy/tests/hwy_gtest.h"
#include "ingest/java_random.h"

namespace weir::kernels {
namespace {

class KernelsJavaRandomCharsTest : public hwy::TestWithParamTarget {};
HWY_TARGET_INSTANTIATE_TEST_SUITE_P(KernelsJavaRandomCharsTest);

// StringsGenerator.nextExactString, as written in Java.
std::string JavaExactString(JavaRandom& random, size_t length) {
  std::string out;
  int32_t rnd = 0;
  for (size_t i = 0; i < length; ++i) {
    if (i % 6 == 0) rnd = random.next_int();
    out += static_cast<char>('a' + rnd % 26);
    rnd /= 26;
  }
  return out;
}

TEST(KernelsJavaRandomCharsScalarTest, MatchesJavasLoop) {
  std::mt19937_64 rng(5);
  for (size_t length = 0; length <= 200; ++length) {
    const auto seed = static_cast<int64_t>(rng());
    JavaRandom java(seed);
    const std::string expected = JavaExactString(java, length);
    uint64_t state = JavaRandom(seed).state();
    std::string chars(length, '?');
    JavaRandomExactCharsOne(&state, length, chars.data());
    ASSERT_EQ(chars, expected) << "length " << length;
    ASSERT_EQ(state, java.state()) << "length " << length;
  }
}

TEST(KernelsJavaRandomCharsScalarTest, ExtremeDraws) {
  // States whose next draw is INT32_MIN, -1, 0 and INT32_MAX: the draw is
  // the state's bits 16..47, so pick the state before it by inverting the
  // step (a is odd, so it has an inverse mod 2^48).
  uint64_t inverse = 1;
  for (int i = 0; i < 6; ++i) inverse *= 2 - kJavaRandomMultiplier * inverse;  // Newton, mod 2^64
  for (const uint32_t draw : {0x80000000u, 0xFFFFFFFFu, 0u, 0x7FFFFFFFu}) {
    for (const uint64_t low : {uint64_t{0}, uint64_t{0xFFFF}}) {
      const uint64_t next = (uint64_t{draw} << 16) | low;
      const uint64_t before = ((next - kJavaRandomAddend) * inverse) & kJavaRandomMask;
      JavaRandom java(0);
      java.set_state(before);
      const std::string expected = JavaExactString(java, 6);
      uint64_t state = before;
      std::string chars(6, '?');
      JavaRandomExactCharsOne(&state, 6, chars.data());
      EXPECT_EQ(chars, expected) << std::hex << draw;
      EXPECT_EQ(state, next);
    }
  }
}

TEST_P(KernelsJavaRandomCharsTest, MatchesScalarForEveryLengthAndState) {
  std::mt19937_64 rng(11 + static_cast<uint64_t>(GetParam()));
  for (int round = 0; round < 20; ++round) {
    for (size_t length = 0; length <= 140; ++length) {
      const uint64_t start = rng() & kJavaRandomMask;
      uint64_t expected_state = start;
      std::string expected(length, '?');
      JavaRandomExactCharsOne(&expected_state, length, expected.data());
      uint64_t state = start;
      std::string chars(length + 8, '#');  // the 8 after must stay untouched
      JavaRandomExactChars(&state, length, chars.data());
      ASSERT_EQ(chars.substr(0, length), expected) << "length " << length;
      ASSERT_EQ(chars.substr(length), std::string(8, '#')) << "wrote past the end, length " << length;
      ASSERT_EQ(state, expected_state) << "length " << length;
    }
  }
}

TEST_P(KernelsJavaRandomCharsTest, LongStringsMatchScalar) {
  std::mt19937_64 rng(3 + static_cast<uint64_t>(GetParam()));
  for (const size_t length : {size_t{599}, size_t{600}, size_t{4097}, size_t{100000}}) {
    const uint64_t start = rng() & kJavaRandomMask;
    uint64_t expected_state = start, state = start;
    std::string expected(length, '?'), chars(length, '!');
    JavaRandomExactCharsOne(&expected_state, length, expected.data());
    JavaRandomExactChars(&state, length, chars.data());
    ASSERT_TRUE(chars == expected) << "length " << length;
    ASSERT_EQ(state, expected_state);
  }
}

}  // namespace
}  // namespace weir::kernels
