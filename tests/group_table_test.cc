#include "runtime/group_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <tuple>

namespace weir {
namespace {

using Key = std::tuple<std::optional<int64_t>, std::optional<std::string>, std::optional<bool>>;

std::shared_ptr<const Schema> key_schema() {
  return std::make_shared<const Schema>(
      std::vector<Field>{{"i", DataType::Int64}, {"s", DataType::String}, {"b", DataType::Bool}});
}

std::vector<Key> random_keys(std::mt19937_64& random, size_t count, int64_t domain) {
  std::vector<Key> keys;
  for (size_t r = 0; r < count; ++r) {
    Key key;
    if (random() % 10 != 0) std::get<0>(key) = static_cast<int64_t>(random() % domain) - domain / 2;
    if (random() % 10 != 0) std::get<1>(key) = "k" + std::to_string(random() % 7);
    if (random() % 10 != 0) std::get<2>(key) = random() % 2 == 0;
    keys.push_back(key);
  }
  return keys;
}

Batch batch_of(const std::vector<Key>& keys) {
  Batch batch(key_schema());
  for (const Key& key : keys) {
    std::get<0>(key) ? batch.column(0).append_int64(*std::get<0>(key)) : batch.column(0).append_null();
    std::get<1>(key) ? batch.column(1).append_string(*std::get<1>(key)) : batch.column(1).append_null();
    std::get<2>(key) ? batch.column(2).append_bool(*std::get<2>(key)) : batch.column(2).append_null();
  }
  batch.set_num_rows(keys.size());
  return batch;
}

Key key_of(const GroupTable& table, uint32_t group) {
  Column i(DataType::Int64), s(DataType::String), b(DataType::Bool);
  table.append_key(group, 0, i);
  table.append_key(group, 1, s);
  table.append_key(group, 2, b);
  Key key;
  if (i.is_valid(0)) std::get<0>(key) = i.int64_data()[0];
  if (s.is_valid(0)) std::get<1>(key) = std::string(s.string_at(0));
  if (b.is_valid(0)) std::get<2>(key) = b.bool_data()[0] != 0;
  return key;
}

class GroupTableTest : public ::testing::Test {
 protected:
  std::vector<GroupKeyColumn> keys_ = {{0, DataType::Int64}, {1, DataType::String}, {2, DataType::Bool}};
  AggregateStateLayout layout_{std::vector<AggregateSpec>{AggregateSpec{}}};  // count(*)
};

TEST_F(GroupTableTest, SameKeySameGroupAcrossBatchesAndGrowth) {
  std::mt19937_64 random(3);
  GroupTable table(keys_, layout_, nullptr);
  GroupProbeScratch scratch;
  std::map<Key, uint32_t> expected;
  for (int round = 0; round < 20; ++round) {
    const std::vector<Key> keys = random_keys(random, 500, 200);
    Batch batch = batch_of(keys);
    std::vector<uint32_t> rows(keys.size()), groups(keys.size());
    for (uint32_t r = 0; r < rows.size(); ++r) rows[r] = r;
    table.find_or_insert(batch, rows.data(), rows.size(), groups.data(), scratch);
    for (size_t r = 0; r < keys.size(); ++r) {
      auto [it, inserted] = expected.emplace(keys[r], groups[r]);
      EXPECT_EQ(it->second, groups[r]) << "row " << r << " round " << round;
      EXPECT_EQ(key_of(table, groups[r]), keys[r]);
    }
  }
  EXPECT_EQ(table.num_groups(), expected.size());
}

TEST_F(GroupTableTest, MergeFoldsPartialsAndKeyOrderPutsNullsLast) {
  std::mt19937_64 random(5);
  GroupTable left(keys_, layout_, nullptr), right(keys_, layout_, nullptr);
  GroupProbeScratch scratch;
  std::map<Key, int64_t> counts;
  for (GroupTable* table : {&left, &right}) {
    const std::vector<Key> keys = random_keys(random, 3000, 50);
    Batch batch = batch_of(keys);
    std::vector<uint32_t> rows(keys.size()), groups(keys.size());
    for (uint32_t r = 0; r < rows.size(); ++r) rows[r] = r;
    table->find_or_insert(batch, rows.data(), rows.size(), groups.data(), scratch);
    const std::vector<const Column*> inputs = {nullptr};
    layout_.update(inputs, rows.data(), groups.data(), rows.size(), table->blocks(), table->arena());
    for (const Key& key : keys) ++counts[key];
  }
  left.merge_from(right);
  ASSERT_EQ(left.num_groups(), counts.size());
  // std::map orders nullopt first; Weir orders NULLs last: compare with a re-keyed copy.
  auto nulls_last = [](const Key& key) {
    return std::make_tuple(!std::get<0>(key), std::get<0>(key).value_or(0), !std::get<1>(key),
                           std::get<1>(key).value_or(""), !std::get<2>(key), std::get<2>(key).value_or(false));
  };
  std::vector<Key> expected_order;
  for (const auto& [key, count] : counts) expected_order.push_back(key);
  std::sort(expected_order.begin(), expected_order.end(),
            [&](const Key& a, const Key& b) { return nulls_last(a) < nulls_last(b); });
  const std::vector<uint32_t> order = left.groups_in_key_order();
  ASSERT_EQ(order.size(), expected_order.size());
  for (size_t g = 0; g < order.size(); ++g) {
    EXPECT_EQ(key_of(left, order[g]), expected_order[g]);
    Column count(DataType::Int64);
    layout_.finalize(0, left.block(order[g]), count);
    EXPECT_EQ(count.int64_data()[0], counts[expected_order[g]]);
  }
}

TEST_F(GroupTableTest, EmptyStringAndNullAreDifferentGroups) {
  GroupTable table(keys_, layout_, nullptr);
  GroupProbeScratch scratch;
  const std::vector<Key> keys = {{1, "", true}, {1, std::nullopt, true}, {1, "", true}};
  Batch batch = batch_of(keys);
  std::vector<uint32_t> rows = {0, 1, 2}, groups(3);
  table.find_or_insert(batch, rows.data(), 3, groups.data(), scratch);
  EXPECT_EQ(groups[0], groups[2]);
  EXPECT_NE(groups[0], groups[1]);
}

}  // namespace
}  // namespace weir

namespace weir {
namespace {

// One int64 key: the direct-indexing path (and its switches back to the hash
// slots: NULL keys, ranges too wide or too sparse, ranges that grow up and
// down) must give the same groups as a plain map, across merges, and yield
// them in key order with the NULL key last.
// The three ways emission orders a one-int64-key table agree: group ids by
// key (groups_in_key_order), the same with keys (key_order), and, when the
// direct array holds every group, walking it (direct_groups, then the NULL
// group).
void expect_emission_orders_agree(const GroupTable& table) {
  const std::vector<uint32_t> order = table.groups_in_key_order();
  const GroupTable::KeyOrder keyed = table.key_order();
  ASSERT_EQ(keyed.groups, order);
  for (size_t i = 0; i < keyed.keys.size(); ++i) {
    Column key(DataType::Int64);
    table.append_key(keyed.groups[i], 0, key);
    ASSERT_TRUE(key.is_valid(0));
    ASSERT_EQ(key.int64_data()[0], keyed.keys[i]);
  }
  ASSERT_GE(keyed.keys.size() + 1, order.size());
  const size_t entries = table.direct_entries();
  if (entries == 0) return;
  std::vector<uint32_t> groups(entries);
  std::vector<int64_t> keys(entries);
  const size_t found = table.direct_groups(0, entries, groups.data(), keys.data());
  groups.resize(found);
  keys.resize(found);
  if (table.null_key_group() != GroupTable::kNoGroup) groups.push_back(table.null_key_group());
  ASSERT_EQ(groups, order);
  ASSERT_EQ(keys, keyed.keys);
}

TEST(GroupTableDirectIndexing, AnArrayNearInt64MaxDoesNotWrapToInt64Min) {
  // Keys at the top of the range build a direct array; INT64_MIN must not be
  // served at its end (unsigned index arithmetic would wrap, and the walk of
  // the array would emit it last). With a key in between, inserted by
  // hashing (its morsel has a NULL), that key must be emitted too.
  const std::vector<GroupKeyColumn> keys = {{0, DataType::Int64}};
  const AggregateStateLayout layout{std::vector<AggregateSpec>{AggregateSpec{}}};  // count(*)
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"i", DataType::Int64}});
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kTop = 300'000;
  for (const bool with_middle_key : {false, true}) {
    GroupTable table(keys, layout, nullptr);
    GroupProbeScratch scratch;
    auto insert = [&](const std::vector<std::optional<int64_t>>& values) {
      Batch batch(schema);
      for (const auto& value : values) value ? batch.column(0).append_int64(*value) : batch.column(0).append_null();
      batch.set_num_rows(values.size());
      std::vector<uint32_t> rows(values.size()), groups(values.size());
      for (uint32_t r = 0; r < rows.size(); ++r) rows[r] = r;
      table.find_or_insert(batch, rows.data(), rows.size(), groups.data(), scratch);
    };
    for (int64_t first = 0; first < kTop; first += 16'384) {
      std::vector<std::optional<int64_t>> values;
      for (int64_t k = first; k < std::min(first + 16'384, kTop); ++k) values.push_back(kMax - (kTop - 1) + k);
      insert(values);
    }
    insert({kMin});
    if (with_middle_key) insert({0, std::nullopt});
    const GroupTable::KeyOrder order = table.key_order();
    std::vector<int64_t> expected = {kMin};
    if (with_middle_key) expected.push_back(0);
    for (int64_t k = 0; k < kTop; ++k) expected.push_back(kMax - (kTop - 1) + k);
    ASSERT_EQ(order.keys, expected) << "with the middle key: " << with_middle_key;
    ASSERT_EQ(order.groups.size(), expected.size() + (with_middle_key ? 1 : 0));
    expect_emission_orders_agree(table);
  }
}

TEST(GroupTableDirectIndexing, MatchesAReferenceMapUnderRangeChangesNullsAndMerges) {
  std::mt19937_64 random(97);
  const std::vector<GroupKeyColumn> keys = {{0, DataType::Int64}};
  const AggregateStateLayout layout{std::vector<AggregateSpec>{AggregateSpec{}}};  // count(*)
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"i", DataType::Int64}});
  for (int trial = 0; trial < 60; ++trial) {
    GroupTable left(keys, layout, nullptr), right(keys, layout, nullptr);
    std::map<std::optional<int64_t>, int64_t> expected;  // key -> count; nullopt sorts first here
    GroupProbeScratch scratch;
    const int batches = 1 + static_cast<int>(random() % 12);
    for (int b = 0; b < batches; ++b) {
      GroupTable& table = random() % 2 == 0 ? left : right;
      // Each batch picks a regime: dense small, shifted, wide, extreme, NULLs.
      const int regime = static_cast<int>(random() % 6);
      const int64_t base = std::vector<int64_t>{0, -1000, 5'000'000, std::numeric_limits<int64_t>::max() - 100,
                                                std::numeric_limits<int64_t>::min(), 123}[random() % 6];
      Batch batch(schema);
      const size_t rows = 1 + random() % 700;
      // base + offset, or base - offset where adding would pass INT64_MAX.
      auto near_base = [&](uint64_t span) {
        const auto offset = static_cast<int64_t>(random() % span);
        return base > std::numeric_limits<int64_t>::max() - offset ? base - offset : base + offset;
      };
      for (size_t r = 0; r < rows; ++r) {
        std::optional<int64_t> key;
        switch (regime) {
          case 0: key = near_base(50); break;
          case 1: key = near_base(5000); break;
          case 2: key = static_cast<int64_t>(random() % 40'000'000) - 20'000'000; break;
          case 3: key = static_cast<int64_t>(random()); break;
          case 4: if (random() % 4 != 0) key = near_base(30); break;
          default: key = near_base(100'000); break;
        }
        key ? batch.column(0).append_int64(*key) : batch.column(0).append_null();
      }
      batch.set_num_rows(rows);
      // Every row, or (as after a filter) a random subset of them.
      std::vector<uint32_t> selected;
      const bool subset = random() % 2 == 0;
      for (uint32_t r = 0; r < rows; ++r) {
        if (!subset || random() % 3 != 0) {
          selected.push_back(r);
          ++expected[batch.column(0).is_valid(r) ? std::optional<int64_t>(batch.column(0).int64_data()[r])
                                                 : std::nullopt];
        }
      }
      std::vector<uint32_t> groups(selected.size());
      table.find_or_insert(batch, selected.data(), selected.size(), groups.data(), scratch);
      const std::vector<const Column*> no_inputs = {nullptr};
      layout.update(no_inputs, selected.data(), groups.data(), selected.size(), table.blocks(), table.arena());
      for (size_t i = 0; i < selected.size(); ++i) {
        const uint32_t r = selected[i];
        Column out(DataType::Int64);
        table.append_key(groups[i], 0, out);
        if (batch.column(0).is_valid(r)) {
          ASSERT_TRUE(out.is_valid(0));
          ASSERT_EQ(out.int64_data()[0], batch.column(0).int64_data()[r]);
        } else {
          ASSERT_FALSE(out.is_valid(0));
        }
      }
    }
    left.merge_from(right);
    ASSERT_EQ(left.num_groups(), expected.size());
    expect_emission_orders_agree(left);
    std::vector<std::pair<std::optional<int64_t>, int64_t>> actual;
    for (uint32_t group : left.groups_in_key_order()) {
      Column key(DataType::Int64), count(DataType::Int64);
      left.append_key(group, 0, key);
      layout.finalize(0, left.block(group), count);
      actual.emplace_back(key.is_valid(0) ? std::optional<int64_t>(key.int64_data()[0]) : std::nullopt,
                          count.int64_data()[0]);
    }
    std::vector<std::pair<std::optional<int64_t>, int64_t>> wanted(expected.begin(), expected.end());
    if (!wanted.empty() && !wanted.front().first) std::rotate(wanted.begin(), wanted.begin() + 1, wanted.end());
    ASSERT_EQ(actual, wanted) << "trial " << trial;
  }
}

}  // namespace
}  // namespace weir
