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
  char* chars = out.data() + start;
  // Java: a fresh rnd = nextInt() every 6 chars; each char is 'a' + rnd % 26,
  // then rnd /= 26 (both truncating, as C++). Truncating division composes
  // (trunc(trunc(a / b) / c) == trunc(a / (b * c))), so the 6 chars are 3
  // independent pairs: the pair of v = a remainder mod 676 is 'a' + v % 26,
  // 'a' + v / 26, looked up in a table.
  static const auto pairs = [] {
    std::array<std::array<char, 2>, 2 * 675 + 1> table{};
    for (int32_t v = -675; v <= 675; ++v) {
      table[static_cast<size_t>(v + 675)] = {static_cast<char>('a' + v % 26), static_cast<char>('a' + v / 26)};
    }
    return table;
  }();
  int32_t i = 0;
  for (; i + 6 <= length; i += 6) {
    const int32_t rnd = random.next_int();
    const int32_t q2 = rnd / 676;
    const int32_t q4 = rnd / 456976;
    std::memcpy(chars + i, pairs[static_cast<size_t>(rnd % 676 + 675)].data(), 2);
    std::memcpy(chars + i + 2, pairs[static_cast<size_t>(q2 % 676 + 675)].data(), 2);
    std::memcpy(chars + i + 4, pairs[static_cast<size_t>(q4 % 676 + 675)].data(), 2);
  }
  if (i < length) {
    int32_t rnd = random.next_int();
    for (; i < length; ++i) {
      chars[i] = static_cast<char>('a' + rnd % 26);
      rnd /= 26;
    }
  }
}

void append_nexmark_extra(JavaRandom& random, int64_t current_size, int64_t desired_average_size, std::string& out) {
  if (current_size > desired_average_size) return;
  const auto average = static_cast<int32_t>(desired_average_size - current_size);
  const auto delta = static_cast<int32_t>(java_round_non_negative(average * 0.2));
  const int32_t min_size = average - delta;
  const int32_t size = min_size + (delta == 0 ? 0 : random.next_int(2 * delta));
  append_nexmark_exact_string(random, size, out);
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
