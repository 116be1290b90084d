#include "ingest/nexmark_strings.h"

#include <array>
#include <cmath>
#include <cstring>
#include <limits>

namespace weir {

namespace {

// Java Math.round(double) for the non-negative values used here: the nearest
// integer, ties up (llround ties away from zero, the same for x >= 0).
int64_t java_round_non_negative(double value) { return std::llround(value); }

}  // namespace

void append_nexmark_string(JavaRandom& random, int32_t max_length, char special, std::string& out) {
  const int32_t length = 3 + random.next_int(max_length - 3);
  const size_t start = out.size();
  out.resize(start + static_cast<size_t>(length));
  char* chars = out.data() + start;
  for (int32_t i = 0; i < length; ++i) {
    if (random.next_int(13) == 0) {
      chars[i] = special;
    } else {
      chars[i] = static_cast<char>('a' + random.next_int(26));
    }
  }
  // String.trim() of the appended part: strip spaces at its end, then its start.
  size_t end = out.size();
  while (end > start && out[end - 1] == ' ') --end;
  out.resize(end);
  size_t first = start;
  while (first < end && out[first] == ' ') ++first;
  if (first > start) out.erase(start, first - start);
}

void append_nexmark_exact_string(JavaRandom& random, int32_t length, std::string& out) {
  const size_t start = out.size();
  out.resize(start + static_cast<size_t>(length));
  write_nexmark_exact_string(random, length, out.data() + start);
}

void write_nexmark_exact_string(JavaRandom& random, int32_t length, char* chars) {
  // Java: a fresh rnd = nextInt() every 6 chars; each char is 'a' + rnd % 26,
  // then rnd /= 26 (both truncating, as C++). With a = |rnd| and s its sign,
  // the k-th char is 'a' + s * (digit k of a in base 26): truncating division
  // is the division of the magnitude, sign applied. The 6 chars are 3 pairs
  // of digits (a % 676, a / 676 % 676, a / 676^2 % 676), each looked up in
  // the table of its sign: unsigned divisions by constants, no sign fix-ups.
  // Branch-free (the sign is a coin flip): one table, the negative half at
  // offset 676. The state lives in a local copy, so the char stores (which
  // may alias anything) do not force it through memory each step.
  static constexpr auto pairs = [] {
    std::array<std::array<char, 2>, 2 * 676> table{};
    for (int32_t v = 0; v < 676; ++v) {
      table[static_cast<size_t>(v)] = {static_cast<char>('a' + v % 26), static_cast<char>('a' + v / 26)};
      table[static_cast<size_t>(676 + v)] = {static_cast<char>('a' - v % 26), static_cast<char>('a' - v / 26)};
    }
    return table;
  }();
  JavaRandom local = random;
  int32_t i = 0;
  for (; i + 6 <= length; i += 6) {
    const int32_t rnd = local.next_int();
    const auto sign = static_cast<uint32_t>(rnd >> 31);  // all ones when negative
    // |rnd| as unsigned (INT32_MIN gives 2^31, exactly).
    const uint32_t magnitude = (static_cast<uint32_t>(rnd) ^ sign) - sign;
    const uint32_t half = sign & 676u;
    const uint32_t q2 = magnitude / 676;
    const uint32_t q4 = magnitude / 456976;
    std::memcpy(chars + i, pairs[magnitude - q2 * 676 + half].data(), 2);
    std::memcpy(chars + i + 2, pairs[q2 - q4 * 676 + half].data(), 2);
    std::memcpy(chars + i + 4, pairs[q4 % 676 + half].data(), 2);
  }
  random = local;
  if (i < length) {
    int32_t rnd = random.next_int();
    for (; i < length; ++i) {
      chars[i] = static_cast<char>('a' + rnd % 26);
      rnd /= 26;
    }
  }
}

int32_t draw_nexmark_extra_length(JavaRandom& random, int64_t current_size, int64_t desired_average_size) {
  if (current_size > desired_average_size) return 0;
  const auto average = static_cast<int32_t>(desired_average_size - current_size);
  const auto delta = static_cast<int32_t>(java_round_non_negative(average * 0.2));
  const int32_t min_size = average - delta;
  return min_size + (delta == 0 ? 0 : random.next_int(2 * delta));
}

int64_t next_nexmark_price(JavaRandom& random) {
  return java_round_non_negative(std::pow(10.0, random.next_double() * 6.0) * 100.0);
}

int64_t next_nexmark_long(JavaRandom& random, int64_t n) {
  if (n < std::numeric_limits<int32_t>::max()) return random.next_int(static_cast<int32_t>(n));
  const int64_t value = random.next_long() % n;
  // Math.abs(Long.MIN_VALUE) stays negative; `value` is a remainder of a
  // positive n, so it is never Long.MIN_VALUE.
  return value < 0 ? -value : value;
}

}  // namespace weir
