#!/usr/bin/env bash
# The whole comparison with DuckDB (issue: kernels and performance harness),
# on the same data and the same thread counts (1 and 2):
#   1-3. in-memory workloads: perf/compare_duckdb_memory.sh
#        (ungrouped; filter + group by with 1k, 100k, 10m keys; tumbling window)
#   4.   the tumbling window read end to end from CSV: perf/compare_duckdb_csv.sh
# Prints one line per workload and thread count,
#   workload=<name> threads=<n> weir_rows_per_s=<x> duckdb_rows_per_s=<y> ratio=<x/y>
# and each part's result check; saves the lines in perf/results/latest.txt and
# draws them into docs/performance-vs-duckdb.svg (perf/chart.mjs).
# Environment: see the two scripts (WEIR_BIN, WEIR_PERF_MEMORY_ROWS,
# WEIR_PERF_ROWS, WEIR_PERF_KEEP_TMP).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mkdir -p "$root/perf/results"
results=$root/perf/results/latest.txt
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  bash "$root/perf/compare_duckdb_memory.sh"
  bash "$root/perf/compare_duckdb_csv.sh"
} | tee "$results"
node "$root/perf/chart.mjs" "$results" "$root/docs/performance-vs-duckdb.svg"
echo "# chart: docs/performance-vs-duckdb.svg; lines: perf/results/latest.txt"
