#include "runtime/group_table.h"

#include <algorithm>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/errors.h"

// GroupTable's emission order: groups by key (each key column ascending,
// NULLs last), with or without their keys, or by walking the direct array.

namespace weir {

int GroupTable::compare_keys(const GroupTable& x, uint32_t a, const GroupTable& y, uint32_t b) {
  const size_t key_count = x.keys_.size();
  const size_t string_count = x.string_key_indices_.size();
  const uint64_t* wa = x.key_words_of(a);
  const uint64_t* wb = y.key_words_of(b);
  const uint64_t nulls_a = wa[key_count];
  const uint64_t nulls_b = wb[key_count];
  size_t string_index = 0;
  for (size_t k = 0; k < key_count; ++k) {
    const uint64_t bit = uint64_t{1} << k;
    const bool is_string = x.keys_[k].type == DataType::String;
    const size_t s = string_index;
    if (is_string) ++string_index;
    if ((nulls_a & bit) != (nulls_b & bit)) return (nulls_a & bit) != 0 ? 1 : -1;  // NULLs last
    if ((nulls_a & bit) != 0) continue;
    if (is_string) {
      const std::string_view left = x.strings_[size_t{a} * string_count + s];
      const std::string_view right = y.strings_[size_t{b} * string_count + s];
      if (left != right) return left < right ? -1 : 1;
    } else if (wa[k] != wb[k]) {
      return static_cast<int64_t>(wa[k]) < static_cast<int64_t>(wb[k]) ? -1 : 1;
    }
  }
  return 0;
}

void GroupTable::sorted_single_keys(std::vector<int64_t>& keys, std::vector<uint32_t>& groups) const {
  keys.clear();
  groups.clear();
  keys.reserve(num_groups_);
  groups.reserve(num_groups_);
  const uint32_t null_group = null_group_;
  const bool has_null = null_group_ != kNoGroup;
  const size_t non_null = num_groups_ - (has_null ? 1 : 0);
  if (key_ordered_) {
    for (uint32_t g = 0; g < num_groups_; ++g) {
      if (has_null && g == null_group) continue;
      keys.push_back(static_cast<int64_t>(key_words_of(g)[0]));
      groups.push_back(g);
    }
  } else if (!direct_.empty()) {
    // The direct array is in key order already: walk it (when it holds every
    // non-NULL group).
    const uint64_t base = static_cast<uint64_t>(direct_base_);
    for (size_t index = 0; index < direct_.size(); ++index) {
      if (direct_[index] != 0) {
        keys.push_back(static_cast<int64_t>(base + index));
        groups.push_back(direct_[index] - 1);
      }
    }
  }
  if (keys.size() != non_null) {
    // Sort contiguous (key, group) pairs rather than group ids through an
    // indirection: far fewer cache misses for large tables.
    std::vector<std::pair<int64_t, uint32_t>> pairs;
    pairs.reserve(non_null);
    for (uint32_t g = 0; g < num_groups_; ++g) {
      const uint64_t* words = key_words_of(g);
      if (words[1] == 0) pairs.emplace_back(static_cast<int64_t>(words[0]), g);
    }
    std::sort(pairs.begin(), pairs.end());
    keys.clear();
    groups.clear();
    for (const auto& pair : pairs) {
      keys.push_back(pair.first);
      groups.push_back(pair.second);
    }
  }
  if (has_null) groups.push_back(null_group);
}

GroupTable::KeyOrder GroupTable::key_order() const {
  KeyOrder order;
  if (keys_.size() == 1 && (keys_[0].type == DataType::Int64 || keys_[0].type == DataType::Timestamp)) {
    sorted_single_keys(order.keys, order.groups);
  } else {
    order.groups = groups_in_key_order();
  }
  return order;
}

size_t GroupTable::direct_entries() const {
  if (direct_.empty() || keys_.size() != 1 || !direct_range_known_) return 0;
  if (keys_[0].type != DataType::Int64 && keys_[0].type != DataType::Timestamp) return 0;
  // Every non-NULL key inserted lies in [direct_low_, direct_high_], and
  // every inserted key inside the array has its entry.
  // (An array that wrapped past INT64_MAX would not be in key order.)
  const __int128 low = direct_base_;
  const __int128 high = low + static_cast<__int128>(direct_.size()) - 1;
  if (high > std::numeric_limits<int64_t>::max() || direct_low_ < low || direct_high_ > high) return 0;
  return direct_.size();
}

size_t GroupTable::direct_groups(size_t begin, size_t end, uint32_t* groups, int64_t* keys) const {
  WEIR_CHECK(begin <= end && end <= direct_.size());
  const uint64_t base = static_cast<uint64_t>(direct_base_);
  size_t found = 0;
  for (size_t index = begin; index < end; ++index) {
    const uint32_t entry = direct_[index];
    groups[found] = entry - 1;
    keys[found] = static_cast<int64_t>(base + index);
    found += entry != 0 ? 1 : 0;
  }
  return found;
}

std::vector<uint32_t> GroupTable::groups_in_key_order() const {
  std::vector<uint32_t> order;
  if (keys_.empty() || key_ordered_) {
    order.resize(num_groups_);
    for (uint32_t g = 0; g < num_groups_; ++g) order[g] = g;
    return order;
  }
  if (keys_.size() == 1 && keys_[0].type != DataType::String) {
    std::vector<int64_t> keys;
    sorted_single_keys(keys, order);
    return order;
  }
  order.resize(num_groups_);
  const auto before = [&](uint32_t a, uint32_t b) { return compare_keys(*this, a, *this, b) < 0; };
  if (keys_[0].type == DataType::String) {
    for (uint32_t g = 0; g < num_groups_; ++g) order[g] = g;
    std::sort(order.begin(), order.end(), before);
    return order;
  }
  // The first key decides most comparisons: sort contiguous (first key,
  // group) entries, then each run of equal first keys by the whole key.
  // Far fewer cache misses than comparing group ids through key_words_
  // (the final emit of a large table sorts millions of groups).
  struct Entry {
    uint64_t is_null;  // NULLs last
    int64_t value;
    uint32_t group;
  };
  std::vector<Entry> entries(num_groups_);
  for (uint32_t g = 0; g < num_groups_; ++g) {
    const uint64_t* words = key_words_of(g);
    entries[g] = {words[keys_.size()] & 1, static_cast<int64_t>(words[0]), g};
  }
  const auto first_key_before = [](const Entry& a, const Entry& b) {
    return a.is_null != b.is_null ? a.is_null < b.is_null : a.value < b.value;
  };
  if (!std::is_sorted(entries.begin(), entries.end(), first_key_before)) {
    std::sort(entries.begin(), entries.end(), first_key_before);
  }
  for (size_t i = 0; i < entries.size(); ++i) order[i] = entries[i].group;
  for (size_t begin = 0; begin < entries.size();) {
    size_t end = begin + 1;
    while (end < entries.size() && !first_key_before(entries[begin], entries[end])) ++end;
    if (end - begin > 1) {
      std::sort(order.begin() + static_cast<std::ptrdiff_t>(begin), order.begin() + static_cast<std::ptrdiff_t>(end),
                before);
    }
    begin = end;
  }
  return order;
}

GroupTable::KeyOrder GroupTable::changed_key_order() const {
  KeyOrder order = key_order();
  if (!tracks_changes_) return order;
  // Keyed groups are a prefix of the order, so the kept ones are a prefix of
  // the kept groups.
  const size_t keyed = order.keys.size();
  size_t kept = 0;
  size_t kept_keyed = 0;
  for (size_t i = 0; i < order.groups.size(); ++i) {
    const uint32_t group = order.groups[i];
    if (changed_[group] == 0) continue;
    if (i < keyed) order.keys[kept_keyed++] = order.keys[i];
    order.groups[kept++] = group;
  }
  order.groups.resize(kept);
  order.keys.resize(kept_keyed);
  return order;
}

}  // namespace weir
