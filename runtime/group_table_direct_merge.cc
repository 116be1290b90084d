// GroupTable::merge_direct_in_parallel: the parallel combine of two tables
// that both use direct indexing (one int64/timestamp/bool key over a dense
// range). The key range of the source is cut into chunks merged by parallel
// tasks: a task walks the two direct arrays side by side over its chunk
// (sequential reads) and folds each source group into the target group with
// the same key (state blocks at random, prefetched a few keys ahead). Keys
// the target lacks are collected per chunk, numbered in key order after the
// existing groups (so numbering does not depend on scheduling), and written
// by a second parallel pass after the table grew once.
// Unlike merge_in_key_order, the target's memory is reused: no fresh pages.
#include <algorithm>
#include <vector>

#include "runtime/errors.h"

#include "runtime/group_table.h"

namespace weir {

bool GroupTable::merge_direct_in_parallel(const GroupTable& other, const ParallelFor& parallel_for) {
  if (!parallel_for || !direct_eligible_ || !other.direct_eligible_ || other.direct_.empty() ||
      !other.direct_range_known_) {
    return false;
  }
  // The source's direct array must hold every non-NULL group it has.
  const auto other_base = static_cast<uint64_t>(other.direct_base_);
  const uint64_t other_low = static_cast<uint64_t>(other.direct_low_) - other_base;
  const uint64_t other_high = static_cast<uint64_t>(other.direct_high_) - other_base;
  if (other_low >= other.direct_.size() || other_high >= other.direct_.size()) return false;
  // The target's must cover the source's keys (it may grow to).
  if (!direct_covers(other.direct_low_, other.direct_high_, other.num_groups_)) return false;

  const uint64_t span = other_high - other_low + 1;
  constexpr uint64_t kKeysPerChunk = 64 * 1024;
  const size_t chunks = static_cast<size_t>(std::min<uint64_t>((span + kKeysPerChunk - 1) / kKeysPerChunk, 4096));
  std::vector<std::vector<uint32_t>> missing(chunks);  // source groups whose key the target lacks
  std::vector<Arena> chunk_arenas;
  chunk_arenas.reserve(chunks);
  for (size_t c = 0; c < chunks; ++c) chunk_arenas.emplace_back(tracker_, 4 * 1024);
  const size_t block_bytes = layout_.block_bytes();
  const uint64_t offset = static_cast<uint64_t>(other.direct_base_) - static_cast<uint64_t>(direct_base_);
  uint8_t* blocks = blocks_.data();
  const uint32_t* target_direct = direct_.data();
  const uint32_t* source_direct = other.direct_.data();
  uint8_t* changed = tracks_changes_ ? changed_.data() : nullptr;
  parallel_for(chunks, [&](size_t c) {
    const uint64_t begin = other_low + span * c / chunks;
    const uint64_t end = other_low + span * (c + 1) / chunks;
    constexpr uint64_t kPrefetchDistance = 16;
    for (uint64_t index = begin; index < end; ++index) {
      if (index + kPrefetchDistance < end) {
        const uint32_t ahead_source = source_direct[index + kPrefetchDistance];
        if (ahead_source != 0) {
          __builtin_prefetch(other.block(ahead_source - 1));
          const uint32_t ahead_target = target_direct[index + kPrefetchDistance + offset];
          if (ahead_target != 0) __builtin_prefetch(blocks + size_t{ahead_target - 1} * block_bytes);
        }
      }
      const uint32_t source_entry = source_direct[index];
      if (source_entry == 0) continue;
      const uint32_t target_entry = target_direct[index + offset];
      if (target_entry == 0) {
        missing[c].push_back(source_entry - 1);
        continue;
      }
      layout_.merge(blocks + size_t{target_entry - 1} * block_bytes, other.block(source_entry - 1), chunk_arenas[c]);
      if (changed != nullptr) changed[target_entry - 1] = 1;
    }
  });

  // New keys: numbered in key order after the existing groups (chunk by
  // chunk), the table grown once, then written by the workers.
  std::vector<size_t> first_new(chunks + 1, num_groups_);
  for (size_t c = 0; c < chunks; ++c) first_new[c + 1] = first_new[c] + missing[c].size();
  const size_t total = first_new[chunks];
  WEIR_CHECK(total < 0xFFFFFFFEULL);
  if (total > num_groups_) {
    const size_t width = words_per_key();
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
    rows_seen_ += other.rows_seen_;
    key_ordered_ = false;
    slots_complete_ = false;  // the new groups are in the direct array only
    direct_low_ = std::min(direct_low_, other.direct_low_);
    direct_high_ = std::max(direct_high_, other.direct_high_);
  }
  for (Arena& arena : chunk_arenas) adopted_arenas_.push_back(std::move(arena));

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
