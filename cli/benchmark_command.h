#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace weir {

// `weir benchmark`: runs one of the performance harness's in-memory
// workloads (perf/compare_duckdb.sh runs the same queries in DuckDB over the
// same table) and prints one line:
//   workload=<name> rows=<n> keys=<k> threads=<t> seconds=<best> rows_per_s=<rows/best>
//
// Workloads, over the table of ingest/synthetic_table.h (ts, k, v):
//   ungrouped        count(v), sum(v), min(v), max(v)
//   group-by         WHERE v >= -400000000 GROUP BY k: count(*), sum(v), max(v)
//   tumbling-window  10 s tumbling windows on ts (watermark delay 5 s),
//                    GROUP BY k: count(*), sum(v), max(v)
//   hopping-window   10 s windows every 2 s on ts (watermark delay 5 s),
//                    GROUP BY k: count(*), sum(v), max(v)
//   session-window   sessions per k with a 1 s gap on ts (watermark delay
//                    5 s): count(*), sum(v), max(v). The table's rows of one
//                    key are evenly spaced when keys is a multiple of 100
//                    (one session per key or one per row); the DuckDB
//                    comparison uses 70,001 keys, which gives about 45% of
//                    rows opening a session, 8% merging two.
// The table is generated once, before timing; each repetition builds the
// pipeline, runs it over a MemorySource into a MemorySink (the timed part),
// and the best wall time is reported. --output writes the last result as CSV.
struct BenchmarkArguments {
  std::string workload;
  uint64_t rows = 10'000'000;
  uint64_t keys = 1'000;
  size_t threads = 0;
  std::optional<size_t> morsel_rows;  // none: the engine's per-stage default
  int repeat = 3;
  std::optional<std::string> output;
};

// Returns the exit status.
int run_benchmark_command(const BenchmarkArguments& arguments);

}  // namespace weir
