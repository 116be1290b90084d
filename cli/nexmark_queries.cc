#include "cli/nexmark_queries.h"

#include <string>
#include <utility>
#include <vector>

namespace weir {
namespace {

void define_q0(PipelineBuilder& builder) {
  builder.select("auction").select("bidder").select("price").select("dateTime").select("extra");
}

void define_q1(PipelineBuilder& builder) {
  builder.select("auction").select("bidder").select("0.908 * price AS price").select("dateTime").select("extra");
}

void define_q2(PipelineBuilder& builder) { builder.where("auction % 123 = 0").select("auction").select("price"); }

// Flink's q3: ... FROM auction AS A INNER JOIN person AS P ON A.seller = P.id
// WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA').
// The person is the left input, so the columns come out as Flink's
// (name, city, state, id).
void define_q3(PipelineBuilder& builder) {
  builder.join({"event_type = 0 AND (person_state = 'OR' OR person_state = 'ID' OR person_state = 'CA')",
                "person_id",
                {"person_name AS name", "person_city AS city", "person_state AS state"}},
               {"event_type = 1 AND auction_category = 10", "auction_seller", {"auction_id AS id"}});
}

// Flink's q8: persons (GROUP BY id, name, 10 s tumbling window) joined with
// sellers (GROUP BY seller, window) on id = seller and the same window: a
// window join of two distinct inputs. Columns window_start, window_end, id,
// name (Flink: id, name, starttime).
void define_q8(PipelineBuilder& builder) {
  builder.join({"event_type = 0", "person_id", {"person_id AS id", "person_name AS name"}, "dateTime", true},
               {"event_type = 1", "auction_seller", {}, "dateTime", true}, 10'000);
}

// The auction-bid join of q4, q6 and q9 (Flink: FROM auction A, bid B
// WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires):
// an interval join on the auction id, the auction spanning [dateTime,
// expires] and the bid its dateTime; watermark delay 4 s, as the Flink
// suite's DDL. The state forgets an auction once the watermark passes its
// expiry, and a bid once it passes the bid. The next stage follows.
void join_auctions_with_bids(PipelineBuilder& builder, std::vector<std::string> auction_columns,
                             std::vector<std::string> bid_columns) {
  builder.event_time("dateTime", 4'000)
      .join({"event_type = 1", "auction_id", std::move(auction_columns), "dateTime", false, "auction_expires"},
            {"event_type = 2", "bid_auction", std::move(bid_columns), "dateTime"});
  builder.then();
}

// Flink's q4: the final (highest) price of each auction among the bids in
// its lifetime, then the average final price per category. Columns
// category, avg_final.
void define_q4(PipelineBuilder& builder) {
  join_auctions_with_bids(builder, {"auction_id AS id", "auction_category AS category"}, {"bid_price AS price"});
  builder.group_by({"id", "category"}).aggregate("max(price) AS final");
  builder.then().group_by({"category"}).aggregate("avg(final) AS avg_final");
}

// Flink's q5 (hot items): bids per auction in 10 s windows sliding by 2 s,
// and per window the auctions with the most bids (ties all). The second
// stage cuts 2 s tumbling windows on window_start: one hopping window each.
// Columns auction, num.
void define_q5(PipelineBuilder& builder) {
  builder.event_time("dateTime", 4'000).hopping_window(10'000, 2'000).group_by({"auction"}).aggregate("count(*) AS num");
  builder.then().event_time("window_start", 0).tumbling_window(2'000).top_rows({{}, {"num DESC"}, 1, true, {"auction", "num"}});
  builder.then().select("auction").select("num");
}

// Feldera's q6 (docs/nexmark.md §9): per seller, the average winning price
// of its 10 auctions with the highest ids (among auctions with a bid in
// their lifetime), in integer division. Five stages: the interval join, the
// winning price per auction, the 10 highest auction ids
// per seller, their sum and count, the division. Columns seller, avg_price
// (a float64 holding the integer quotient).
void define_q6(PipelineBuilder& builder) {
  join_auctions_with_bids(builder, {"auction_id AS id", "auction_seller AS seller"}, {"bid_price AS price"});
  builder.group_by({"id", "seller"}).aggregate("max(price) AS final");
  builder.then().top_rows({{"seller"}, {"id DESC"}, 10, false, {"seller", "final"}});
  builder.then().group_by({"seller"}).aggregate("sum(final) AS total").aggregate("count(*) AS auctions");
  builder.then().select("seller").select("(total - total % auctions) / auctions AS avg_price");
}

// Flink's q7: the bids with the highest price of their 10 s tumbling window
// (ties all). Columns auction, price, bidder, dateTime, extra. Windows are
// half-open, [start, end); Flink's join-back (B.dateTime BETWEEN
// window_end - 10 s AND window_end) also matches a bid at exactly
// window_end of equal price (docs/nexmark.md).
void define_q7(PipelineBuilder& builder) {
  builder.event_time("dateTime", 4'000).tumbling_window(10'000);
  builder.top_rows({{}, {"price DESC"}, 1, true, {"auction", "price", "bidder", "dateTime", "extra"}});
  builder.then().select("auction").select("price").select("bidder").select("dateTime").select("extra");
}

// Flink's q9 (winning bids): per auction, its highest bid within its
// lifetime (the earliest of equal prices; then the first in the stream),
// with the auction's columns.
void define_q9(PipelineBuilder& builder) {
  join_auctions_with_bids(builder,
                          {"auction_id AS id", "auction_itemName AS itemName", "auction_description AS description",
                           "auction_initialBid AS initialBid", "auction_reserve AS reserve", "dateTime",
                           "auction_expires AS expires", "auction_seller AS seller", "auction_category AS category",
                           "auction_extra AS extra"},
                          {"bid_auction AS auction", "bid_bidder AS bidder", "bid_price AS price",
                           "dateTime AS bid_dateTime", "bid_extra AS bid_extra"});
  builder.top_rows({{"id"},
                    {"price DESC", "bid_dateTime ASC"},
                    1,
                    false,
                    {"id", "itemName", "description", "initialBid", "reserve", "dateTime", "expires", "seller",
                     "category", "extra", "auction", "bidder", "price", "bid_dateTime", "bid_extra"}});
}

void define_q11(PipelineBuilder& builder) {
  builder.event_time("dateTime", 4'000)
      .session_window(10'000)
      .group_by({"bidder"})
      .aggregate("count(*) AS bid_count");
}

const std::vector<NexmarkQuery>& queries() {
  static const auto* const list = new std::vector<NexmarkQuery>{
      {"q0", {NexmarkEventKind::Bid}, define_q0},
      {"q1", {NexmarkEventKind::Bid}, define_q1},
      {"q2", {NexmarkEventKind::Bid}, define_q2},
      {"q3", {NexmarkEventKind::Person, NexmarkEventKind::Auction}, define_q3},
      {"q4", {NexmarkEventKind::Auction, NexmarkEventKind::Bid}, define_q4},
      {"q5", {NexmarkEventKind::Bid}, define_q5},
      {"q6", {NexmarkEventKind::Auction, NexmarkEventKind::Bid}, define_q6},
      {"q7", {NexmarkEventKind::Bid}, define_q7},
      {"q8", {NexmarkEventKind::Person, NexmarkEventKind::Auction}, define_q8},
      {"q9", {NexmarkEventKind::Auction, NexmarkEventKind::Bid}, define_q9},
      {"q11", {NexmarkEventKind::Bid}, define_q11},
  };
  return *list;
}

}  // namespace

const NexmarkQuery* find_nexmark_query(std::string_view name) {
  for (const NexmarkQuery& query : queries()) {
    if (name == query.name) return &query;
  }
  return nullptr;
}

std::string nexmark_query_names() {
  std::string names;
  for (const NexmarkQuery& query : queries()) names += (names.empty() ? "" : ", ") + std::string(query.name);
  return names;
}

}  // namespace weir
