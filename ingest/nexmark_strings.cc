#include "ingest/nexmark_strings.h"

#include <array>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/java_random_chars.h"

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
  uint64_t state = random.state();
  kernels::JavaRandomExactChars(&state, static_cast<size_t>(length), chars);
  random.set_state(state);
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
