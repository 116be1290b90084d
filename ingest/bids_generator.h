#pragma once

#include <cstdint>
#include <string>

namespace weir {

// A synthetic auction-bids stream for benchmarks and examples, shaped like
// the Nexmark "bid" events: event time advancing at a steady rate, mostly
// out of order within a bound, with a few rows late beyond it.
struct BidsGeneratorOptions {
  uint64_t rows = 2'000'000;
  uint64_t seed = 42;
  int64_t start_millis = 1767225600000;  // 2026-01-01T00:00:00.000Z
  int64_t events_per_second = 100'000;
  // Every row is jittered back by a uniform amount in [0, this] ms, so with
  // a watermark delay above this (e.g. 5 s) ordinary rows are never late.
  int64_t max_out_of_order_millis = 4000;
  // This fraction of rows is pushed back a further late_by_millis: late
  // beyond the watermark delay (those rows are dropped or counted as late).
  double late_fraction = 0.001;
  int64_t late_by_millis = 30'000;
  uint32_t auctions = 1000;  // auction ids are 1000 .. 1000 + auctions - 1
};

// Writes `options.rows` bids as CSV to `path`:
//
//   ts,auction,price,channel,fee
//   2026-01-01T00:00:00.000Z,1004,2379,web,35.68
//
//   ts       event time, ISO-8601 UTC with milliseconds. Row r's nominal time
//            is start_millis + floor(r * 1000 / events_per_second); the
//            written time is that minus a uniform jitter in
//            [0, max_out_of_order_millis], minus late_by_millis for a
//            late_fraction of rows.
//   auction  int64, skewed toward low ids (id - 1000 = floor(auctions * u^3)
//            for uniform u: the first id gets about auctions^(-1/3) of bids).
//   price    int64, log-uniform in [100, 100000].
//   channel  "web", "app", "ios" or "android"; about 1% NULL (empty field).
//   fee      float64 with two decimals, 0 to 5% of price; about 1% NULL.
//
// Deterministic: the bytes depend only on the options (and, for prices, on
// the C library's exp; identical on one platform). Every row is a pure
// function of (seed, row number) through a splitmix64-style hash, so ranges
// of rows can be produced independently (append_bids_csv_rows).
//
// The file is written to `path + ".weir-tmp"` and renamed to `path` when
// complete, so `path` never holds a partial file. Throws ConfigError for
// invalid options (events_per_second < 1, auctions < 1, negative millis,
// late_fraction outside [0, 1]) or when the file cannot be written.
// Thread-safe for distinct paths.
void write_bids_csv(const BidsGeneratorOptions& options, const std::string& path);

// Appends the CSV lines (no header) of rows [first_row, first_row + count)
// to `out`; concatenating consecutive ranges gives the body of the file
// write_bids_csv writes. Options are not validated here.
void append_bids_csv_rows(const BidsGeneratorOptions& options, uint64_t first_row, uint64_t count,
                          std::string& out);

inline constexpr const char* kBidsCsvHeader = "ts,auction,price,channel,fee";

}  // namespace weir
