// The parallel merges of group tables against the serial reference.
//
// GroupTable::merge_in_key_order against the serial reference (merge_from
// into one table, then groups_in_key_order): the same groups, keys and
// aggregate results, numbered in key order, for single fixed-width keys
// (dense, sparse, with NULLs) and composite keys with strings; sources that
// are themselves merged tables; tiny key ranges so that many ranges and
// boundaries are exercised; tasks run in a scrambled order and on threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "runtime/aggregate_function.h"
#include "runtime/group_table.h"

namespace weir {
namespace {

struct Shape {
  std::vector<GroupKeyColumn> keys;
  std::shared_ptr<const Schema> schema;  // keys..., v int64, s string, f float64
};

Shape single_key_shape(DataType type) {
  return {{{0, type}},
          std::make_shared<const Schema>(std::vector<Field>{
              {"k", type}, {"v", DataType::Int64}, {"s", DataType::String}, {"f", DataType::Float64}})};
}

Shape composite_shape() {
  return {{{0, DataType::String}, {1, DataType::Int64}, {2, DataType::Bool}},
          std::make_shared<const Schema>(std::vector<Field>{{"a", DataType::String},
                                                            {"b", DataType::Int64},
                                                            {"c", DataType::Bool},
                                                            {"v", DataType::Int64},
                                                            {"s", DataType::String},
                                                            {"f", DataType::Float64}})};
}

std::vector<AggregateSpec> aggregates_for(const Schema& schema) {
  return {parse_aggregate("count(*)", schema), parse_aggregate("sum(v)", schema),
          parse_aggregate("min(s)", schema), parse_aggregate("max(s)", schema), parse_aggregate("max(f)", schema)};
}

// `rows` random rows; key values drawn from [low, low + domain), NULL with
// probability null_percent.
Batch random_batch(const Shape& shape, std::mt19937_64& random, size_t rows, int64_t low, int64_t domain,
                   int null_percent) {
  Batch batch(shape.schema);
  const size_t key_count = shape.keys.size();
  for (size_t r = 0; r < rows; ++r) {
    for (size_t k = 0; k < key_count; ++k) {
      Column& column = batch.column(k);
      if (static_cast<int>(random() % 100) < null_percent) {
        column.append_null();
        continue;
      }
      const int64_t value = low + static_cast<int64_t>(random() % static_cast<uint64_t>(domain));
      switch (shape.keys[k].type) {
        case DataType::String:
          column.append_string("key" + std::to_string(value % 37));
          break;
        case DataType::Bool:
          column.append_bool(value % 2 == 0);
          break;
        default:
          column.append_int64(value);
      }
    }
    batch.column(key_count).append_int64(static_cast<int64_t>(random() % 1000) - 500);
    batch.column(key_count + 1).append_string("s" + std::to_string(random() % 5000));
    batch.column(key_count + 2).append_float64(static_cast<double>(random() % 100000) / 7.0);
  }
  batch.set_num_rows(rows);
  return batch;
}

void fill(GroupTable& table, const AggregateStateLayout& layout, const Batch& batch, size_t key_count) {
  std::vector<uint32_t> rows(batch.num_rows()), groups(batch.num_rows());
  for (uint32_t r = 0; r < rows.size(); ++r) rows[r] = r;
  GroupProbeScratch scratch;
  table.find_or_insert(batch, rows.data(), rows.size(), groups.data(), scratch);
  const std::vector<const Column*> inputs = {nullptr, &batch.column(key_count), &batch.column(key_count + 1),
                                             &batch.column(key_count + 1), &batch.column(key_count + 2)};
  layout.update(inputs, rows.data(), groups.data(), rows.size(), table.blocks(), table.arena());
}

std::string value_text(const Column& column) {
  if (!column.is_valid(0)) return "NULL";
  switch (column.type()) {
    case DataType::String:
      return "'" + std::string(column.string_at(0)) + "'";
    case DataType::Bool:
      return column.bool_data()[0] != 0 ? "true" : "false";
    case DataType::Float64: {
      char text[64];
      std::snprintf(text, sizeof text, "%.17g", column.float64_data()[0]);
      return text;
    }
    default:
      return std::to_string(column.int64_data()[0]);
  }
}

// The table's groups in the given order as one row of text each.
std::vector<std::string> render(const GroupTable& table, const std::vector<uint32_t>& order, const Shape& shape,
                                const AggregateStateLayout& layout) {
  std::vector<std::string> lines;
  for (uint32_t group : order) {
    std::string line;
    for (size_t k = 0; k < shape.keys.size(); ++k) {
      Column column(shape.keys[k].type);
      table.append_key(group, k, column);
      line += value_text(column);
      line += '|';
    }
    for (size_t a = 0; a < layout.specs().size(); ++a) {
      Column column(layout.specs()[a].output_type());
      layout.finalize(a, table.block(group), column);
      line += value_text(column);
      line += '|';
    }
    lines.push_back(line);
  }
  return lines;
}

// Runs the indexes in reverse, or each on its own thread.
ParallelFor scrambled() {
  return [](size_t count, const std::function<void(size_t)>& body) {
    for (size_t i = count; i-- > 0;) body(i);
  };
}
ParallelFor threaded() {
  return [](size_t count, const std::function<void(size_t)>& body) {
    std::vector<std::thread> threads;
    for (size_t i = 0; i < count; ++i) threads.emplace_back([&body, i] { body(i); });
    for (std::thread& thread : threads) thread.join();
  };
}

struct Case {
  const char* name;
  Shape shape;
  int64_t low;
  int64_t domain;
  int null_percent;
};

TEST(GroupTableOrderedMerge, EqualsTheSerialMergeInKeyOrder) {
  const std::vector<Case> cases = {
      {"dense int64", single_key_shape(DataType::Int64), -300, 2000, 0},
      {"dense int64 with NULLs", single_key_shape(DataType::Int64), 5, 800, 3},
      {"sparse timestamps", single_key_shape(DataType::Timestamp), -(int64_t{1} << 40), int64_t{1} << 41, 0},
      {"near the int64 limits", single_key_shape(DataType::Int64), INT64_MAX - 1500, 1500, 2},
      {"bool", single_key_shape(DataType::Bool), 0, 2, 20},
      {"composite with strings", composite_shape(), -40, 80, 8},
  };
  std::mt19937_64 random(17);
  for (const Case& c : cases) {
    for (size_t source_count : {1, 2, 3, 5}) {
      for (size_t keys_per_range : {1, 7, 64, 100000}) {
        SCOPED_TRACE(std::string(c.name) + " sources=" + std::to_string(source_count) +
                     " keys_per_range=" + std::to_string(keys_per_range));
        const AggregateStateLayout layout(aggregates_for(*c.shape.schema));
        const size_t key_count = c.shape.keys.size();
        GroupTable reference(c.shape.keys, layout, nullptr);
        std::vector<std::unique_ptr<GroupTable>> sources;
        for (size_t s = 0; s < source_count; ++s) {
          // Sources overlap partly: each draws from a shifted part of the domain.
          const int64_t shift = c.domain > 4 ? static_cast<int64_t>(s) * (c.domain / 4) : 0;
          const int64_t low = c.low > INT64_MAX - 2 * c.domain ? c.low - shift : c.low + shift;
          const Batch batch = random_batch(c.shape, random, 300 + random() % 900, low, c.domain, c.null_percent);
          auto table = std::make_unique<GroupTable>(c.shape.keys, layout, nullptr);
          fill(*table, layout, batch, key_count);
          fill(reference, layout, batch, key_count);
          sources.push_back(std::move(table));
        }
        std::unique_ptr<GroupTable> merged = GroupTable::merge_in_key_order(
            std::move(sources), keys_per_range % 2 == 0 ? threaded() : scrambled(), nullptr, keys_per_range);
        const std::vector<std::string> expected = render(reference, reference.groups_in_key_order(), c.shape, layout);
        std::vector<uint32_t> identity(merged->num_groups());
        for (uint32_t g = 0; g < identity.size(); ++g) identity[g] = g;
        ASSERT_EQ(render(*merged, identity, c.shape, layout), expected);
        ASSERT_EQ(merged->groups_in_key_order(), identity);

        // The merged table is a full table: merge it again with a fresh
        // partial (as the next epoch would), and insert into it directly.
        const Batch more = random_batch(c.shape, random, 500, c.low, c.domain, c.null_percent);
        auto partial = std::make_unique<GroupTable>(c.shape.keys, layout, nullptr);
        fill(*partial, layout, more, key_count);
        fill(reference, layout, more, key_count);
        std::vector<std::unique_ptr<GroupTable>> again;
        again.push_back(std::move(merged));
        again.push_back(std::move(partial));
        merged = GroupTable::merge_in_key_order(std::move(again), scrambled(), nullptr, keys_per_range);
        const Batch last = random_batch(c.shape, random, 400, c.low, c.domain, c.null_percent);
        fill(*merged, layout, last, key_count);
        fill(reference, layout, last, key_count);
        ASSERT_EQ(render(*merged, merged->groups_in_key_order(), c.shape, layout),
                  render(reference, reference.groups_in_key_order(), c.shape, layout));
      }
    }
  }
}

// GroupTable::merge_direct_in_parallel against merge_from: tables with one
// dense int64 key (direct indexing), overlapping and disjoint ranges, a
// target whose direct array must grow, NULL keys, and merged tables merged
// again.
TEST(GroupTableDirectMerge, EqualsTheSerialMerge) {
  std::mt19937_64 random(23);
  const Shape shape = single_key_shape(DataType::Int64);
  const AggregateStateLayout layout(aggregates_for(*shape.schema));
  int applied = 0;
  for (int round = 0; round < 30; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const int64_t domain = std::vector<int64_t>{50, 3000, 40000}[round % 3];
    const int null_percent = round % 4 == 0 ? 2 : 0;
    const size_t rows = 200 + random() % 8000;
    GroupTable reference(shape.keys, layout, nullptr);
    GroupTable target(shape.keys, layout, nullptr);
    const Batch first = random_batch(shape, random, rows, -500, domain, null_percent);
    fill(target, layout, first, 1);
    fill(reference, layout, first, 1);
    for (int partial = 0; partial < 3; ++partial) {
      const int64_t shift = static_cast<int64_t>(random() % static_cast<uint64_t>(2 * domain)) - domain / 2;
      const Batch batch = random_batch(shape, random, 100 + random() % 8000, -500 + shift, domain, null_percent);
      GroupTable source(shape.keys, layout, nullptr);
      fill(source, layout, batch, 1);
      fill(reference, layout, batch, 1);
      if (target.merge_direct_in_parallel(source, partial % 2 == 0 ? threaded() : scrambled())) {
        ++applied;
      } else {
        target.merge_from(source);
      }
      ASSERT_EQ(render(target, target.groups_in_key_order(), shape, layout),
                render(reference, reference.groups_in_key_order(), shape, layout));
    }
    // The merged table keeps working as a table.
    const Batch last = random_batch(shape, random, 300, -500, domain, null_percent);
    fill(target, layout, last, 1);
    fill(reference, layout, last, 1);
    ASSERT_EQ(render(target, target.groups_in_key_order(), shape, layout),
              render(reference, reference.groups_in_key_order(), shape, layout));
  }
  EXPECT_GT(applied, 30);  // the parallel path, not the fallback, did most merges
}

// The same with sources of several chunks of groups (64K groups each),
// merged by concurrent tasks, some keys new to the target.
TEST(GroupTableDirectMerge, ManyChunksEqualTheSerialMerge) {
  std::mt19937_64 random(29);
  const Shape shape = single_key_shape(DataType::Int64);
  const AggregateStateLayout layout(aggregates_for(*shape.schema));
  const int64_t domain = 200000;
  GroupTable reference(shape.keys, layout, nullptr);
  GroupTable target(shape.keys, layout, nullptr);
  const Batch first = random_batch(shape, random, 250000, 0, domain, 0);
  fill(target, layout, first, 1);
  fill(reference, layout, first, 1);
  for (int partial = 0; partial < 2; ++partial) {
    const Batch batch = random_batch(shape, random, 250000, 20000 * partial, domain, 0);
    GroupTable source(shape.keys, layout, nullptr);
    fill(source, layout, batch, 1);
    fill(reference, layout, batch, 1);
    ASSERT_GT(source.num_groups(), size_t{2} * 64 * 1024);  // three chunks or more
    ASSERT_TRUE(target.merge_direct_in_parallel(source, partial == 0 ? threaded() : scrambled()));
    ASSERT_EQ(render(target, target.groups_in_key_order(), shape, layout),
              render(reference, reference.groups_in_key_order(), shape, layout));
  }
}

}  // namespace
}  // namespace weir
