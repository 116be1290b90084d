// DuckDB side of perf/compare_nexmark_duckdb.sh: the Nexmark queries Weir
// implements (docs/nexmark.md "Queries implemented in Weir"), in SQL over the
// CSV files written by `weir nexmark --dump`, each written as CSV with COPY in
// the column order and formats of Weir's output (timestamps as ISO-8601 UTC
// with milliseconds and a Z).
//
// Usage: node perf/duckdb_nexmark.mjs DUMP_DIR OUT_DIR QUERY...
// Writes OUT_DIR/duckdb-<query>.csv for each query (q0, q1, q2, q3, q4, q5,
// q6, q7, q8, q9, q11) and prints `query=<q> duckdb_seconds=<s>` per query.
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

// The bid view with `seq`, the bid's position in the stream: its line in
// bid.csv, 1 for the first bid. DuckDB keeps the row order of a single-table
// scan and numbers the rows in that order for a window function with an
// empty OVER clause (its documentation, "Order Preservation"); checked with
// 1, 2 and 8 threads against the line numbers of 184,000- and 1,840,000-bid
// dumps.
const bidInFileOrder = `(SELECT row_number() OVER () AS seq, * FROM ${bid})`;

// The person and auction views (q3, q4, q9), from the dump.
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
  // Flink's q4: the highest bid of each auction among its bids from its
  // dateTime to its expires (inclusive), averaged per category: a DOUBLE, as
  // Weir's float64 (Flink's sink column is BIGINT).
  q4: `SELECT Q.category, avg(Q.final) AS avg_final
       FROM (SELECT MAX(B.price) AS final, A.category
             FROM ${auction} AS A, ${bid} AS B
             WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
             GROUP BY A.id, A.category) Q
       GROUP BY Q.category`,
  // Flink's q5 with HOP(size 10 s, slide 2 s) as the window starts of each
  // bid, in epoch milliseconds: the windows [start, start + 10 s) with start a
  // multiple of 2 s that hold t are start = floor(t / 2 s) * 2 s - k * 2 s,
  // k = 0..4 (all five hold t; the filter states the rule).
  q5: `WITH hop AS (
         SELECT auction, starttime
         FROM (SELECT B.auction, B.t, B.t - ((B.t % 2000) + 2000) % 2000 - 2000 * K.k AS starttime
               FROM (SELECT auction, epoch_ms(dateTime) AS t FROM ${bid}) AS B, range(5) AS K(k))
         WHERE starttime <= t AND t < starttime + 10000),
       AuctionBids AS (
         SELECT auction, count(*) AS num, starttime FROM hop GROUP BY auction, starttime),
       MaxBids AS (
         SELECT max(num) AS maxn, starttime FROM AuctionBids GROUP BY starttime)
       SELECT AuctionBids.auction, AuctionBids.num
       FROM AuctionBids JOIN MaxBids
         ON AuctionBids.starttime = MaxBids.starttime AND AuctionBids.num >= MaxBids.maxn`,
  // Flink's q7, verbatim but for the views and TUMBLE (10 s windows aligned to
  // the epoch; window_end = t - (t mod 10 s) + 10 s in epoch milliseconds,
  // with a floored mod), in the select order of q7.sql @ eb6c5a8 and Weir's
  // (auction, price, bidder, dateTime, extra). The BETWEEN is inclusive at
  // window_end, as Flink writes it.
  // Feldera's q6 (its Rust/DBSP implementation; docs/nexmark.md §9): each
  // auction's winning price among the bids of its lifetime, then per seller
  // the average of the winning prices of its 10 highest auction ids, in
  // integer division.
  q6: `WITH winning AS (
         SELECT A.id, A.seller, MAX(B.price) AS final
         FROM ${auction} AS A JOIN ${bid} AS B ON A.id = B.auction
         WHERE B.dateTime BETWEEN A.dateTime AND A.expires
         GROUP BY A.id, A.seller),
       last10 AS (
         SELECT seller, final, ROW_NUMBER() OVER (PARTITION BY seller ORDER BY id DESC) AS rn
         FROM winning)
       SELECT seller, SUM(final) // COUNT(*) AS avg_price
       FROM last10 WHERE rn <= 10 GROUP BY seller`,
  q7: `SELECT B.auction, B.price, B.bidder, ${iso('B.dateTime')} AS dateTime, B.extra
       FROM ${bid} AS B
       JOIN (SELECT MAX(price) AS maxprice, window_end
             FROM (SELECT price, epoch_ms(dateTime) AS t,
                          t - ((t % 10000) + 10000) % 10000 + 10000 AS window_end FROM ${bid})
             GROUP BY window_end) AS B1
         ON B.price = B1.maxprice
       WHERE epoch_ms(B.dateTime) BETWEEN B1.window_end - 10000 AND B1.window_end`,
  // Flink's q8 with time_bucket for TUMBLE (10 s buckets aligned to the
  // epoch), in Weir's column order (window_start, window_end, id, name).
  q8: `SELECT ${iso('P.starttime')} AS window_start, ${iso('P.starttime + INTERVAL 10 SECOND')} AS window_end,
              P.id, P.name
       FROM (SELECT id, name, time_bucket(INTERVAL 10 SECOND, dateTime) AS starttime
             FROM ${person} GROUP BY id, name, starttime) P
       JOIN (SELECT seller, time_bucket(INTERVAL 10 SECOND, dateTime) AS starttime
             FROM ${auction} GROUP BY seller, starttime) A
         ON P.id = A.seller AND P.starttime = A.starttime`,
  // Flink's q9: each auction with its highest bid from its dateTime to its
  // expires (inclusive), the earlier bid on equal prices, and on equal
  // (price, dateTime) the earlier bid in the stream (seq), as Weir keeps it.
  q9: `SELECT id, itemName, description, initialBid, reserve, ${iso('dateTime')} AS dateTime,
              ${iso('expires')} AS expires, seller, category, extra,
              auction, bidder, price, ${iso('bid_dateTime')} AS bid_dateTime, bid_extra
       FROM (SELECT A.*, B.auction, B.bidder, B.price, B.dateTime AS bid_dateTime, B.extra AS bid_extra,
                    ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.dateTime ASC, B.seq ASC)
                      AS rownum
             FROM ${auction} AS A, ${bidInFileOrder} AS B
             WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires)
       WHERE rownum <= 1`,
  // Session windows per bidder, gap 10 s (Flink's SESSION: rows closer than
  // the gap are one session [first, last + gap)), count(*) per session.
  q11: `WITH marked AS (
          SELECT bidder, dateTime,
                 CASE WHEN dateTime - lag(dateTime) OVER (PARTITION BY bidder ORDER BY dateTime)
                           < INTERVAL 10 SECOND THEN 0 ELSE 1 END AS starts_session
          FROM ${bid}),
        numbered AS (
          -- RANGE, not ROWS: bids of one bidder at the same millisecond are
          -- peers and get one session number. Of such ties only the first in
          -- lag's (arbitrary) order can start a session; with ROWS a tie
          -- ordered before it here would stay in the previous session (seen
          -- once in 2,000,000 events: 39921 rows instead of 39920).
          SELECT bidder, dateTime,
                 sum(starts_session) OVER (PARTITION BY bidder ORDER BY dateTime
                                           RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS session
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
