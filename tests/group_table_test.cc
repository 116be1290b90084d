#include "runtime/group_table.h"

#include <gtest/gtest.h>

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
