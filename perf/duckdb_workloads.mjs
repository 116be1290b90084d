// DuckDB side of the in-memory workloads of perf/compare_duckdb.sh, the same
// queries `weir benchmark` runs, over the same table built in SQL from the
// closed-form definition in ingest/synthetic_table.h.
//
// Usage: node perf/duckdb_workloads.mjs ROWS OUT_DIR THREADS REPEATS SPEC...
//   SPEC = <workload>:<keys>, workload one of ungrouped, group-by,
//   tumbling-window, hopping-window, session-window (e.g. group-by:100000).
// For each thread count in THREADS (comma-separated, e.g. 1,2) and each SPEC,
// runs the query REPEATS times as CREATE TEMP TABLE r AS <query> (the result
// materialized in memory, as Weir's benchmark collects it in a MemorySink)
// and prints the best time:
//   duckdb workload=<name> keys=<k> threads=<t> seconds=<s>
// Table creation is not timed. The last result of each SPEC at the first
// thread count is written to OUT_DIR/<workload>_<keys>.csv in Weir's CSV
// format and order (window bounds ISO-8601 with milliseconds; ordered by
// window, then key; sessions by end, start, key) for the result check.
import { DuckDBInstance } from '@duckdb/node-api';

const [rowsArg, outDir, threadsArg, repeatsArg, ...specs] = process.argv.slice(2);
if (!/^[1-9][0-9]*$/.test(rowsArg ?? '') || !outDir || !/^[1-9][0-9]*(,[1-9][0-9]*)*$/.test(threadsArg ?? '') ||
    !/^[1-9][0-9]*$/.test(repeatsArg ?? '') || specs.length === 0) {
  console.error('usage: node perf/duckdb_workloads.mjs ROWS OUT_DIR THREADS REPEATS WORKLOAD:KEYS...');
  process.exit(2);
}
const rows = BigInt(rowsArg);
const threadCounts = threadsArg.split(',');
const repeats = Number(repeatsArg);
const parsed = specs.map((spec) => {
  const [workload, keys] = spec.split(':');
  const workloads = ['ungrouped', 'group-by', 'tumbling-window', 'hopping-window', 'session-window'];
  if (!workloads.includes(workload) || !/^[1-9][0-9]*$/.test(keys ?? '')) {
    console.error(`duckdb_workloads.mjs: bad spec '${spec}'`);
    process.exit(2);
  }
  return { workload, keys };
});
const keyCounts = [...new Set(parsed.map((p) => p.keys))];

const query = ({ workload, keys }) => {
  switch (workload) {
    case 'ungrouped':
      return 'SELECT count(v) AS n, sum(v) AS total, min(v) AS low, max(v) AS high FROM t';
    case 'group-by':
      return `SELECT k${keys} AS k, count(*) AS n, sum(v) AS total, max(v) AS high
              FROM t WHERE v >= -400000000 GROUP BY k${keys}`;
    case 'hopping-window':
      // Windows of 10 s starting every 2 s, aligned to the Unix epoch: a row
      // belongs to the 5 windows starting floor(t / 2 s) * 2 s - j * 2 s,
      // j = 0..4 (DuckDB has no HOP table function: expand each row).
      return `SELECT time_bucket(INTERVAL 2 SECOND, ts, TIMESTAMP '1970-01-01 00:00:00') - to_seconds(2 * j) AS w,
                     k${keys} AS k, count(*) AS n, sum(v) AS total, max(v) AS high
              FROM t CROSS JOIN range(5) AS hops(j) GROUP BY w, k${keys}`;
    case 'session-window':
      // Sessions per key with a 1 s gap, Weir's rule: in time order, a row
      // starts a new session when it is at least the gap after the key's
      // previous row; a session is [first, last + gap). The session number
      // is the running count of starts (RANGE frame: rows tied in time get
      // the same number).
      return `WITH starts AS (
                SELECT k${keys} AS k, ts, v,
                       CASE WHEN ts - lag(ts) OVER (PARTITION BY k${keys} ORDER BY ts) < INTERVAL 1 SECOND
                            THEN 0 ELSE 1 END AS starts_session
                FROM t),
              numbered AS (
                SELECT k, ts, v, sum(starts_session) OVER (PARTITION BY k ORDER BY ts) AS session FROM starts)
              SELECT min(ts) AS w, max(ts) + INTERVAL 1 SECOND AS w_end,
                     k, count(*) AS n, sum(v) AS total, max(v) AS high
              FROM numbered GROUP BY k, session`;
    default:
      // Windows [floor(t / 10 s) * 10 s, + 10 s) aligned to the Unix epoch.
      return `SELECT time_bucket(INTERVAL 10 SECOND, ts, TIMESTAMP '1970-01-01 00:00:00') AS w,
                     k${keys} AS k, count(*) AS n, sum(v) AS total, max(v) AS high
              FROM t GROUP BY w, k${keys}`;
  }
};
const checkQuery = ({ workload }) => {
  switch (workload) {
    case 'ungrouped': return 'SELECT * FROM r';
    case 'group-by': return 'SELECT * FROM r ORDER BY k';
    case 'session-window':
      return `SELECT strftime(w, '%Y-%m-%dT%H:%M:%S.%gZ') AS window_start,
                     strftime(w_end, '%Y-%m-%dT%H:%M:%S.%gZ') AS window_end,
                     k, n, total, high FROM r ORDER BY w_end, w, k`;
    default:
      return `SELECT strftime(w, '%Y-%m-%dT%H:%M:%S.%gZ') AS window_start,
                     strftime(w + INTERVAL 10 SECOND, '%Y-%m-%dT%H:%M:%S.%gZ') AS window_end,
                     k, n, total, high FROM r ORDER BY w, k`;
  }
};

const instance = await DuckDBInstance.create(':memory:', { threads: threadCounts[threadCounts.length - 1] });
const connection = await instance.connect();
const keyColumns = keyCounts.map((keys) => `(i * 2654435761) % ${keys} AS k${keys}`).join(',\n  ');
await connection.run(`CREATE TABLE t AS SELECT
  epoch_ms(1767225600000 + i // 100 - (i * 7919) % 4000) AS ts,
  ${keyColumns},
  (i * 1103515245 + 12345) % 1000000007 - 500000000 AS v
FROM range(${rows}) r(i)`);

for (const [index, threads] of threadCounts.entries()) {
  await connection.run(`SET threads = ${threads}`);
  const check = await connection.runAndReadAll("SELECT current_setting('threads')");
  if (String(check.getRows()[0][0]) !== threads) {
    console.error(`duckdb_workloads.mjs: asked for ${threads} threads, DuckDB has ${check.getRows()[0][0]}`);
    process.exit(1);
  }
  for (const spec of parsed) {
    let best = Infinity;
    for (let r = 0; r < repeats; ++r) {
      const start = process.hrtime.bigint();
      await connection.run(`CREATE OR REPLACE TEMP TABLE r AS ${query(spec)}`);
      best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
    }
    console.log(`duckdb workload=${spec.workload} keys=${spec.keys} threads=${threads} seconds=${best.toFixed(4)}`);
    if (index === 0) {
      const file = `${outDir}/${spec.workload}_${spec.keys}.csv`.replaceAll("'", "''");
      await connection.run(`COPY (${checkQuery(spec)}) TO '${file}' (FORMAT csv, HEADER true)`);
    }
    await connection.run('DROP TABLE r');
  }
}
connection.closeSync();
instance.closeSync();
