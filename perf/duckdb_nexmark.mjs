// DuckDB side of perf/compare_nexmark_duckdb.sh: the Nexmark queries Weir
// implements (docs/nexmark.md "Queries implemented in Weir"), in SQL over the
// CSV files written by `weir nexmark --dump`, each written as CSV with COPY in
// the column order and formats of Weir's output (timestamps as ISO-8601 UTC
// with milliseconds and a Z).
//
// Usage: node perf/duckdb_nexmark.mjs DUMP_DIR OUT_DIR QUERY...
// Writes OUT_DIR/duckdb-<query>.csv for each query (q0, q1, q2, q3, q8, q11) and
// prints `query=<q> duckdb_seconds=<s>` per query.
import { DuckDBInstance } from '@duckdb/node-api';

const [dumpDir, outDir, ...queries] = process.argv.slice(2);
if (!dumpDir || !outDir || queries.length === 0) {
  console.error('usage: node perf/duckdb_nexmark.mjs DUMP_DIR OUT_DIR QUERY...');
  process.exit(2);
}

const lit = (s) => `'${s.replaceAll("'", "''")}'`;
const iso = (column) => `strftime(${column}, '%Y-%m-%dT%H:%M:%S.%gZ')`;

// The bid view of the Flink DDL (docs/nexmark.md §7), from the dump.
const bid = `read_csv(${lit(`${dumpDir}/bid.csv`)}, header = true, delim = ',', quote = '"',
  columns = {'auction': 'BIGINT', 'bidder': 'BIGINT', 'price': 'BIGINT', 'channel': 'VARCHAR',
             'url': 'VARCHAR', 'dateTime': 'TIMESTAMP', 'extra': 'VARCHAR'})`;

// The person and auction views (q3), from the dump.
const person = `read_csv(${lit(`${dumpDir}/person.csv`)}, header = true, delim = ',', quote = '"',
  columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'emailAddress': 'VARCHAR', 'creditCard': 'VARCHAR',
             'city': 'VARCHAR', 'state': 'VARCHAR', 'dateTime': 'TIMESTAMP', 'extra': 'VARCHAR'})`;
const auction = `read_csv(${lit(`${dumpDir}/auction.csv`)}, header = true, delim = ',', quote = '"',
  columns = {'id': 'BIGINT', 'itemName': 'VARCHAR', 'description': 'VARCHAR', 'initialBid': 'BIGINT',
             'reserve': 'BIGINT', 'dateTime': 'TIMESTAMP', 'expires': 'TIMESTAMP', 'seller': 'BIGINT',
             'category': 'BIGINT', 'extra': 'VARCHAR'})`;

const sql = {
  // SELECT auction, bidder, price, dateTime, extra FROM bid
  q0: `SELECT auction, bidder, price, ${iso('dateTime')} AS dateTime, extra FROM ${bid}`,
  // SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid
  // (0.908 * price is DECIMAL in DuckDB, as DECIMAL(23, 3) in Flink).
  q1: `SELECT auction, bidder, 0.908 * price AS price, ${iso('dateTime')} AS dateTime, extra FROM ${bid}`,
  // SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0
  q2: `SELECT auction, price FROM ${bid} WHERE auction % 123 = 0`,
  // Flink's q3, verbatim but for the views.
  q3: `SELECT P.name, P.city, P.state, A.id
       FROM ${auction} AS A INNER JOIN ${person} AS P ON A.seller = P.id
       WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')`,
  // Flink's q8 with time_bucket for TUMBLE (10 s buckets aligned to the
  // epoch), in Weir's column order (window_start, window_end, id, name).
  q8: `SELECT ${iso('P.starttime')} AS window_start, ${iso('P.starttime + INTERVAL 10 SECOND')} AS window_end,
              P.id, P.name
       FROM (SELECT id, name, time_bucket(INTERVAL 10 SECOND, dateTime) AS starttime
             FROM ${person} GROUP BY id, name, starttime) P
       JOIN (SELECT seller, time_bucket(INTERVAL 10 SECOND, dateTime) AS starttime
             FROM ${auction} GROUP BY seller, starttime) A
         ON P.id = A.seller AND P.starttime = A.starttime`,
  // Session windows per bidder, gap 10 s (Flink's SESSION: rows closer than
  // the gap are one session [first, last + gap)), count(*) per session.
  q11: `WITH marked AS (
          SELECT bidder, dateTime,
                 CASE WHEN dateTime - lag(dateTime) OVER (PARTITION BY bidder ORDER BY dateTime)
                           < INTERVAL 10 SECOND THEN 0 ELSE 1 END AS starts_session
          FROM ${bid}),
        numbered AS (
          SELECT bidder, dateTime,
                 sum(starts_session) OVER (PARTITION BY bidder ORDER BY dateTime
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS session
          FROM marked)
        SELECT ${iso('min(dateTime)')} AS window_start,
               ${iso('max(dateTime) + INTERVAL 10 SECOND')} AS window_end,
               bidder, count(*) AS bid_count
        FROM numbered GROUP BY bidder, session`,
};

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
for (const query of queries) {
  if (!sql[query]) {
    console.error(`duckdb_nexmark.mjs: no SQL for query '${query}'`);
    process.exit(2);
  }
  const start = process.hrtime.bigint();
  await connection.run(`COPY (${sql[query]}) TO ${lit(`${outDir}/duckdb-${query}.csv`)} (FORMAT csv, HEADER true)`);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`query=${query} duckdb_seconds=${seconds.toFixed(4)}`);
}
connection.closeSync();
instance.closeSync();
