#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "runtime/batch.h"

namespace weir {

struct SyntheticTableOptions {
  uint64_t rows = 1'000'000;
  uint64_t keys = 1'000;  // distinct values of column k
};

// An in-memory table for the benchmarks whose every value is a closed-form
// function of the row number i, so that another engine (DuckDB in perf/) can
// build exactly the same table in SQL from range(rows):
//
//   ts  timestamp  1767225600000 + i / 100 - (i * 7919) % 4000
//                  (2026-01-01 onwards at 100,000 rows per second of event
//                  time, each row up to 3.999 s early: out of order, but never
//                  late for a watermark delay of 4 s or more)
//   k   int64      (i * 2654435761) % keys      (2654435761 is prime, so every
//                  key in [0, keys) occurs, rows / keys times when it divides)
//   v   int64      (i * 1103515245 + 12345) % 1000000007 - 500000000
//                  (pseudo-random in [-500000000, 500000007))
//
// Every product stays below 2^63 for rows <= 2^31 (checked: ConfigError).
// Generated in parallel on the calling thread's oneTBB arena; no NULLs.
std::shared_ptr<const Batch> make_synthetic_table(const SyntheticTableOptions& options);

}  // namespace weir
