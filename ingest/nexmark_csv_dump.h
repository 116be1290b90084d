#pragma once

#include <cstdint>
#include <string>

#include "ingest/nexmark_config.h"
#include "runtime/batch.h"

namespace weir {

// `weir nexmark --dump DIR`: the first `events` Nexmark events (event
// numbers 0..events-1) as three CSV files, DIR/person.csv, DIR/auction.csv
// and DIR/bid.csv, with the Flink DDL column names as headers
// (ingest/nexmark_batches.h; docs/nexmark.md §7):
//
//   int64      decimal
//   timestamp  "YYYY-MM-DD HH:MM:SS.mmm", UTC without a zone suffix (what
//              DuckDB's read_csv detects as TIMESTAMP; Weir's CSV source
//              reads it back as the same instant)
//   string     as-is, RFC 4180-quoted when needed (CsvRowFormatter,
//              ingest/csv_row_formatter.h: a comma, quote, CR or LF, a
//              space or tab at either end, or the empty string)
//   '\n' line endings.
//
// Generation and formatting run in parallel over ranges of event numbers on
// the calling thread's oneTBB arena (the CLI bounds it with --threads); the
// ranges are written in order, so the files are byte-identical whatever the
// thread count. Each file is written to ".<name>.weir-tmp-<pid>" in DIR and
// renamed over the final name once all three are complete; on an error the
// temporary files are deleted. DIR is created when missing.
//
// Contract: call from one thread; `config` validated. Throws ConfigError
// (naming the path) when a file cannot be created, written or renamed.

struct NexmarkDumpCounts {
  uint64_t persons = 0;
  uint64_t auctions = 0;
  uint64_t bids = 0;
};

NexmarkDumpCounts dump_nexmark_csv(const NexmarkConfig& config, int64_t events, const std::string& directory);

// Appends the rows of one Nexmark batch (any schema of Int64, Timestamp and
// String columns) as CSV lines in the format above, without a header.
// Thread-safe for distinct `out`.
void append_nexmark_csv_rows(const Batch& batch, std::string& out);

// The header line of a batch's schema, with its '\n'.
void append_nexmark_csv_header(const Schema& schema, std::string& out);

}  // namespace weir
