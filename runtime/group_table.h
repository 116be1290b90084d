#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "memory/aligned_buffer.h"
#include "memory/arena.h"
#include "memory/huge_pages.h"
#include "runtime/aggregate_state.h"
#include "runtime/batch.h"
#include "runtime/parallel_for.h"

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
// array of (hash tag, group id) pairs, prefetching the slots of rows a few
// positions ahead so that cache misses overlap. Groups are numbered densely in
// order of first appearance; state blocks are contiguous (group id * block
// bytes).
//
// Direct indexing: with a single int64/timestamp/bool key whose values span a
// small range (at most kMaxDirectSpan or the limit limit_direct_span() set,
// and not much sparser than the rows seen), an array indexed by key - base maps straight to the group, with no
// hashing or probing; it also yields the groups in key order without
// sorting. While direct indexing serves new groups the hash slots are not
// maintained; they are rebuilt when the table falls back to them (a batch
// with NULL keys or keys outside the range).
//
// Contract: one owner thread at a time (thread-local during an epoch, the
// driver thread while combining and emitting). The key columns and the state
// layout outlive the table.
class GroupTable {
 public:
  GroupTable(const std::vector<GroupKeyColumn>& keys, const AggregateStateLayout& layout,
             MemoryTracker* tracker);
  GroupTable(const GroupTable&) = delete;
  // Lowers the largest key range direct indexing serves (before the first
  // insert): for a table holding a slice of a key space spread by hash.
  void limit_direct_span(uint64_t span);
  GroupTable& operator=(const GroupTable&) = delete;

  // For i in [0, count): group_ids[i] = the group of row rows[i] of `batch`,
  // created (with initialized state) if new.
  void find_or_insert(const Batch& batch, const uint32_t* rows, size_t count, uint32_t* group_ids,
                      GroupProbeScratch& scratch);

  // Folds every group of `other` (same keys and layout) into this table.
  void merge_from(const GroupTable& other);

  // Inserts every key of `other` (same keys) that this table lacks, without
  // touching state blocks, and sets mapping[g] = this table's group of
  // `other`'s group g (tables of keys only, e.g. session windows).
  void map_groups_from(const GroupTable& other, std::vector<uint32_t>& mapping);

  // Folds `other` into this table in parallel when both use direct indexing
  // and this table's direct array can cover `other`'s keys: chunks of
  // `other`'s groups merge on the workers, keys new to this table are
  // numbered after its groups in `other`'s group order and written by a
  // second parallel pass. Returns false, changing
  // nothing, when that does not apply (then use merge_from). Runs on the
  // thread that owns both tables.
  bool merge_direct_in_parallel(const GroupTable& other, const ParallelFor& parallel_for);

  // Merges `sources` (at least one; same keys and layout) into a new table
  // whose groups are numbered in key order, so emitting it reads memory
  // sequentially. The work is split into key ranges (splitters taken from
  // the largest source, located in the others by binary search) merged in
  // parallel with `parallel_for`. The sources are consumed: their arenas
  // (string keys, string min/max states) move into the result, so their
  // strings are not copied. Runs on the thread that owns every source.
  // `keys_per_range` sets the size of the key ranges (tests use small ones).
  static std::unique_ptr<GroupTable> merge_in_key_order(std::vector<std::unique_ptr<GroupTable>> sources,
                                                        const ParallelFor& parallel_for, MemoryTracker* tracker,
                                                        size_t keys_per_range = 32 * 1024);

  size_t num_groups() const { return num_groups_; }
  uint8_t* blocks() { return blocks_.data(); }
  const uint8_t* block(uint32_t group) const { return blocks_.data() + size_t{group} * layout_.block_bytes(); }
  Arena& arena() { return arena_; }

  // Change tracking (update output mode, on global tables): once enabled,
  // every group is marked changed when created or merged into, until
  // clear_changes(). Enabling marks every existing group changed.
  void track_changes();
  bool tracks_changes() const { return tracks_changes_; }
  // The changed groups in key order (as key_order()).
  struct KeyOrder;
  KeyOrder changed_key_order() const;
  void clear_changes();

  // Hints that `group`'s key and state will be read soon (emission walks
  // groups in key order, i.e. in random order in memory).
  void prefetch_group(uint32_t group) const {
    __builtin_prefetch(key_words_of(group));
    __builtin_prefetch(block(group));
  }

  // Appends group `group`'s value of key column `key_index` to `out`.
  void append_key(uint32_t group, size_t key_index, Column& out) const;
  // The same for groups[0, count), in order, column-at-a-time.
  void append_keys(const uint32_t* groups, size_t count, size_t key_index, Column& out) const;

  // Group ids ordered by their keys (each key ascending, NULLs last), the
  // order in which groups are emitted, so output does not depend on
  // insertion order (which depends on thread scheduling).
  std::vector<uint32_t> groups_in_key_order() const;

  // groups_in_key_order() with, for a table of one int64 or timestamp key,
  // the keys of its non-NULL groups: keys[i] is the key of groups[i] for
  // every i < keys.size() (the NULL group, if any, comes last, without a
  // key). Emission writes the key column from `keys` instead of fetching
  // every group's key words at random in memory.
  struct KeyOrder {
    std::vector<uint32_t> groups;
    std::vector<int64_t> keys;  // empty for other key shapes
  };
  KeyOrder key_order() const;

  // Emission without materializing key_order(), for a table of one int64 or
  // timestamp key whose direct array holds every non-NULL group:
  // direct_entries() is the array's length (0 when that does not apply),
  // direct_groups() writes the groups and keys of entries [begin, end)
  // that hold a group, in key order, and returns how many, and
  // null_key_group() is the NULL key's group (kNoGroup: none), emitted last.
  size_t direct_entries() const;
  size_t direct_groups(size_t begin, size_t end, uint32_t* groups, int64_t* keys) const;
  uint32_t null_key_group() const { return null_group_; }
  static constexpr uint32_t kNoGroup = ~uint32_t{0};

  // Three-way comparison of group `a` of table `x` with group `b` of table
  // `y` (same keys) in emission order: key columns in turn, ascending, NULLs
  // last.
  static int compare_keys(const GroupTable& x, uint32_t a, const GroupTable& y, uint32_t b);

  // Largest key range served by direct indexing (entries of 4 bytes).
  static constexpr uint64_t kMaxDirectSpan = uint64_t{1} << 24;

 private:
  class OrderedMerge;  // merge_in_key_order's work (group_table_ordered_merge.cc)

  // The hash of a key's words, as stored in group_hashes_.
  static uint64_t hash_key_words(const uint64_t* words, size_t count);
  // Single non-string key: the non-NULL keys in ascending order with their
  // groups, then the NULL group (if any) appended to `groups` only.
  void sorted_single_keys(std::vector<int64_t>& keys, std::vector<uint32_t>& groups) const;
  // Returns the group of the key (words, with the strings of its string
  // columns from `batch` row `row` or from `strings`), inserting it if new.
  uint32_t find_or_insert_one(uint64_t hash, const uint64_t* words, const Batch* batch, uint32_t row,
                              const std::string_view* strings);
  // Direct indexing for keys in [low, high] (the rows of one call): true when
  // the direct array covers them (growing it if allowed).
  bool direct_covers(int64_t low, int64_t high, size_t incoming_rows);
  void rebuild_direct(int64_t base, uint64_t span);
  // Probes rows[0, count) in the direct array while their keys fall inside
  // it; returns how many were probed (all, or up to the first key outside).
  template <bool Prefetch>
  size_t probe_direct_in_range(const Batch& batch, const int64_t* values, const uint32_t* rows, size_t count,
                               uint32_t* group_ids);
  uint32_t insert_direct_key(int64_t key, const Batch& batch, uint32_t row);
  bool find_or_insert_direct(const Batch& batch, const uint32_t* rows, size_t count, uint32_t* group_ids,
                             GroupProbeScratch& scratch);
  size_t words_per_key() const { return keys_.size() + 1; }
  const uint64_t* key_words_of(uint32_t group) const { return key_words_.data() + size_t{group} * words_per_key(); }
  bool same_key(uint32_t group, const uint64_t* words, const Batch* batch, uint32_t row,
                const std::string_view* strings) const;
  uint32_t insert_group(uint64_t hash, const uint64_t* words, const Batch* batch, uint32_t row,
                        const std::string_view* strings, size_t slot);
  void grow();
  void rebuild_slots();
  static constexpr size_t kNoSlot = ~size_t{0};  // insert_group: do not index in the slots

  const std::vector<GroupKeyColumn>& keys_;
  const AggregateStateLayout& layout_;
  MemoryTracker* tracker_;
  std::vector<size_t> string_key_indices_;  // positions in keys_ of string columns

  template <typename T>
  using LargeVector = std::vector<T, HugePageAllocator<T>>;

  LargeVector<uint64_t> slots_;  // 0 = empty, else (hash >> 32) << 32 | (group + 1)
  uint64_t slot_mask_ = 0;
  bool slots_complete_ = true;  // false while direct indexing alone serves new groups
  size_t num_groups_ = 0;
  LargeVector<uint64_t> key_words_;       // words_per_key() per group
  LargeVector<uint64_t> group_hashes_;    // one per group
  std::vector<std::string_view> strings_; // string_key_indices_.size() per group, in arena_
  AlignedBuffer blocks_;
  Arena arena_;
  std::vector<Arena> adopted_arenas_;  // from merged tables: their strings live on here
  bool key_ordered_ = false;           // group ids follow key order (until a group is inserted)
  bool tracks_changes_ = false;
  LargeVector<uint8_t> changed_;       // per group when tracking: 1 = changed since clear_changes()
  uint32_t null_group_ = kNoGroup;     // one-column keys: the group of the NULL key

  bool direct_eligible_ = false;      // one non-string key
  uint64_t max_direct_span_ = kMaxDirectSpan;
  LargeVector<uint32_t> direct_;      // group + 1 at key - direct_base_; 0 = not seen
  int64_t direct_base_ = 0;
  int64_t direct_low_ = 0;   // smallest and largest non-NULL key inserted
  int64_t direct_high_ = 0;
  bool direct_range_known_ = false;
  uint64_t rows_seen_ = 0;
};

}  // namespace weir
