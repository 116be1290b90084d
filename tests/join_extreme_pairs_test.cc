// A join followed by a stage that only groups its rows and takes min or max
// (Nexmark q4's and q6's shape): the join then writes, per row of the
// grouped side and epoch, only the pair with the extreme value
// (StreamJoin::keep_only_extreme_pairs). Checked against a scalar reference
// (every pair, then GROUP BY) on random streams under random triggers,
// morsel sizes and thread counts, with grouping stages where the pushdown
// applies and where it must not; and directly on StreamJoin: one emit
// writes one pair per grouped row, the first with the extreme value.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ingest/memory_sink.h"
#include "ingest/memory_source.h"
#include "runtime/pipeline_builder.h"
#include "runtime/stream_join.h"
#include "tests/join_test_rows.h"
#include "tests/memory_sink_lines.h"

namespace weir {
namespace {

using testing::JoinTestPair;
using testing::JoinTestRow;

// The join's output columns, by name: the left row's key, id and value,
// then the right row's id, value and real.
const std::vector<std::string> kLeftColumns = {"key AS k", "id AS lid", "value AS lvalue"};
const std::vector<std::string> kRightColumns = {"id AS rid", "value AS rvalue", "real AS rreal"};

struct Cell {
  bool null = true;
  double value = 0;
};

Cell cell_of(const JoinTestPair& pair, const std::string& column) {
  auto of = [](const std::optional<int64_t>& v) { return v ? Cell{false, static_cast<double>(*v)} : Cell{}; };
  if (column == "k") return of(pair.left->key);
  if (column == "lid") return of(pair.left->id);
  if (column == "lvalue") return of(pair.left->value);
  if (column == "rid") return of(pair.right->id);
  if (column == "rvalue") return of(pair.right->value);
  if (column == "rreal") return pair.right->real ? Cell{false, *pair.right->real} : Cell{};
  ADD_FAILURE() << column;
  return {};
}

bool is_float_column(const std::string& column) { return column == "rreal"; }

std::string text_of(const Cell& cell, bool real) {
  if (cell.null) return "NULL";
  return real ? std::to_string(cell.value) : std::to_string(static_cast<int64_t>(cell.value));
}

struct Aggregate {
  std::string function;  // min, max, count, sum
  std::string column;    // "*" for count(*)
  std::string text() const { return function + "(" + column + ") AS a_" + function + "_" + (column == "*" ? "all" : column); }
};

struct Grouping {
  std::vector<std::string> group_by;
  std::vector<Aggregate> aggregates;
};

// The next stage's output lines (group columns, then aggregates), sorted.
std::vector<std::string> reference(const std::vector<JoinTestPair>& pairs, const Grouping& g) {
  std::map<std::vector<std::string>, std::vector<const JoinTestPair*>> groups;
  for (const JoinTestPair& pair : pairs) {
    std::vector<std::string> key;
    for (const std::string& column : g.group_by) key.push_back(text_of(cell_of(pair, column), is_float_column(column)));
    groups[key].push_back(&pair);
  }
  std::vector<std::string> lines;
  for (const auto& [key, members] : groups) {
    std::string line;
    for (const std::string& part : key) line += (line.empty() ? "" : ",") + part;
    for (const Aggregate& aggregate : g.aggregates) {
      Cell result;
      double count = 0;
      for (const JoinTestPair* pair : members) {
        if (aggregate.column == "*") {
          ++count;
          continue;
        }
        const Cell cell = cell_of(*pair, aggregate.column);
        if (cell.null) continue;
        ++count;
        if (result.null) {
          result = cell;
        } else if (aggregate.function == "max") {
          result.value = std::max(result.value, cell.value);
        } else if (aggregate.function == "min") {
          result.value = std::min(result.value, cell.value);
        } else if (aggregate.function == "sum") {
          result.value += cell.value;
        }
      }
      if (aggregate.function == "count") result = Cell{false, count};
      const bool real = aggregate.function != "count" && is_float_column(aggregate.column);
      line += (line.empty() ? "" : ",") + text_of(result, real);
    }
    lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

// Groupings where the pushdown applies (the first ones) and where it must not.
std::vector<Grouping> groupings() {
  return {
      {{"k", "lid"}, {{"max", "rvalue"}}},                                  // q6's shape
      {{"lid", "k"}, {{"min", "rvalue"}, {"max", "lid"}, {"min", "rvalue"}}},
      {{"k"}, {{"max", "rvalue"}, {"min", "lvalue"}}},
      {{"rid"}, {{"max", "lvalue"}, {"min", "rreal"}}},                     // the right side grouped
      {{}, {{"min", "rid"}}},
      {{"lid"}, {{"max", "lid"}}},                                          // no other-side aggregate
      {{"k", "lid"}, {{"max", "rvalue"}, {"count", "*"}}},                  // count: every pair counts
      {{"k", "lid"}, {{"max", "rvalue"}, {"min", "rvalue"}}},               // two extremes of one side
      {{"k", "lid"}, {{"sum", "rvalue"}}},
      {{"k", "rid"}, {{"max", "rvalue"}}},                                  // group columns of both sides
      {{"lid"}, {{"max", "rreal"}}},                                        // a float64 extreme
  };
}

TEST(JoinExtremePairs, AJoinThenMinOrMaxEqualsTheReferenceUnderEveryTriggerCutAndThreadCount) {
  std::mt19937_64 random(31);
#ifdef WEIR_EXTENDED_PROPERTY_TESTS
  const int cases = 300;
#else
  const int cases = 80;
#endif
  const std::vector<Grouping> all = groupings();
  for (int n = 0; n < cases; ++n) {
    const Grouping& g = all[static_cast<size_t>(n) % all.size()];
    const std::vector<JoinTestRow> rows = testing::random_join_rows(random, 100 + random() % 400);
    const std::vector<std::string> expected = reference(testing::reference_join_pairs(rows), g);
    auto sink = std::make_unique<MemorySink>();
    const MemorySink* view = sink.get();
    PipelineBuilder builder;
    builder.source(std::make_unique<MemorySource>(testing::join_rows_table(rows), "rows"));
    builder.join({"kind = 0", "key", kLeftColumns}, {"kind = 1", "key", kRightColumns});
    builder.then();
    // A filter in the grouping stage: every pair is written, the same
    // result by the other path.
    const bool filtered = random() % 5 == 0;
    if (filtered) builder.where("rid >= 0");
    builder.group_by(g.group_by);
    for (size_t a = 0; a < g.aggregates.size(); ++a) builder.aggregate(g.aggregates[a].text() + std::to_string(a));
    builder.sink(std::move(sink));
    RunOptions options;
    options.threads = 1 + random() % 3;
    options.morsel_rows = 1 + random() % 100;
    if (random() % 2 == 0) {
      options.trigger = {TriggerKind::ProcessingTime, 0};
      options.max_rows_per_trigger = 1 + random() % 150;
    }
    // (The pipeline owns the sink: it must outlive the reading of its lines.)
    const auto pipeline = builder.build();
    pipeline->run(options);
    std::vector<std::string> lines = testing::sink_lines(*view);
    std::sort(lines.begin(), lines.end());
    ASSERT_EQ(lines, expected) << "case " << n << " grouping " << (static_cast<size_t>(n) % all.size())
                               << " filtered " << filtered << " threads " << options.threads << " morsel "
                               << options.morsel_rows << " rows/trigger " << options.max_rows_per_trigger.value_or(0);
  }
}

// The join's output columns as StreamJoinSpec indices: k 0, lid 1, lvalue
// 2, rid 3, rvalue 4, rreal 5.
StreamJoin make_join(const std::shared_ptr<Batch>& table) {
  StreamJoinSpec spec;
  spec.left_key_column = 1;
  spec.right_key_column = 1;
  spec.left_columns = {1, 5, 2};
  spec.left_names = {"k", "lid", "lvalue"};
  spec.right_columns = {5, 2, 3};
  spec.right_names = {"rid", "rvalue", "rreal"};
  return StreamJoin(table->schema_pointer(), spec);
}

TEST(JoinExtremePairs, AppliesOnlyToGroupsOfOneSideAndOneIntegerExtremeOfTheOther) {
  const auto table = testing::join_rows_table({});
  using Extremes = std::vector<std::pair<size_t, bool>>;
  EXPECT_TRUE(make_join(table).keep_only_extreme_pairs({0, 1}, Extremes{{4, true}}));
  EXPECT_TRUE(make_join(table).keep_only_extreme_pairs({3}, Extremes{{2, false}, {5, true}}));
  EXPECT_TRUE(make_join(table).keep_only_extreme_pairs({}, Extremes{{4, true}, {4, true}, {0, false}}));
  EXPECT_TRUE(make_join(table).keep_only_extreme_pairs({1}, Extremes{{1, true}}));
  EXPECT_FALSE(make_join(table).keep_only_extreme_pairs({0, 3}, Extremes{{4, true}}));
  EXPECT_FALSE(make_join(table).keep_only_extreme_pairs({1}, Extremes{{4, true}, {4, false}}));
  EXPECT_FALSE(make_join(table).keep_only_extreme_pairs({1}, Extremes{{4, true}, {3, true}}));
  EXPECT_FALSE(make_join(table).keep_only_extreme_pairs({1}, Extremes{{5, true}}));  // float64
}

// One consume, combine and emit: one pair per left row that has any, the
// first (in the join's order) with the highest right value, NULL losing.
TEST(JoinExtremePairs, AnEmitWritesThePairWithTheExtremeValuePerGroupedRow) {
  std::mt19937_64 random(37);
  size_t all_pairs = 0;
  size_t all_written = 0;
  for (int n = 0; n < 40; ++n) {
    const bool maximum = random() % 2 == 0;
    const std::vector<JoinTestRow> rows = testing::random_join_rows(random, 50 + random() % 300);
    const std::vector<JoinTestPair> pairs = testing::reference_join_pairs(rows);
    std::map<int64_t, size_t> best;  // left id -> pair index
    std::vector<int64_t> order;      // left ids in order of their first pair
    for (size_t i = 0; i < pairs.size(); ++i) {
      const int64_t id = pairs[i].left->id;
      const auto found = best.find(id);
      if (found == best.end()) {
        best[id] = i;
        order.push_back(id);
        continue;
      }
      const std::optional<int64_t>& now = pairs[i].right->value;
      const std::optional<int64_t>& was = pairs[found->second].right->value;
      if (now && (!was || (maximum ? *now > *was : *now < *was))) found->second = i;
    }
    std::vector<size_t> chosen;
    for (const auto& [id, index] : best) chosen.push_back(index);
    std::sort(chosen.begin(), chosen.end());
    std::vector<std::string> expected;
    for (const size_t i : chosen) {
      const JoinTestPair& pair = pairs[i];
      expected.push_back(std::to_string(*pair.left->key) + "," + std::to_string(pair.left->id) + "," +
                         std::to_string(pair.right->id) + "," +
                         (pair.right->value ? std::to_string(*pair.right->value) : "NULL"));
    }
    const auto table = testing::join_rows_table(rows);
    StreamJoin join = make_join(table);
    ASSERT_TRUE(join.keep_only_extreme_pairs({1}, {{4, maximum}}));
    const testing::EmittedPairs emitted = testing::emit_once(join, rows, *table);
    const uint64_t written = emitted.written;
    std::vector<std::string> lines;
    for (const std::vector<std::string>& fields : emitted.rows) {
      // k,lid,lvalue,rid,rvalue,rreal -> k,lid,rid,rvalue
      ASSERT_EQ(fields.size(), 6u);
      lines.push_back(fields[0] + "," + fields[1] + "," + fields[3] + "," + fields[4]);
    }
    ASSERT_EQ(lines, expected) << "case " << n;
    EXPECT_EQ(written, expected.size());
    all_pairs += pairs.size();
    all_written += written;
  }
  EXPECT_LT(all_written, all_pairs / 2);  // most pairs are dropped
}

}  // namespace
}  // namespace weir
