#!/usr/bin/env bash
# Every kernel benchmark of weir_bench as a fraction of the read-bandwidth
# probe (issue: "each kernel is also reported as a fraction of the probe").
#
# Usage:
#   perf/kernels_vs_bandwidth.sh [weir_bench binary] [extra Google Benchmark flags...]
#   perf/kernels_vs_bandwidth.sh build/release/bench/weir_bench --benchmark_filter='Aggregate|Probe|MemoryRead'
# Default binary: $WEIR_BENCH, else build/release/bench/weir_bench (the
# Release build with -DWEIR_BUILD_BENCHMARKS=ON). Environment:
#   WEIR_BENCH_MIN_TIME     seconds per benchmark (default 0.05: the whole
#                           binary runs in about a minute and a half)
#   WEIR_BENCH_REPETITIONS  repetitions, interleaved at random (default 1;
#                           with more, the table shows medians)
#   WEIR_BENCH_JSON         keep the raw JSON in this file
#
# Prints one line per benchmark that reports bytes/s or rows/s:
#   benchmark  size  threads  GB/s  Mrows/s  of_probe  of_dram
# benchmark: name and the arguments other than size and threads.
# size:      the input size the benchmark is run at (its bytes:N argument,
#            or an unnamed one >= 4 KiB), else bytes read per iteration.
# threads:   Google Benchmark threads, or the probe's own std::threads.
# GB/s, Mrows/s: over wall time, also for benchmarks that report them over
#            CPU time (converted with their cpu/real time ratio), so that
#            all compare with the probes on a shared machine.
# of_probe:  GB/s over BM_ReadBandwidthProbe's at the same size and thread
#            count (bench/aggregate_reduce_bench.cc: a plain int64 sum over
#            the same bytes, the ceiling for a kernel reading one column);
#            "-" when the probe was not run at that size.
# of_dram:   GB/s over BM_MemoryReadBandwidth's (1 GiB, memory-bound) at the
#            same thread count: meaningful for the 64 MiB sizes, which do not
#            fit in the caches.
# bytes/s counts the bytes a benchmark reads from its input columns (see each
# bench file's header), so a fraction near 1 at 64 MiB means memory-bound.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

bench=${WEIR_BENCH:-$root/build/release/bench/weir_bench}
if [[ $# -gt 0 && $1 != --* ]]; then
  bench=$1
  shift
fi
[[ -x $bench ]] || { echo "kernels_vs_bandwidth.sh: no weir_bench binary at $bench (build it, or pass its path)" >&2; exit 2; }

json=${WEIR_BENCH_JSON:-$(mktemp /tmp/weir_bench.XXXXXX.json)}
repetitions=${WEIR_BENCH_REPETITIONS:-1}
"$bench" --benchmark_format=json --benchmark_min_time="${WEIR_BENCH_MIN_TIME:-0.05}" \
  --benchmark_repetitions="$repetitions" --benchmark_enable_random_interleaving="$([[ $repetitions -gt 1 ]] && echo true || echo false)" \
  "$@" >"$json"

node - "$json" <<'EOF'
const fs = require('fs');
const report = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const runs = report.benchmarks.filter(b => b.error_occurred !== true);
// With repetitions, keep the medians; else the plain iterations.
const medians = runs.filter(b => b.run_type === 'aggregate' && b.aggregate_name === 'median');
const chosen = (medians.length > 0 ? medians : runs.filter(b => b.run_type === 'iteration'))
  .sort((a, b) => a.family_index - b.family_index || a.per_family_instance_index - b.per_family_instance_index);

const seconds = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1 };
function parse(b) {
  const name = b.run_name || b.name;
  const parts = name.split('/');
  const threadsArg = parts.find(p => /^threads:\d+$/.test(p));
  const threads = threadsArg ? Number(threadsArg.split(':')[1]) : (b.threads || 1);
  // A size is a bytes:N argument or an unnamed one of at least 4 KiB (small
  // unnamed numbers are indices); 2^40 and above means "all of the input".
  const sizeArg = parts.slice(1).find(p => /^bytes:\d+$/.test(p) || (/^\d+$/.test(p) && Number(p) >= 4096));
  // Rates over wall time for all: benchmarks without UseRealTime report them
  // over CPU time, which on a shared machine is not comparable to the probe's.
  const wall = name.includes('/real_time') || !b.cpu_time ? 1 : b.cpu_time / b.real_time;
  const bytesPerSecond = (b.bytes_per_second || 0) * wall;
  let size = sizeArg ? Number(sizeArg.replace('bytes:', '')) : 0;
  if (size >= 2 ** 40) size = 0;
  if (!size && bytesPerSecond) size = Math.round(bytesPerSecond * b.real_time * seconds[b.time_unit]);
  // The name keeps the arguments other than size and threads.
  const label = parts.filter((p, i) => i === 0 || (p !== sizeArg && p !== threadsArg && p !== 'real_time')).join('/');
  return { name: parts[0], label, threads, size, gbs: bytesPerSecond / 1e9, rows: (b['rows/s'] || 0) * wall };
}
const rows = chosen.map(parse).filter(r => r.gbs > 0 || r.rows > 0);
const probe = new Map(rows.filter(r => r.name === 'BM_ReadBandwidthProbe').map(r => [`${r.size}/${r.threads}`, r.gbs]));
const dram = new Map(rows.filter(r => r.name === 'BM_MemoryReadBandwidth').map(r => [r.threads, r.gbs]));

function human(bytes) {
  if (!bytes) return '-';
  for (const [unit, scale] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]]) {
    if (bytes >= scale) return `${bytes % scale === 0 ? bytes / scale : (bytes / scale).toFixed(1)}${unit}`;
  }
  return `${bytes}B`;
}
const ratio = (value, base) => (value > 0 && base > 0 ? (value / base).toFixed(2) : '-');
const table = [['benchmark', 'size', 'threads', 'GB/s', 'Mrows/s', 'of_probe', 'of_dram']];
for (const r of rows) {
  table.push([
    r.label, human(r.size), String(r.threads),
    r.gbs > 0 ? r.gbs.toFixed(2) : '-', r.rows > 0 ? (r.rows / 1e6).toFixed(1) : '-',
    ratio(r.gbs, probe.get(`${r.size}/${r.threads}`)), ratio(r.gbs, dram.get(r.threads)),
  ]);
}
const widths = table[0].map((_, c) => Math.max(...table.map(line => line[c].length)));
for (const line of table) {
  console.log(line.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
}
EOF
[[ -n ${WEIR_BENCH_JSON:-} ]] || rm -f "$json"
