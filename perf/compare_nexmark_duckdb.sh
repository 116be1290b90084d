#!/usr/bin/env bash
# Cross-checks the Nexmark queries Weir implements against DuckDB: dumps N
# events with `weir nexmark --dump`, runs each query in Weir (`weir nexmark
# --query qN --events N --output ...`, generating the events in process) and
# the equivalent SQL in DuckDB over the dumped CSV (perf/duckdb_nexmark.mjs),
# and compares the results row by row, sorted, with timestamps and floats
# normalized (perf/compare_nexmark_rows.py). Prints per query
#   query=qN events=N threads=T seconds=S ...   (Weir's own line)
#   query=qN rows=R check=ok|MISMATCH
# and exits 1 when any query's results differ.
#
# Environment: NEXMARK_EVENTS (default 2000000; 200000 for a quick check),
# NEXMARK_QUERIES (default "q0 q1 q2 q3 q4 q5 q6 q7 q8 q9 q11"), NEXMARK_THREADS (default 2),
# WEIR_BIN a weir binary to use instead of building build/release,
# WEIR_PERF_KEEP_TMP=1 keeps the files (in /tmp) for inspection.
# Needs node, npm and python3; @duckdb/node-api is installed into
# perf/node_modules when missing (perf/engines.sh).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/engines.sh"
cd "$root"

events=${NEXMARK_EVENTS:-2000000}
if ! [[ $events =~ ^[1-9][0-9]*$ ]]; then
  echo "compare_nexmark_duckdb.sh: NEXMARK_EVENTS must be a positive integer, got '$events'" >&2
  exit 2
fi
read -r -a queries <<<"${NEXMARK_QUERIES:-q0 q1 q2 q3 q4 q5 q6 q7 q8 q9 q11}"
threads=${NEXMARK_THREADS:-2}

tmp=$(mktemp -d /tmp/weir-compare-nexmark.XXXXXX)
if [[ ${WEIR_PERF_KEEP_TMP:-0} == 1 ]]; then
  echo "== Keeping the files in $tmp" >&2
else
  trap 'rm -rf "$tmp"' EXIT
fi

echo "== Dumping $events Nexmark events" >&2
"$weir" nexmark --dump "$tmp/data" --events "$events" --threads "$threads"

for query in "${queries[@]}"; do
  "$weir" nexmark --query "$query" --events "$events" --threads "$threads" --output "$tmp/weir-$query.csv"
done

NODE_PATH=$root/perf/node_modules node "$root/perf/duckdb_nexmark.mjs" "$tmp/data" "$tmp" "${queries[@]}"

status=0
for query in "${queries[@]}"; do
  python3 "$root/perf/compare_nexmark_rows.py" "$query" "$tmp/weir-$query.csv" "$tmp/duckdb-$query.csv" || status=1
done
if [[ $status -ne 0 ]]; then
  echo "compare_nexmark_duckdb.sh: Weir and DuckDB results differ (see above)" >&2
fi
exit "$status"
