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

void define_q11(PipelineBuilder& builder) {
  builder.event_time("dateTime", 4'000)
      .session_window(10'000)
      .group_by({"bidder"})
      .aggregate("count(*) AS bid_count");
}

constexpr NexmarkQuery kQueries[] = {
    {"q0", NexmarkEventKind::Bid, define_q0},
    {"q1", NexmarkEventKind::Bid, define_q1},
    {"q2", NexmarkEventKind::Bid, define_q2},
    {"q11", NexmarkEventKind::Bid, define_q11},
};

}  // namespace

const NexmarkQuery* find_nexmark_query(std::string_view name) {
  for (const NexmarkQuery& query : kQueries) {
    if (name == query.name) return &query;
  }
  return nullptr;
}

std::string nexmark_query_names() {
  std::string names;
  for (const NexmarkQuery& query : kQueries) names += (names.empty() ? "" : ", ") + std::string(query.name);
  return names;
}

}  // namespace weir
