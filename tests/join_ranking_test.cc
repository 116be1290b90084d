// A join followed by a stage that only ranks its rows (Nexmark q9's shape):
// the join then writes only the pairs that can rank
// (StreamJoin::keep_only_ranked_pairs). Checked against a scalar reference
// (every pair, then RANK or ROW_NUMBER per partition) on random streams
// under random triggers, morsel sizes and thread counts, and directly on
// StreamJoin: one emit writes exactly the pairs that rank among its own.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "ingest/memory_sink.h"
#include "ingest/memory_source.h"
#include "runtime/pipeline_builder.h"
#include "runtime/stream_join.h"
#include "tests/join_test_rows.h"
#include "tests/memory_sink_lines.h"

namespace weir {
namespace {

using testing::JoinTestRow;
using testing::JoinTestPair;
using testing::random_join_rows;
using testing::reference_join_pairs;
using testing::join_rows_table;


struct Ranking {
  int partition = 0;  // 0: none, 1: by k, 2: by k and lid
  bool descending = false;
  bool real_first = false;
  size_t limit = 1;
  bool with_ties = true;
};

std::pair<int, double> order_value(const std::optional<double>& value, bool descending) {
  if (!value) return {1, 0.0};
  return {0, descending ? -*value : *value};
}

// The ranked pairs' output lines (k, lid, rid, rvalue), ordered by
// partition values, rank, then position among the pairs.
std::vector<std::string> reference(const std::vector<JoinTestPair>& pairs, const Ranking& c) {
  using Rank = std::tuple<std::pair<int, double>, std::pair<int, double>, size_t>;
  std::map<std::vector<int64_t>, std::vector<std::pair<Rank, size_t>>> partitions;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const JoinTestPair& pair = pairs[i];
    std::vector<int64_t> partition;
    if (c.partition >= 1) partition.push_back(*pair.left->key);  // joined keys are never NULL
    if (c.partition >= 2) partition.push_back(pair.left->id);
    const auto value = pair.right->value ? std::optional<double>(static_cast<double>(*pair.right->value)) : std::nullopt;
    auto first = order_value(value, c.descending);
    auto second = order_value(pair.right->real, c.descending);
    if (c.real_first) std::swap(first, second);
    partitions[partition].push_back({{first, second, i}, i});
  }
  std::vector<std::string> lines;
  for (auto& [partition, ranked] : partitions) {
    std::sort(ranked.begin(), ranked.end());
    for (size_t i = 0; i < ranked.size(); ++i) {
      size_t rank = i + 1;
      if (c.with_ties) {
        rank = 1;
        while (rank - 1 < i && (std::get<0>(ranked[rank - 1].first) != std::get<0>(ranked[i].first) ||
                                std::get<1>(ranked[rank - 1].first) != std::get<1>(ranked[i].first))) {
          ++rank;
        }
      }
      if (rank > c.limit) break;
      const JoinTestPair& pair = pairs[ranked[i].second];
      lines.push_back(std::to_string(*pair.left->key) + "," + std::to_string(pair.left->id) + "," +
                      std::to_string(pair.right->id) + "," +
                      (pair.right->value ? std::to_string(*pair.right->value) : "NULL") + "," + pair.right->text);
    }
  }
  return lines;
}

TopRowsClause clause_of(const Ranking& c) {
  std::vector<std::string> partition_by;
  if (c.partition >= 1) partition_by.push_back("k");
  if (c.partition >= 2) partition_by.push_back("lid");
  const std::string direction = c.descending ? " DESC" : " ASC";
  std::vector<std::string> order = {"rvalue" + direction, "rreal" + direction};
  if (c.real_first) std::swap(order[0], order[1]);
  return {partition_by, order, c.limit, c.with_ties, {"k", "lid", "rid", "rvalue", "rtext"}};
}

Ranking random_ranking(std::mt19937_64& random) {
  Ranking c;
  c.partition = static_cast<int>(random() % 3);
  c.descending = random() % 2 == 0;
  c.real_first = random() % 2 == 0;
  c.limit = 1 + random() % 3;
  c.with_ties = random() % 2 == 0;
  return c;
}

TEST(JoinRanking, AJoinThenATopNEqualsTheReferenceUnderEveryTriggerCutAndThreadCount) {
  std::mt19937_64 random(17);
#ifdef WEIR_EXTENDED_PROPERTY_TESTS
  const int cases = 300;
#else
  const int cases = 60;
#endif
  for (int n = 0; n < cases; ++n) {
    const Ranking c = random_ranking(random);
    const std::vector<JoinTestRow> rows = random_join_rows(random, 100 + random() % 400);
    const std::vector<std::string> expected = reference(reference_join_pairs(rows), c);
    // With a filter in the ranking stage the join writes every pair: the
    // same result by the other path.
    const bool filtered = random() % 4 == 0;
    auto sink = std::make_unique<MemorySink>();
    const MemorySink* view = sink.get();
    PipelineBuilder builder;
    builder.source(std::make_unique<MemorySource>(join_rows_table(rows), "rows"));
    builder.join({"kind = 0", "key", {"key AS k", "id AS lid"}},
                 {"kind = 1", "key", {"id AS rid", "value AS rvalue", "real AS rreal", "text AS rtext"}});
    builder.then();
    if (filtered) builder.where("rid >= 0");
    builder.top_rows(clause_of(c));
    builder.sink(std::move(sink));
    RunOptions options;
    options.threads = 1 + random() % 3;
    options.morsel_rows = 1 + random() % 100;
    if (random() % 2 == 0) {
      options.trigger = {TriggerKind::ProcessingTime, 0};
      options.max_rows_per_trigger = 1 + random() % 150;
    }
    const auto pipeline = builder.build();
    const RunSummary summary = pipeline->run(options);
    ASSERT_EQ(testing::sink_lines(*view), expected)
        << "case " << n << ": partition " << c.partition << " desc " << c.descending << " real_first "
        << c.real_first << " limit " << c.limit << " ties " << c.with_ties << " filtered " << filtered
        << " threads " << options.threads << " morsel " << options.morsel_rows << " rows/trigger "
        << options.max_rows_per_trigger.value_or(0);
    EXPECT_EQ(summary.rows_out, expected.size());
  }
}

// One consume, combine and emit: the emit writes exactly the pairs that rank
// within the limit among all of them, in the join's order.
TEST(JoinRanking, AnEmitWritesOnlyThePairsThatRank) {
  std::mt19937_64 random(23);
  size_t all_pairs = 0;
  size_t all_written = 0;
  for (int n = 0; n < 40; ++n) {
    const Ranking c = random_ranking(random);
    const std::vector<JoinTestRow> rows = random_join_rows(random, 50 + random() % 300);
    const std::vector<JoinTestPair> pairs = reference_join_pairs(rows);
    std::vector<std::string> expected;
    {
      // The ranked pairs, back in pair order.
      std::vector<std::string> ranked = reference(pairs, c);
      std::vector<std::string> all;
      for (const JoinTestPair& pair : pairs) {
        all.push_back(std::to_string(*pair.left->key) + "," + std::to_string(pair.left->id) + "," +
                      std::to_string(pair.right->id) + "," +
                      (pair.right->value ? std::to_string(*pair.right->value) : "NULL") + "," + pair.right->text);
      }
      std::multiset<std::string> wanted(ranked.begin(), ranked.end());
      for (const std::string& line : all) {
        if (const auto found = wanted.find(line); found != wanted.end()) {
          expected.push_back(line);
          wanted.erase(found);
        }
      }
    }
    const auto table = join_rows_table(rows);
    StreamJoinSpec spec;
    spec.left_key_column = 1;
    spec.right_key_column = 1;
    spec.left_columns = {1, 5};
    spec.left_names = {"k", "lid"};
    spec.right_columns = {5, 2, 3, 4};
    spec.right_names = {"rid", "rvalue", "rreal", "rtext"};
    StreamJoin join(table->schema_pointer(), spec);
    TopRowsSpec ranking;
    if (c.partition >= 1) ranking.partition_columns.push_back(0);
    if (c.partition >= 2) ranking.partition_columns.push_back(1);
    ranking.order_by = {{3, c.descending}, {4, c.descending}};
    if (c.real_first) std::swap(ranking.order_by[0], ranking.order_by[1]);
    ranking.limit = c.limit;
    ranking.with_ties = c.with_ties;
    ASSERT_TRUE(join.keep_only_ranked_pairs(ranking));
    const testing::EmittedPairs emitted = testing::emit_once(join, rows, *table);
    const uint64_t written = emitted.written;
    std::vector<std::string> lines;
    for (const std::vector<std::string>& fields : emitted.rows) {
      // k,lid,rid,rvalue,rreal,rtext -> without rreal
      ASSERT_EQ(fields.size(), 6u);
      lines.push_back(fields[0] + "," + fields[1] + "," + fields[2] + "," + fields[3] + "," + fields[5]);
    }
    ASSERT_EQ(lines, expected) << "case " << n;
    EXPECT_EQ(written, expected.size());
    all_pairs += pairs.size();
    all_written += written;
  }
  EXPECT_LT(all_written, all_pairs / 2);  // the pushdown drops most pairs
}

}  // namespace
}  // namespace weir
