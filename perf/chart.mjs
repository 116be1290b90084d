// Draws docs/performance-vs-duckdb.svg from the result lines of
// perf/compare_duckdb.sh (no dependencies: plain SVG text).
//
// Usage: node perf/chart.mjs RESULTS.txt OUTPUT.svg
// RESULTS.txt holds lines such as
//   workload=group_by_1k threads=2 weir_rows_per_s=... duckdb_rows_per_s=... ratio=...
// Each workload gets four bars (Weir and DuckDB at 1 and 2 threads), in
// million rows per second on a logarithmic axis, with the ratio above.
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node perf/chart.mjs RESULTS.txt OUTPUT.svg');
  process.exit(2);
}
const results = new Map();  // workload -> {threads -> {weir, duckdb, ratio}}
for (const line of readFileSync(input, 'utf8').split('\n')) {
  const fields = Object.fromEntries(line.trim().split(/\s+/).filter((f) => f.includes('=')).map((f) => f.split('=')));
  if (!fields.workload || !fields.weir_rows_per_s) continue;
  if (!results.has(fields.workload)) results.set(fields.workload, {});
  results.get(fields.workload)[fields.threads] = {
    weir: Number(fields.weir_rows_per_s) / 1e6,
    duckdb: Number(fields.duckdb_rows_per_s) / 1e6,
    ratio: Number(fields.ratio),
  };
}
if (results.size === 0) {
  console.error(`chart.mjs: no result lines in ${input}`);
  process.exit(1);
}

const width = 960, height = 460, left = 70, right = 20, top = 50, bottom = 90;
const plotWidth = width - left - right, plotHeight = height - top - bottom;
const values = [...results.values()].flatMap((r) => Object.values(r).flatMap((v) => [v.weir, v.duckdb]));
const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...values))));
const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...values))));
const y = (v) => top + plotHeight * (1 - (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)));
const colors = { weir1: '#1f77b4', duck1: '#ff7f0e', weir2: '#aec7e8', duck2: '#ffbb78' };
const escape = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

const parts = [];
parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`);
parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
parts.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">Weir vs DuckDB: million rows per second (log scale); label = Weir / DuckDB</text>`);
for (let p = Math.log10(lo); p <= Math.log10(hi); ++p) {
  const v = Math.pow(10, p);
  parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
  parts.push(`<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v >= 1 ? v : v.toPrecision(1)}</text>`);
}
const groupWidth = plotWidth / results.size;
const barWidth = Math.min(28, (groupWidth - 20) / 4);
[...results.entries()].forEach(([workload, byThreads], g) => {
  const x0 = left + g * groupWidth + (groupWidth - 4 * barWidth) / 2;
  const bars = [
    ['weir1', byThreads['1']?.weir], ['duck1', byThreads['1']?.duckdb],
    ['weir2', byThreads['2']?.weir], ['duck2', byThreads['2']?.duckdb],
  ];
  bars.forEach(([key, value], b) => {
    if (!value) return;
    const x = x0 + b * barWidth;
    parts.push(`<rect x="${x}" y="${y(value)}" width="${barWidth - 2}" height="${top + plotHeight - y(value)}" fill="${colors[key]}"/>`);
  });
  for (const [t, offset] of [['1', 0], ['2', 2]]) {
    const r = byThreads[t];
    if (!r) continue;
    const x = x0 + (offset + 1) * barWidth;
    parts.push(`<text x="${x}" y="${y(Math.max(r.weir, r.duckdb)) - 5}" text-anchor="middle" font-size="11">${r.ratio.toFixed(2)}x</text>`);
  }
  parts.push(`<text x="${left + g * groupWidth + groupWidth / 2}" y="${top + plotHeight + 18}" text-anchor="middle">${escape(workload)}</text>`);
});
const legend = [['weir1', 'Weir, 1 thread'], ['duck1', 'DuckDB, 1 thread'], ['weir2', 'Weir, 2 threads'], ['duck2', 'DuckDB, 2 threads']];
legend.forEach(([key, label], i) => {
  const x = left + i * 200;
  parts.push(`<rect x="${x}" y="${height - 40}" width="14" height="14" fill="${colors[key]}"/>`);
  parts.push(`<text x="${x + 20}" y="${height - 28}">${label}</text>`);
});
parts.push('</svg>');
writeFileSync(output, parts.join('\n') + '\n');
