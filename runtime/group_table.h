#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "memory/aligned_buffer.h"
#include "memory/arena.h"
#include "runtime/aggregate_state.h"
#include "runtime/batch.h"

namespace weir {

// A GROUP BY key column: its position in the input batch and its type
// (int64, timestamp, bool or string).
struct GroupKeyColumn {
  size_t input_column;
  DataType type;
};

// Per-thread scratch vectors reused across calls, so probing allocates nothing
// per row.
struct GroupProbeScratch {
  std::vector<uint64_t> key_words;
  std::vector<uint64_t> hashes;
};

// A hash table from group keys to aggregate state blocks, built for batches:
// keys are encoded column-at-a-time into fixed-width words (one per key column,
// plus a NULL-mask word; a string key's word is its hash, the bytes are
// compared on a match), hashed, then probed with linear probing over a slot
// array of (hash tag, group id) pairs. Groups are numbered densely in order of
// first appearance; state blocks are contiguous (group id * block bytes).
//
// Contract: one owner thread at a time (thread-local during an epoch, the
// driver thread while combining and emitting). The key columns and the state
// layout outlive the table.
class GroupTable {
 public:
  GroupTable(const std::vector<GroupKeyColumn>& keys, const AggregateStateLayout& layout,
             MemoryTracker* tracker);
  GroupTable(const GroupTable&) = delete;
  GroupTable& operator=(const GroupTable&) = delete;

  // For i in [0, count): group_ids[i] = the group of row rows[i] of `batch`,
  // created (with initialized state) if new.
  void find_or_insert(const Batch& batch, const uint32_t* rows, size_t count, uint32_t* group_ids,
                      GroupProbeScratch& scratch);

  // Folds every group of `other` (same keys and layout) into this table.
  void merge_from(const GroupTable& other);

  size_t num_groups() const { return num_groups_; }
  uint8_t* blocks() { return blocks_.data(); }
  const uint8_t* block(uint32_t group) const { return blocks_.data() + size_t{group} * layout_.block_bytes(); }
  Arena& arena() { return arena_; }

  // Appends group `group`'s value of key column `key_index` to `out`.
  void append_key(uint32_t group, size_t key_index, Column& out) const;

  // Group ids ordered by their keys (each key ascending, NULLs last), the
  // order in which groups are emitted, so output does not depend on
  // insertion order (which depends on thread scheduling).
  std::vector<uint32_t> groups_in_key_order() const;

 private:
  size_t words_per_key() const { return keys_.size() + 1; }
  const uint64_t* key_words_of(uint32_t group) const { return key_words_.data() + size_t{group} * words_per_key(); }
  bool same_key(uint32_t group, const uint64_t* words, const Batch* batch, uint32_t row,
                const std::string_view* strings) const;
  uint32_t insert_group(uint64_t hash, const uint64_t* words, const Batch* batch, uint32_t row,
                        const std::string_view* strings, size_t slot);
  void grow();

  const std::vector<GroupKeyColumn>& keys_;
  const AggregateStateLayout& layout_;
  std::vector<size_t> string_key_indices_;  // positions in keys_ of string columns

  std::vector<uint64_t> slots_;  // 0 = empty, else (hash >> 32) << 32 | (group + 1)
  uint64_t slot_mask_ = 0;
  size_t num_groups_ = 0;
  std::vector<uint64_t> key_words_;       // words_per_key() per group
  std::vector<uint64_t> group_hashes_;    // one per group
  std::vector<std::string_view> strings_; // string_key_indices_.size() per group, in arena_
  AlignedBuffer blocks_;
  Arena arena_;
};

}  // namespace weir
