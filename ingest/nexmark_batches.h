#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "ingest/nexmark_config.h"
#include "runtime/batch.h"

namespace weir {

// The columnar form of the Nexmark generator: the events of a range of event
// numbers as three Weir Batches, one per kind, with the Flink DDL's column
// names and types (docs/nexmark.md §7; BIGINT -> Int64, VARCHAR -> String,
// TIMESTAMP(3) -> Timestamp):
//
//   person   id, name, emailAddress, creditCard, city, state, dateTime, extra
//   auction  id, itemName, description, initialBid, reserve, dateTime,
//            expires, seller, category, extra
//   bid      auction, bidder, price, channel, url, dateTime, extra
//
// Rows are in event-number order within each batch; no NULLs (but in the
// columns left out, NexmarkStoredColumns below). The values are
// those of ingest/nexmark_generator.h, so the batches of [a, c) equal the
// batches of [a, b) followed by those of [b, c): ranges can be generated on
// different threads and concatenated.
//
// Contract: append_nexmark_events writes only `out` (one thread per
// NexmarkBatches); any number of threads may fill their own NexmarkBatches
// at once. Allocation: the columns grow (amortised, or not at all once their
// capacity is reached after clear()); nothing is allocated per row.

std::shared_ptr<const Schema> nexmark_person_schema();
std::shared_ptr<const Schema> nexmark_auction_schema();
std::shared_ptr<const Schema> nexmark_bid_schema();

struct NexmarkBatches {
  NexmarkBatches();
  Batch person;
  Batch auction;
  Batch bid;
  // Empties the three batches, keeping their capacity.
  void clear();
  size_t rows() const { return person.num_rows() + auction.num_rows() + bid.num_rows(); }
};

// Which string columns append_nexmark_events stores, per kind (bit c:
// column c of that kind's schema above). A column left out is all NULL, but
// its values are still drawn: the random sequence, and so every stored
// value, stays the same, and the generator does the same work except
// copying strings nobody reads (a source's projection pushdown).
// Fixed-width columns are always stored.
struct NexmarkStoredColumns {
  std::array<uint64_t, 3> of_kind = {~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}};  // person, auction, bid
  bool stores(NexmarkEventKind kind, size_t column) const {
    return ((of_kind[static_cast<size_t>(kind)] >> column) & 1) != 0;
  }
};

// Appends the events with numbers in [begin, end) to `out` (after the rows it
// already holds). Requires 0 <= begin <= end and a validated config.
void append_nexmark_events(const NexmarkConfig& config, int64_t begin, int64_t end, NexmarkBatches& out,
                           const NexmarkStoredColumns& stored = {});

}  // namespace weir
