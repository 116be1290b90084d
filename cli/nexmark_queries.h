#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ingest/nexmark_config.h"
#include "runtime/pipeline_builder.h"

namespace weir {

// The Nexmark queries Weir implements, defined with the public
// PipelineBuilder API only (docs/nexmark.md "Queries implemented in Weir").
// Each reads one stream of the Nexmark model (person, auction or bid rows,
// ingest/nexmark_source.h), or several as one (a join's inputs); the caller
// adds the source and the sink.
//
//   q0   bid: SELECT auction, bidder, price, dateTime, extra
//   q1   bid: SELECT auction, bidder, 0.908 * price AS price, dateTime, extra
//   q2   bid: SELECT auction, price WHERE auction % 123 = 0
//   q3   person + auction: name, city, state of sellers in OR, ID or CA
//        joined with the id of their auctions in category 10
//   q4   auction + bid: average final price per category (a join, the
//        lifetime condition, max per auction, avg per category: 3 stages)
//   q5   bid: per 10 s / 2 s hopping window, the auctions with the most bids
//   q6   auction + bid: per seller, the average winning price of its 10
//        newest auctions (Feldera's q6; 5 stages)
//   q7   bid: the highest bids of each 10 s tumbling window
//   q8   person + auction: persons who opened an auction in the 10 s
//        tumbling window they registered in (a window join)
//   q9   auction + bid: each auction with its winning bid (highest price in
//        its lifetime, the earliest of equal prices)
//   q11  bid: count(*) AS bid_count per bidder and session window (gap 10 s),
//        watermark delay 4 s; columns window_start, window_end, bidder,
//        bid_count
struct NexmarkQuery {
  const char* name;
  std::vector<NexmarkEventKind> streams;  // in the order Person, Auction, Bid
  void (*define)(PipelineBuilder& builder);
};

// The query with this name ("q0", ...), or nullptr.
const NexmarkQuery* find_nexmark_query(std::string_view name);

// "q0, q1, ..." for messages.
std::string nexmark_query_names();

}  // namespace weir
