// GroupTable::merge_direct_in_parallel: the parallel combine of two tables
// that both use direct indexing (one int64/timestamp/bool key over a dense
// range). The source's groups are cut into chunks merged by parallel tasks:
// a task walks its groups in order (keys and blocks read sequentially),
// finds each key's target group in the target's direct array and folds the
// block into it (entries and target blocks prefetched a few groups ahead).
// Keys the target lacks are collected per chunk, numbered in chunk order
// after the existing groups (so numbering depends on the two tables only),
// and written by a second parallel pass after the table grew once.
// Unlike merge_in_key_order, the target's memory is reused: no fresh pages.
#include <algorithm>
#include <vector>

#include "runtime/errors.h"

#include "runtime/group_table.h"

namespace weir {

bool GroupTable::merge_direct_in_parallel(const GroupTable& other, const ParallelFor& parallel_for) {
  // (A source's non-NULL keys all lie in [direct_low_, direct_high_]; its
  // own direct array is not needed.)
  if (!parallel_for || !direct_eligible_ || !other.direct_eligible_ || !other.direct_range_known_) return false;
  // The target's must cover the source's keys (it may grow to).
  if (!direct_covers(other.direct_low_, other.direct_high_, other.num_groups_)) return false;

  // Chunks of the source's groups, walked in group order: the source's
  // keys and blocks are read sequentially, and the target's groups, numbered
  // by first appearance like the source's (both workers read the same stream
  // of morsels), tend to follow.
  const size_t source_groups = other.num_groups_;
  constexpr size_t kGroupsPerChunk = 64 * 1024;
  const size_t chunks = std::max<size_t>(std::min<size_t>((source_groups + kGroupsPerChunk - 1) / kGroupsPerChunk, 4096), 1);
  std::vector<std::vector<uint32_t>> missing(chunks);  // source groups whose key the target lacks
  std::vector<Arena> chunk_arenas;
  chunk_arenas.reserve(chunks);
  for (size_t c = 0; c < chunks; ++c) chunk_arenas.emplace_back(tracker_, 4 * 1024);
  const size_t block_bytes = layout_.block_bytes();
  const auto base = static_cast<uint64_t>(direct_base_);
  const size_t width = words_per_key();
  uint8_t* blocks = blocks_.data();
  const uint32_t* target_direct = direct_.data();
  const uint64_t* source_words = other.key_words_.data();
  uint8_t* changed = tracks_changes_ ? changed_.data() : nullptr;
  parallel_for(chunks, [&](size_t c) {
    const size_t begin = source_groups * c / chunks;
    const size_t end = source_groups * (c + 1) / chunks;
    // The target's entry of group g + 2d, then its block at g + d.
    constexpr size_t kPrefetchDistance = 16;
    for (size_t group = begin; group < end; ++group) {
      if (group + 2 * kPrefetchDistance < end) {
        const uint64_t* ahead = source_words + (group + 2 * kPrefetchDistance) * width;
        if (ahead[1] == 0) __builtin_prefetch(target_direct + (ahead[0] - base));
      }
      if (group + kPrefetchDistance < end) {
        const uint64_t* ahead = source_words + (group + kPrefetchDistance) * width;
        if (ahead[1] == 0) {
          const uint32_t entry = target_direct[ahead[0] - base];
          if (entry != 0) __builtin_prefetch(blocks + size_t{entry - 1} * block_bytes);
        }
      }
      const uint64_t* words = source_words + group * width;
      if (words[1] != 0) continue;  // the NULL key: merged at the end
      const uint32_t target_entry = target_direct[words[0] - base];
      if (target_entry == 0) {
        missing[c].push_back(static_cast<uint32_t>(group));
        continue;
      }
      layout_.merge(blocks + size_t{target_entry - 1} * block_bytes, other.block(static_cast<uint32_t>(group)),
                    chunk_arenas[c]);
      if (changed != nullptr) changed[target_entry - 1] = 1;
    }
  });

  // New keys: numbered in the source's group order after the existing
  // groups (chunk by chunk), the table grown once, then written by the
  // workers.
  std::vector<size_t> first_new(chunks + 1, num_groups_);
  for (size_t c = 0; c < chunks; ++c) first_new[c + 1] = first_new[c] + missing[c].size();
  const size_t total = first_new[chunks];
  WEIR_CHECK(total < 0xFFFFFFFEULL);
  if (total > num_groups_) {
    key_words_.resize(total * width);
    group_hashes_.resize(total);
    blocks_.resize(total * block_bytes);
    if (tracks_changes_) changed_.resize(total, 1);
    uint8_t* grown_blocks = blocks_.data();
    uint32_t* direct = direct_.data();
    parallel_for(chunks, [&](size_t c) {
      size_t group = first_new[c];
      for (const uint32_t source_group : missing[c]) {
        const uint64_t* words = other.key_words_of(source_group);
        std::copy(words, words + width, key_words_.data() + group * width);
        group_hashes_[group] = other.group_hashes_[source_group];
        uint8_t* block = grown_blocks + group * block_bytes;
        layout_.initialize(block);
        layout_.merge(block, other.block(source_group), chunk_arenas[c]);
        direct[words[0] - static_cast<uint64_t>(direct_base_)] = static_cast<uint32_t>(group) + 1;
        ++group;
      }
    });
    num_groups_ = total;
    key_ordered_ = false;
    slots_complete_ = false;  // the new groups are in the direct array only
    direct_low_ = std::min(direct_low_, other.direct_low_);
    direct_high_ = std::max(direct_high_, other.direct_high_);
  }
  for (Arena& arena : chunk_arenas) adopted_arenas_.push_back(std::move(arena));
  rows_seen_ += other.rows_seen_;

  // The source's NULL group, if any.
  if (other.null_group_ != kNoGroup) {
    const uint32_t source_group = other.null_group_;
    const uint32_t group =
        null_group_ != kNoGroup
            ? null_group_
            : insert_group(other.group_hashes_[source_group], other.key_words_of(source_group), nullptr, 0, nullptr,
                           kNoSlot);
    layout_.merge(blocks_.data() + size_t{group} * block_bytes, other.block(source_group), arena_);
    if (tracks_changes_) changed_[group] = 1;
  }
  return true;
}

}  // namespace weir
