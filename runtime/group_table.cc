#include "runtime/group_table.h"

#include <algorithm>
#include <cstring>
#include <bit>
#include <functional>
#include <limits>

#include "kernels/key_hash.h"
#include "runtime/errors.h"

namespace weir {
namespace {

uint64_t hash_string(std::string_view text) { return std::hash<std::string_view>{}(text); }

constexpr size_t kInitialSlots = 256;

}  // namespace

GroupTable::GroupTable(const std::vector<GroupKeyColumn>& keys, const AggregateStateLayout& layout,
                       MemoryTracker* tracker)
    : keys_(keys), layout_(layout), tracker_(tracker), slots_(kInitialSlots, 0), slot_mask_(kInitialSlots - 1),
      blocks_(tracker), arena_(tracker, 16 * 1024) {
  for (size_t k = 0; k < keys_.size(); ++k) {
    if (keys_[k].type == DataType::String) string_key_indices_.push_back(k);
  }
  direct_eligible_ = keys_.size() == 1 && keys_[0].type != DataType::String;
}

void GroupTable::find_or_insert(const Batch& batch, const uint32_t* rows, size_t count, uint32_t* group_ids,
                                GroupProbeScratch& scratch) {
  rows_seen_ += count;
  if (direct_eligible_ && find_or_insert_direct(batch, rows, count, group_ids, scratch)) return;
  const size_t width = words_per_key();
  scratch.key_words.resize(count * width);
  scratch.hashes.resize(count);
  uint64_t* words = scratch.key_words.data();
  const size_t mask_word = keys_.size();

  // Encode keys column-at-a-time into row-major words.
  for (size_t i = 0; i < count; ++i) words[i * width + mask_word] = 0;
  for (size_t k = 0; k < keys_.size(); ++k) {
    const Column& column = batch.column(keys_[k].input_column);
    const bool nullable = column.has_nulls();
    switch (keys_[k].type) {
      case DataType::Int64:
      case DataType::Timestamp: {
        const int64_t* values = column.int64_data();
        for (size_t i = 0; i < count; ++i) words[i * width + k] = static_cast<uint64_t>(values[rows[i]]);
        break;
      }
      case DataType::Bool: {
        const uint8_t* values = column.bool_data();
        for (size_t i = 0; i < count; ++i) words[i * width + k] = values[rows[i]];
        break;
      }
      case DataType::String:
        for (size_t i = 0; i < count; ++i) words[i * width + k] = hash_string(column.string_at(rows[i]));
        break;
      case DataType::Float64:
        throw InternalError("float64 group keys are not supported");
    }
    if (nullable) {
      for (size_t i = 0; i < count; ++i) {
        if (!column.is_valid(rows[i])) {
          words[i * width + k] = 0;
          words[i * width + mask_word] |= uint64_t{1} << k;
        }
      }
    }
  }
  kernels::HashKeyWords(words, count, width, scratch.hashes.data());

  // Probe row i while the slot of row i + kPrefetchDistance is being fetched.
  constexpr size_t kPrefetchDistance = 16;
  for (size_t i = 0; i < count; ++i) {
    if (i + kPrefetchDistance < count) {
      __builtin_prefetch(&slots_[scratch.hashes[i + kPrefetchDistance] & slot_mask_]);
    }
    group_ids[i] = find_or_insert_one(scratch.hashes[i], words + i * width, &batch, rows[i], nullptr);
  }
}

uint32_t GroupTable::find_or_insert_one(uint64_t hash, const uint64_t* words, const Batch* batch, uint32_t row,
                                        const std::string_view* strings) {
  if (!slots_complete_) rebuild_slots();
  const uint64_t tag = hash & 0xFFFFFFFF00000000ULL;
  size_t slot = hash & slot_mask_;
  while (true) {
    const uint64_t entry = slots_[slot];
    if (entry == 0) return insert_group(hash, words, batch, row, strings, slot);
    if ((entry & 0xFFFFFFFF00000000ULL) == tag) {
      const auto group = static_cast<uint32_t>((entry & 0xFFFFFFFFULL) - 1);
      if (same_key(group, words, batch, row, strings)) return group;
    }
    slot = (slot + 1) & slot_mask_;
  }
}

bool GroupTable::find_or_insert_direct(const Batch& batch, const uint32_t* rows, size_t count,
                                       uint32_t* group_ids, GroupProbeScratch& scratch) {
  const Column& column = batch.column(keys_[0].input_column);
  if (column.has_nulls() || count == 0) return false;
  // Once the array exists, most calls find every key inside it: probe in one
  // pass (no gathered key array, no range scan) until a key falls outside.
  size_t done = 0;
  if (keys_[0].type != DataType::Bool && !direct_.empty()) {
    done = direct_.size() > (uint64_t{1} << 16)
               ? probe_direct_in_range<true>(batch, column.int64_data(), rows, count, group_ids)
               : probe_direct_in_range<false>(batch, column.int64_data(), rows, count, group_ids);
    if (done == count) return true;
    rows += done;
    group_ids += done;
    count -= done;
  }
  scratch.key_words.resize(count);
  auto* keys = reinterpret_cast<int64_t*>(scratch.key_words.data());
  if (keys_[0].type == DataType::Bool) {
    const uint8_t* values = column.bool_data();
    for (size_t i = 0; i < count; ++i) keys[i] = values[rows[i]];
  } else {
    const int64_t* values = column.int64_data();
    for (size_t i = 0; i < count; ++i) keys[i] = values[rows[i]];
  }
  int64_t low = keys[0], high = keys[0];
  for (size_t i = 1; i < count; ++i) {
    low = std::min(low, keys[i]);
    high = std::max(high, keys[i]);
  }
  if (!direct_covers(low, high, count)) {
    // The rows before `done` already have their groups; the hash path finds
    // them again (the same groups) with the rest.
    return false;
  }
  uint32_t* direct = direct_.data();
  const uint64_t base = static_cast<uint64_t>(direct_base_);
  for (size_t i = 0; i < count; ++i) {
    const uint64_t index = static_cast<uint64_t>(keys[i]) - base;
    const uint32_t entry = direct[index];
    if (entry != 0) {
      group_ids[i] = entry - 1;
      continue;
    }
    group_ids[i] = insert_direct_key(keys[i], batch, rows[i]);
  }
  return true;
}

uint32_t GroupTable::insert_direct_key(int64_t key, const Batch& batch, uint32_t row) {
  // Every group whose key the array covers has its entry: the key is new.
  // While direct indexing serves the table, the hash slots are not kept
  // (no random slot write per new group); rebuild_slots() restores them.
  const uint64_t words[2] = {static_cast<uint64_t>(key), 0};
  return insert_group(kernels::HashKeyWordsOne(words, 2), words, &batch, row, nullptr, kNoSlot);
}

template <bool Prefetch>
size_t GroupTable::probe_direct_in_range(const Batch& batch, const int64_t* values, const uint32_t* rows,
                                         size_t count, uint32_t* group_ids) {
  const uint32_t* direct = direct_.data();
  const uint64_t base = static_cast<uint64_t>(direct_base_);
  const uint64_t size = direct_.size();
  // Large key ranges make the direct array and the state blocks random
  // accesses: fetch the entry of row i + 48 and the block of row i + 24 ahead
  // (closer distances measured slower: the entry read for the block prefetch
  // then waits for its own miss).
  const size_t block_bytes = layout_.block_bytes();
  for (size_t i = 0; i < count; ++i) {
    if constexpr (Prefetch) {
      if (i + 48 < count) {
        const uint64_t ahead = static_cast<uint64_t>(values[rows[i + 48]]) - base;
        if (ahead < size) __builtin_prefetch(&direct[ahead]);
      }
      if (i + 24 < count) {
        const uint64_t ahead = static_cast<uint64_t>(values[rows[i + 24]]) - base;
        const uint32_t entry = ahead < size ? direct[ahead] : 0;
        if (entry != 0) __builtin_prefetch(blocks_.data() + size_t{entry - 1} * block_bytes);
      }
    }
    const int64_t key = values[rows[i]];
    const uint64_t index = static_cast<uint64_t>(key) - base;
    if (index >= size) return i;
    const uint32_t entry = direct[index];
    // insert_group() writes the new key's entry (the array stays where it is).
    group_ids[i] = entry != 0 ? entry - 1 : insert_direct_key(key, batch, rows[i]);
  }
  return count;
}

void GroupTable::limit_direct_span(uint64_t span) {
  WEIR_CHECK(num_groups_ == 0);  // no direct array built under the old limit
  max_direct_span_ = std::min(max_direct_span_, span);
}

bool GroupTable::direct_covers(int64_t low, int64_t high, size_t incoming_rows) {
  const __int128 base = direct_base_;
  const __int128 top = base + static_cast<__int128>(direct_.size()) - 1;
  if (!direct_.empty() && low >= base && high <= top) return true;
  // The range the array must cover: this call's keys and every key seen
  // (not the array's spare capacity).
  const __int128 new_low = direct_range_known_ ? std::min(low, direct_low_) : low;
  const __int128 new_high = direct_range_known_ ? std::max(high, direct_high_) : high;
  const __int128 span = new_high - new_low + 1;
  if (span > static_cast<__int128>(max_direct_span_)) {
    // Keys this far apart will never fit: stop trying.
    direct_eligible_ = false;
    LargeVector<uint32_t>().swap(direct_);
    return false;
  }
  // Worth it only when the array is not much larger than the data: wait
  // until enough rows were seen (the hash slots serve them meanwhile).
  const uint64_t rows = rows_seen_ + incoming_rows;
  if (span > (__int128{1} << 16) && span > static_cast<__int128>(64 * rows)) return false;
  // Room to grow upwards (keys such as ids or times often increase), but
  // never past INT64_MAX: index arithmetic is unsigned, and an array that
  // reached past it would wrap around to INT64_MIN, serving the smallest keys
  // at its end, out of key order. Near the top the array starts lower.
  const uint64_t capacity = std::bit_ceil(static_cast<uint64_t>(span));
  const __int128 top_key = std::numeric_limits<int64_t>::max();
  const __int128 new_base = std::min(new_low, top_key - static_cast<__int128>(capacity) + 1);
  rebuild_direct(static_cast<int64_t>(new_base), capacity);
  direct_low_ = static_cast<int64_t>(new_low);
  direct_high_ = static_cast<int64_t>(new_high);
  direct_range_known_ = true;
  return true;
}

void GroupTable::rebuild_direct(int64_t base, uint64_t span) {
  LargeVector<uint32_t> fresh(static_cast<size_t>(span), 0);
  for (uint32_t group = 0; group < num_groups_; ++group) {
    const uint64_t* words = key_words_of(group);
    if (words[1] != 0) continue;  // the NULL key lives in the hash slots only
    const uint64_t index = words[0] - static_cast<uint64_t>(base);
    if (index < span) fresh[index] = group + 1;
  }
  direct_.swap(fresh);
  direct_base_ = base;
  // At most `span` groups can exist while direct indexing serves the table:
  // reserve room for all of them once. Untouched capacity is only address
  // space (pages are faulted in when first written), and the group vectors
  // never double and copy again, which on large tables cost more than the
  // aggregation itself (page faults on every doubling).
  // (Bounded, so that sparse key ranges do not reserve gigabytes.)
  constexpr size_t kMaxReservedBytes = size_t{4} << 30;
  const size_t groups = static_cast<size_t>(span);
  if (groups * (words_per_key() * sizeof(uint64_t) + sizeof(uint64_t) + layout_.block_bytes()) <= kMaxReservedBytes) {
    key_words_.reserve(groups * words_per_key());
    group_hashes_.reserve(groups);
    blocks_.reserve(groups * layout_.block_bytes());
  }
}

bool GroupTable::same_key(uint32_t group, const uint64_t* words, const Batch* batch, uint32_t row,
                          const std::string_view* strings) const {
  const uint64_t* stored = key_words_of(group);
  for (size_t w = 0; w < words_per_key(); ++w) {
    if (stored[w] != words[w]) return false;
  }
  const uint64_t null_mask = words[keys_.size()];
  for (size_t s = 0; s < string_key_indices_.size(); ++s) {
    const size_t k = string_key_indices_[s];
    if ((null_mask >> k) & 1) continue;
    const std::string_view candidate =
        strings != nullptr ? strings[s] : batch->column(keys_[k].input_column).string_at(row);
    if (strings_[size_t{group} * string_key_indices_.size() + s] != candidate) return false;
  }
  return true;
}

uint32_t GroupTable::insert_group(uint64_t hash, const uint64_t* words, const Batch* batch, uint32_t row,
                                  const std::string_view* strings, size_t slot) {
  WEIR_CHECK(num_groups_ < 0xFFFFFFFEULL);
  const auto group = static_cast<uint32_t>(num_groups_++);
  key_ordered_ = false;
  if (tracks_changes_) changed_.push_back(1);
  if (keys_.size() == 1 && words[1] != 0) null_group_ = group;
  key_words_.insert(key_words_.end(), words, words + words_per_key());
  group_hashes_.push_back(hash);
  if (direct_eligible_ && words[1] == 0) {
    const auto key = static_cast<int64_t>(words[0]);
    direct_low_ = direct_range_known_ ? std::min(direct_low_, key) : key;
    direct_high_ = direct_range_known_ ? std::max(direct_high_, key) : key;
    direct_range_known_ = true;
  }
  const uint64_t null_mask = words[keys_.size()];
  for (size_t s = 0; s < string_key_indices_.size(); ++s) {
    const size_t k = string_key_indices_[s];
    if ((null_mask >> k) & 1) {
      strings_.emplace_back();
      continue;
    }
    const std::string_view value =
        strings != nullptr ? strings[s] : batch->column(keys_[k].input_column).string_at(row);
    strings_.push_back(arena_.copy(value));
  }
  blocks_.resize(num_groups_ * layout_.block_bytes());
  layout_.initialize(blocks_.data() + size_t{group} * layout_.block_bytes());
  if (!direct_.empty() && null_mask == 0) {
    // Keep the direct array complete: every covered key has its entry.
    const uint64_t index = words[0] - static_cast<uint64_t>(direct_base_);
    if (index < direct_.size()) direct_[index] = group + 1;
  }
  if (slot == kNoSlot) {
    slots_complete_ = false;
  } else {
    slots_[slot] = (hash & 0xFFFFFFFF00000000ULL) | (uint64_t{group} + 1);
    if (num_groups_ * 2 > slots_.size()) grow();
  }
  return group;
}

void GroupTable::rebuild_slots() {
  size_t size = kInitialSlots;
  while (size < num_groups_ * 2 + 2) size *= 2;
  LargeVector<uint64_t>(size, 0).swap(slots_);
  slot_mask_ = size - 1;
  for (uint32_t group = 0; group < num_groups_; ++group) {
    const uint64_t hash = group_hashes_[group];
    size_t slot = hash & slot_mask_;
    while (slots_[slot] != 0) slot = (slot + 1) & slot_mask_;
    slots_[slot] = (hash & 0xFFFFFFFF00000000ULL) | (uint64_t{group} + 1);
  }
  slots_complete_ = true;
}

void GroupTable::grow() {
  LargeVector<uint64_t> fresh(slots_.size() * 2, 0);
  const uint64_t mask = fresh.size() - 1;
  for (uint32_t group = 0; group < num_groups_; ++group) {
    const uint64_t hash = group_hashes_[group];
    size_t slot = hash & mask;
    while (fresh[slot] != 0) slot = (slot + 1) & mask;
    fresh[slot] = (hash & 0xFFFFFFFF00000000ULL) | (uint64_t{group} + 1);
  }
  slots_.swap(fresh);
  slot_mask_ = mask;
}

void GroupTable::merge_from(const GroupTable& other) {
  const size_t string_count = string_key_indices_.size();
  const size_t block_bytes = layout_.block_bytes();
  constexpr size_t kPrefetchDistance = 8;
  const bool direct_prefetch = !direct_.empty() && direct_.size() > (uint64_t{1} << 16);
  for (uint32_t source_group = 0; source_group < other.num_groups_; ++source_group) {
    if (source_group + kPrefetchDistance < other.num_groups_) {
      if (slots_complete_) {
        __builtin_prefetch(&slots_[other.group_hashes_[source_group + kPrefetchDistance] & slot_mask_]);
      }
      __builtin_prefetch(other.block(source_group + kPrefetchDistance));
    }
    if (direct_prefetch && source_group + 2 * kPrefetchDistance < other.num_groups_) {
      const uint64_t* ahead_words = other.key_words_of(source_group + 2 * kPrefetchDistance);
      const uint64_t index = ahead_words[0] - static_cast<uint64_t>(direct_base_);
      if (index < direct_.size()) __builtin_prefetch(&direct_[index]);
    }
    if (direct_prefetch && source_group + kPrefetchDistance < other.num_groups_) {
      const uint64_t* ahead_words = other.key_words_of(source_group + kPrefetchDistance);
      const uint64_t index = ahead_words[0] - static_cast<uint64_t>(direct_base_);
      if (index < direct_.size() && direct_[index] != 0) {
        __builtin_prefetch(blocks_.data() + size_t{direct_[index] - 1} * block_bytes);
      }
    }
    const uint64_t hash = other.group_hashes_[source_group];
    const uint64_t* words = other.key_words_of(source_group);
    const std::string_view* strings =
        string_count > 0 ? other.strings_.data() + size_t{source_group} * string_count : nullptr;
    uint32_t target_group = 0;
    uint32_t* direct_entry = nullptr;
    if (!direct_.empty() && words[1] == 0) {
      const uint64_t index = words[0] - static_cast<uint64_t>(direct_base_);
      if (index < direct_.size()) direct_entry = &direct_[index];
    }
    if (direct_entry != nullptr) {
      // Covered by the (complete) direct array: found, or new.
      target_group = *direct_entry != 0 ? *direct_entry - 1 : insert_group(hash, words, nullptr, 0, strings, kNoSlot);
    } else {
      target_group = find_or_insert_one(hash, words, nullptr, 0, strings);
    }
    layout_.merge(blocks_.data() + size_t{target_group} * block_bytes, other.block(source_group), arena_);
    if (tracks_changes_) changed_[target_group] = 1;
  }
}

void GroupTable::map_groups_from(const GroupTable& other, std::vector<uint32_t>& mapping) {
  const size_t string_count = string_key_indices_.size();
  mapping.resize(other.num_groups_);
  for (uint32_t source_group = 0; source_group < other.num_groups_; ++source_group) {
    const uint64_t hash = other.group_hashes_[source_group];
    const uint64_t* words = other.key_words_of(source_group);
    const std::string_view* strings =
        string_count > 0 ? other.strings_.data() + size_t{source_group} * string_count : nullptr;
    uint32_t* direct_entry = nullptr;
    if (!direct_.empty() && words[1] == 0 && keys_.size() == 1) {
      const uint64_t index = words[0] - static_cast<uint64_t>(direct_base_);
      if (index < direct_.size()) direct_entry = &direct_[index];
    }
    if (direct_entry != nullptr) {
      mapping[source_group] =
          *direct_entry != 0 ? *direct_entry - 1 : insert_group(hash, words, nullptr, 0, strings, kNoSlot);
    } else {
      mapping[source_group] = find_or_insert_one(hash, words, nullptr, 0, strings);
    }
  }
}

void GroupTable::track_changes() {
  tracks_changes_ = true;
  changed_.assign(num_groups_, 1);
}

void GroupTable::clear_changes() {
  if (tracks_changes_) std::fill(changed_.begin(), changed_.end(), uint8_t{0});
}

void GroupTable::append_keys(const uint32_t* groups, size_t count, size_t key_index, Column& out) const {
  const DataType type = keys_[key_index].type;
  if (type != DataType::Int64 && type != DataType::Timestamp) {
    for (size_t i = 0; i < count; ++i) append_key(groups[i], key_index, out);
    return;
  }
  // Fixed width: written in place (groups are in key order, i.e. at random
  // in memory: fetched ahead), NULL keys marked afterwards.
  const size_t base = out.size();
  out.resize_fixed(base + count);
  int64_t* values = out.int64_data() + base;
  const size_t mask_word = keys_.size();
  constexpr size_t kPrefetchDistance = 16;
  bool any_null = false;
  for (size_t i = 0; i < count; ++i) {
    if (i + kPrefetchDistance < count) __builtin_prefetch(key_words_of(groups[i + kPrefetchDistance]));
    const uint64_t* words = key_words_of(groups[i]);
    values[i] = static_cast<int64_t>(words[key_index]);
    any_null |= ((words[mask_word] >> key_index) & 1) != 0;
  }
  if (!any_null) return;
  for (size_t i = 0; i < count; ++i) {
    if ((key_words_of(groups[i])[mask_word] >> key_index) & 1) out.set_null(base + i);
  }
}

void GroupTable::append_key(uint32_t group, size_t key_index, Column& out) const {
  const uint64_t* words = key_words_of(group);
  if ((words[keys_.size()] >> key_index) & 1) {
    out.append_null();
    return;
  }
  switch (keys_[key_index].type) {
    case DataType::Int64:
    case DataType::Timestamp:
      out.append_int64(static_cast<int64_t>(words[key_index]));
      return;
    case DataType::Bool:
      out.append_bool(words[key_index] != 0);
      return;
    case DataType::String: {
      const size_t s = static_cast<size_t>(
          std::find(string_key_indices_.begin(), string_key_indices_.end(), key_index) -
          string_key_indices_.begin());
      out.append_string(strings_[size_t{group} * string_key_indices_.size() + s]);
      return;
    }
    case DataType::Float64:
      break;
  }
  throw InternalError("unsupported group key type");
}

uint64_t GroupTable::hash_key_words(const uint64_t* words, size_t count) { return kernels::HashKeyWordsOne(words, count); }

}  // namespace weir
