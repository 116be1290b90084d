// DuckDB side of perf/compare_duckdb.sh: the 10-second tumbling window grouped
// by auction (count(*), sum(price), max(price)), read end to end from a CSV
// file with read_csv and written as CSV with COPY, like `weir run` reads its
// input and writes its output file.
//
// Usage: node perf/duckdb_query.mjs INPUT.csv OUTPUT.csv THREADS
// Prints one line on stdout: `duckdb_seconds=<s>` (wall time of the query
// alone, measured inside this process: node start-up, loading libduckdb and
// creating the database instance are excluded, which favours DuckDB).
//
// The output has the same columns and formats as Weir's CSV sink:
// window_start, window_end as ISO-8601 UTC with milliseconds
// (2026-01-01T00:00:10.000Z), then auction, bids, volume, top, ordered by
// window then auction.
import { DuckDBInstance } from '@duckdb/node-api';

const [input, output, threadsArg] = process.argv.slice(2);
if (!input || !output || !threadsArg || !/^[1-9][0-9]*$/.test(threadsArg)) {
  console.error('usage: node perf/duckdb_query.mjs INPUT.csv OUTPUT.csv THREADS');
  process.exit(2);
}

// SQL string literal: double any single quote.
const lit = (s) => `'${s.replaceAll("'", "''")}'`;

// Windows [floor(t / 10 s) * 10 s, + 10 s) aligned to the Unix epoch, as in
// Weir (time_bucket with an explicit epoch origin, so floor also holds before
// 1970). strftime's %g is milliseconds.
const sql = `
COPY (
  WITH bids AS (
    SELECT * FROM read_csv(${lit(input)},
      header = true, delim = ',', quote = '"',
      columns = {'ts': 'TIMESTAMP', 'auction': 'BIGINT', 'price': 'BIGINT',
                 'channel': 'VARCHAR', 'fee': 'DOUBLE'})
  ),
  agg AS (
    SELECT time_bucket(INTERVAL 10 SECOND, ts, TIMESTAMP '1970-01-01 00:00:00') AS w,
           auction,
           count(*) AS bids,
           sum(price) AS volume,
           max(price) AS top
    FROM bids
    GROUP BY w, auction
  )
  SELECT strftime(w, '%Y-%m-%dT%H:%M:%S.%gZ') AS window_start,
         strftime(w + INTERVAL 10 SECOND, '%Y-%m-%dT%H:%M:%S.%gZ') AS window_end,
         auction, bids, volume, top
  FROM agg
  ORDER BY w, auction
) TO ${lit(output)} (FORMAT csv, HEADER true)`;

const instance = await DuckDBInstance.create(':memory:', { threads: threadsArg });
const connection = await instance.connect();
const check = await connection.runAndReadAll("SELECT current_setting('threads')");
const threadsSet = String(check.getRows()[0][0]);
if (threadsSet !== threadsArg) {
  console.error(`duckdb_query.mjs: asked for ${threadsArg} threads, DuckDB has ${threadsSet}`);
  process.exit(1);
}

const start = process.hrtime.bigint();
await connection.run(sql);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;

connection.closeSync();
instance.closeSync();
console.log(`duckdb_seconds=${seconds.toFixed(4)}`);
