#pragma once

#include <cstdint>
#include <string>

#include "ingest/java_random.h"

namespace weir {

// The random draws of the reference Nexmark generators shared by every event
// kind (docs/nexmark.md §3.4, §6.3, §6.4): Beam/Flink StringsGenerator,
// PriceGenerator and LongGenerator, draw for draw on a JavaRandom.
//
// The string functions *append* to `out` (so a field built from several
// parts, like an email address, needs no temporary), and trim only the part
// they appended, as Java's String.trim() does on the part's own String.
//
// Contract: pure functions of the JavaRandom's state; thread-safe as long as
// each thread uses its own JavaRandom and `out`. No allocation once `out`
// has the capacity.

// StringsGenerator.nextString(random, maxLength, special): a length of
// 3 + nextInt(maxLength - 3), then per char nextInt(13) == 0 ? special :
// 'a' + nextInt(26); the appended part is trimmed of spaces at both ends.
// maxLength >= 4.
void append_nexmark_string(JavaRandom& random, int32_t max_length, char special, std::string& out);
inline void append_nexmark_string(JavaRandom& random, int32_t max_length, std::string& out) {
  append_nexmark_string(random, max_length, ' ', out);
}

// StringsGenerator.nextExactString(random, length): `length` chars, a fresh
// nextInt() every 6 chars, each char 'a' + rnd % 26 with Java's signed
// remainder (so 'H'..'z').
void append_nexmark_exact_string(JavaRandom& random, int32_t length, std::string& out);
// The same chars written to out[0, length).
void write_nexmark_exact_string(JavaRandom& random, int32_t length, char* out);

// StringsGenerator.nextExtra(random, currentSize, desiredAverageSize) in two
// halves. This one draws the length: 0 (and no draw) when currentSize >
// desiredAverageSize; else avg - delta + nextInt(2 * delta) (no draw when
// delta == 0), with avg = desired - current and delta = round(avg * 0.2).
// The chars are then nextExactString's: write_nexmark_exact_string.
int32_t draw_nexmark_extra_length(JavaRandom& random, int64_t current_size, int64_t desired_average_size);

// PriceGenerator.nextPrice: Math.round(10^(nextDouble() * 6) * 100).
int64_t next_nexmark_price(JavaRandom& random);

// LongGenerator.nextLong(random, n), n > 0: nextInt(n) when n < 2^31 - 1,
// else Math.abs(nextLong() % n).
int64_t next_nexmark_long(JavaRandom& random, int64_t n);

}  // namespace weir
