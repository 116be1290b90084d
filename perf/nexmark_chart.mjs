// Draws docs/nexmark-per-core.svg from the lines of perf/nexmark_throughput.sh
// (no dependencies: plain SVG text): per query, Weir's events/s per core
// beside the published per-core figures of Feldera and Flink 2.x
// (docs/nexmark.md §10), on a logarithmic axis, with Weir / Feldera above
// each group, a tick at the target (10x Feldera), and the generator
// alone (`--query none`) as a dashed line.
//
// Usage: node perf/nexmark_chart.mjs RESULTS.txt OUTPUT.svg
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node perf/nexmark_chart.mjs RESULTS.txt OUTPUT.svg');
  process.exit(2);
}

// Events/s per core, docs/nexmark.md §10: Feldera's benchmark/README.md
// (16 workers, "stream / default", / 16) and Flink's GUIDE_V2.md
// (throughput / cores).
const feldera = { q0: 435.9e3, q1: 412.2e3, q2: 421.8e3, q3: 413.0e3, q4: 264.6e3, q5: 411.9e3, q6: 249.9e3,
                  q7: 196.0e3, q8: 415.1e3, q9: 56.9e3 };
const flink = { q0: 378.6e3, q1: 395.0e3, q2: 413.7e3, q3: 218.6e3, q4: 28.2e3, q5: 74.5e3, q7: 22.9e3,
                q8: 162.1e3, q9: 13.8e3, q11: 46.1e3 };

const weir = new Map();  // query -> events/s per core
let generator = null;
let setup = '';
for (const line of readFileSync(input, 'utf8').split('\n')) {
  const fields = Object.fromEntries(line.trim().split(/\s+/).filter((f) => f.includes('=')).map((f) => f.split('=')));
  if (!fields.query || !fields.events_per_s_per_core) continue;
  setup = `${Number(fields.events).toLocaleString('en-US')} events, ${fields.threads} threads`;
  if (fields.query === 'none') generator = Number(fields.events_per_s_per_core);
  else weir.set(fields.query, Number(fields.events_per_s_per_core));
}
if (weir.size === 0) {
  console.error(`nexmark_chart.mjs: no query lines in ${input}`);
  process.exit(1);
}

const width = 1000, height = 480, left = 80, right = 20, top = 60, bottom = 80;
const plotWidth = width - left - right, plotHeight = height - top - bottom;
const queries = [...weir.keys()];
const values = queries.flatMap((q) => [weir.get(q), feldera[q], flink[q], feldera[q] && 10 * feldera[q]])
  .concat(generator ? [generator] : []).filter((v) => v);
const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...values))));
const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...values))));
const y = (v) => top + plotHeight * (1 - (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)));
const colors = { weir: '#1f77b4', feldera: '#ff7f0e', flink: '#9e9e9e' };
const format = (v) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : `${(v / 1e3).toFixed(0)}K`);

const parts = [];
parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`);
parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
parts.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">Nexmark: events/s per core, generator included (Weir: ${setup})</text>`);
parts.push(`<text x="${width / 2}" y="40" text-anchor="middle" fill="#555">Weir / Feldera above each group; black tick: target 10x Feldera; dashed: Weir's generator alone</text>`);
for (let e = Math.log10(lo); e <= Math.log10(hi); ++e) {
  const v = Math.pow(10, e);
  parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
  parts.push(`<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${format(v)}</text>`);
}
const group = plotWidth / queries.length;
const bar = Math.min(22, group / 4.5);
queries.forEach((q, i) => {
  const x0 = left + i * group + (group - 3 * bar) / 2;
  [['weir', weir.get(q)], ['feldera', feldera[q]], ['flink', flink[q]]].forEach(([name, v], k) => {
    if (!v) return;
    parts.push(`<rect x="${x0 + k * bar}" y="${y(v)}" width="${bar - 2}" height="${top + plotHeight - y(v)}" fill="${colors[name]}"><title>${name} ${q}: ${format(v)}</title></rect>`);
  });
  if (feldera[q]) {
    const target = y(10 * feldera[q]);
    parts.push(`<line x1="${x0 - 2}" x2="${x0 + bar}" y1="${target}" y2="${target}" stroke="black" stroke-width="2"/>`);
    const ratio = weir.get(q) / feldera[q];
    parts.push(`<text x="${x0 + 1.5 * bar}" y="${Math.min(y(weir.get(q)), target) - 6}" text-anchor="middle">${ratio.toFixed(1)}x</text>`);
  }
  parts.push(`<text x="${left + (i + 0.5) * group}" y="${top + plotHeight + 18}" text-anchor="middle">${q}</text>`);
  parts.push(`<text x="${left + (i + 0.5) * group}" y="${top + plotHeight + 33}" text-anchor="middle" fill="#555">${format(weir.get(q))}</text>`);
});
if (generator) {
  parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(generator)}" y2="${y(generator)}" stroke="${colors.weir}" stroke-dasharray="6 4"/>`);
}
const legend = [['Weir', colors.weir], ['Feldera (published, 16 workers)', colors.feldera], ['Flink 2.x (published)', colors.flink]];
legend.forEach(([name, color], k) => {
  const x = left + k * 260;
  parts.push(`<rect x="${x}" y="${height - 28}" width="14" height="14" fill="${color}"/>`);
  parts.push(`<text x="${x + 20}" y="${height - 16}">${name}</text>`);
});
parts.push('</svg>');
writeFileSync(output, parts.join('\n') + '\n');
console.log(`nexmark_chart.mjs: wrote ${output}`);
