#include "cli/nexmark_queries.h"

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
      {"q8", {NexmarkEventKind::Person, NexmarkEventKind::Auction}, define_q8},
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
