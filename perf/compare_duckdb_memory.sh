#!/usr/bin/env bash
# Workloads 1-3 of the DuckDB comparison (perf/compare_duckdb.sh runs all of
# them), over one in-memory table whose every value is a closed-form function
# of the row number (ingest/synthetic_table.h), built by Weir in C++ and by
# DuckDB in SQL from range(rows): the same data in both engines.
#   ungrouped        count(v), sum(v), min(v), max(v)
#   group_by_<k>     WHERE v >= -400000000 GROUP BY k (k distinct keys:
#                    1k, 100k, 10m): count(*), sum(v), max(v)
#   tumbling_window  10 s tumbling windows on ts, GROUP BY k (1k keys):
#                    count(*), sum(v), max(v)
#   hopping_window   10 s windows every 2 s on ts (5 per row), GROUP BY k
#                    (1k keys): count(*), sum(v), max(v)
#   session_window   sessions per k with a 1 s gap on ts (70,001 keys: a key
#                    count that is not a multiple of 100, whose rows are not
#                    evenly spaced in time): count(*), sum(v), max(v)
# Weir: `weir benchmark` (the pipeline over a MemorySource into a MemorySink).
# DuckDB: CREATE TEMP TABLE r AS <query> (perf/duckdb_workloads.mjs). Both
# time the query alone (table creation excluded), best of 3 runs, and
# materialize the result in memory. Prints one line per workload and thread
# count:
#   workload=<name> threads=<n> weir_rows_per_s=<x> duckdb_rows_per_s=<y> ratio=<x/y>
# then checks that both engines' results are byte-identical CSV files
# (`check=ok`), or exits 1.
#
# Environment: WEIR_PERF_MEMORY_ROWS (default 100000000) rows; WEIR_BIN as in
# perf/engines.sh; WEIR_PERF_KEEP_TMP=1 keeps the result files;
# WEIR_PERF_MEMORY_SPECS runs only the given specs (space-separated, from the
# list below, e.g. "session-window:70001").
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/engines.sh"
cd "$root"

rows=${WEIR_PERF_MEMORY_ROWS:-100000000}
if ! [[ $rows =~ ^[1-9][0-9]*$ ]]; then
  echo "compare_duckdb_memory.sh: WEIR_PERF_MEMORY_ROWS must be a positive integer, got '$rows'" >&2
  exit 2
fi
repeats=3
specs=(ungrouped:1000 group-by:1000 group-by:100000 group-by:10000000 tumbling-window:1000 hopping-window:1000
  session-window:70001)
if [[ -n ${WEIR_PERF_MEMORY_SPECS:-} ]]; then
  read -r -a specs <<<"$WEIR_PERF_MEMORY_SPECS"
fi

tmp=$(mktemp -d /tmp/weir-compare-memory.XXXXXX)
if [[ ${WEIR_PERF_KEEP_TMP:-0} == 1 ]]; then
  echo "== Keeping the results in $tmp" >&2
else
  trap 'rm -rf "$tmp"' EXIT
fi
mkdir -p "$tmp/weir" "$tmp/duckdb"

name_of() {  # spec -> workload name in the report
  case $1 in
    ungrouped:*) echo ungrouped ;;
    tumbling-window:*) echo tumbling_window ;;
    hopping-window:*) echo hopping_window ;;
    session-window:*) echo session_window ;;
    group-by:1000) echo group_by_1k ;;
    group-by:100000) echo group_by_100k ;;
    group-by:10000000) echo group_by_10m ;;
    group-by:*) echo "group_by_${1#group-by:}" ;;
  esac
}

echo "# in-memory table: $rows rows; $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# best of $repeats runs per engine; both time the query alone (table creation excluded)"

echo "== DuckDB: building the table, then every workload at 1 and 2 threads" >&2
node "$root/perf/duckdb_workloads.mjs" "$rows" "$tmp/duckdb" 1,2 "$repeats" "${specs[@]}" >"$tmp/duckdb.txt"

for t in 1 2; do
  for spec in "${specs[@]}"; do
    workload=${spec%%:*}
    keys=${spec#*:}
    output=()
    [[ $t == 1 ]] && output=(--output "$tmp/weir/${workload}_${keys}.csv")
    line=$("$weir" benchmark --workload "$workload" --rows "$rows" --keys "$keys" --threads "$t" \
             --repeat "$repeats" "${output[@]}")
    weir_s=$(sed -n 's/.* seconds=\([0-9.]*\).*/\1/p' <<<"$line")
    duck_s=$(awk -v w="$workload" -v k="$keys" -v t="$t" \
      '$2 == "workload=" w && $3 == "keys=" k && $4 == "threads=" t { sub("seconds=", "", $5); print $5 }' \
      "$tmp/duckdb.txt")
    [[ -n $weir_s && -n $duck_s ]] || { echo "compare_duckdb_memory.sh: missing time for $spec at $t threads" >&2; exit 1; }
    echo "  $spec threads=$t weir_s=$weir_s duckdb_s=$duck_s" >&2
    awk -v name="$(name_of "$spec")" -v t="$t" -v n="$rows" -v w="$weir_s" -v d="$duck_s" 'BEGIN {
      x = n / w; y = n / d
      printf "workload=%s threads=%d weir_rows_per_s=%.0f duckdb_rows_per_s=%.0f ratio=%.2f\n", name, t, x, y, x / y
    }'
  done
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- result check: the same rows, byte for byte, in the same order ------------
for spec in "${specs[@]}"; do
  file="${spec%%:*}_${spec#*:}.csv"
  if ! cmp -s "$tmp/weir/$file" "$tmp/duckdb/$file"; then
    echo "check=FAILED: $file differs between Weir and DuckDB:" >&2
    diff "$tmp/weir/$file" "$tmp/duckdb/$file" | head -5 >&2
    exit 1
  fi
done
echo "check=ok (every workload's result byte-identical in both engines)"
