#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "memory/aligned_buffer.h"
#include "memory/arena.h"
#include "memory/huge_pages.h"
#include "runtime/aggregate_state.h"
#include "runtime/batch.h"
#include "runtime/group_table.h"
#include "runtime/parallel_for.h"

namespace weir {

// Session windows per group key: every row opens the interval
// [t, t + gap); rows of one key whose intervals overlap (strictly: a row at
// t joins a session [s, e) when s < t + gap and t < e) belong to one session
// [first time, last time + gap). The sessions are the connected components of
// the overlap of the rows' intervals, so they do not depend on the order the
// rows arrive in: partial sessions built by different threads and epochs
// merge into the same result.
//
// A SessionStore holds the open sessions of every key with their aggregate
// states: one per worker thread during an epoch (consume), one per run on
// the driver (merge_from, take_closed). Per key the sessions are kept
// sorted by start and never overlap.
//
// Contract: one owner thread at a time, like GroupTable. The key columns and
// the layout outlive the store.
class SessionStore {
 public:
  SessionStore(const std::vector<GroupKeyColumn>& keys, const AggregateStateLayout& layout, int64_t gap_millis,
               MemoryTracker* tracker);
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  // Worker: folds rows rows[0, count) of `batch` (event times `times`,
  // indexed by row; aggregate inputs `inputs`) into the sessions.
  void consume(const Batch& batch, const uint32_t* rows, size_t count, const int64_t* times,
               const std::vector<const Column*>& inputs);

  // Driver: folds every session of `other` into this store (merging the
  // sessions they overlap), then empties `other`. The store with fewer
  // sessions is folded into the one with more (whose contents are swapped
  // in first), so an empty store takes the other's contents whole. Chunks
  // of keys merge on the workers of `parallel_for` (serially when empty).
  void merge_from(SessionStore& other, const ParallelFor& parallel_for = nullptr);

  // A closed session, as collect_closed() reports it.
  struct Closed {
    int64_t start;
    int64_t end;
    uint32_t group;        // in keys()
    uint32_t partition;    // set by PartitionedSessionStore (0 here)
    const uint8_t* block;  // aggregate state
  };
  using ClosedSessions = std::vector<Closed, HugePageAllocator<Closed>>;
  // Driver: sets `closed` to every session with end <= closing, in order of
  // (end, start, key); returns their number. They stay in the store (their
  // blocks valid) until drop_closed(closing, that number). Sessions closed
  // by a later call end after all of these (their rows were on time), so
  // the concatenated output of all calls is in that order whatever the
  // epochs. The sessions are collected and ordered by chunks of keys on the
  // workers of `parallel_for` (serially when it is empty).
  size_t collect_closed(int64_t closing, ClosedSessions& closed, const ParallelFor& parallel_for) const;
  // Driver: drops the `count` sessions collect_closed(closing) reported.
  void drop_closed(int64_t closing, size_t count);

  const GroupTable& keys() const { return *keys_; }
  size_t open_sessions() const { return open_sessions_; }
  bool empty() const { return open_sessions_ == 0; }

 private:
  struct Session {
    int64_t start;
    int64_t end;
    uint32_t block;
  };
  // State blocks live in segments of kSegmentBlocks blocks: block i is
  // block i % kSegmentBlocks of segment i / kSegmentBlocks. The first
  // segment grows as its blocks are used (small stores stay small), later
  // ones are allocated whole, so growing never copies blocks, and a large
  // store's segments can move to another store whole (absorb).
  static constexpr uint32_t kSegmentShift = 15;
  static constexpr uint32_t kSegmentBlocks = uint32_t{1} << kSegmentShift;
  static constexpr uint32_t kSegmentMask = kSegmentBlocks - 1;

  // Inserts [start, end) for `group`, merging the sessions it overlaps into
  // the earliest of them (whose block is kept); returns the block of the
  // resulting session. A new session gets a fresh, initialized block.
  uint32_t insert(uint32_t group, int64_t start, int64_t end);
  // A free block, or the next one (its segment allocated when new); not
  // initialized.
  uint32_t take_block();
  uint32_t new_block();
  uint8_t* block(uint32_t index) {
    return block_segments_[index >> kSegmentShift].data() + size_t{index & kSegmentMask} * layout_.block_bytes();
  }
  const uint8_t* block(uint32_t index) const {
    return block_segments_[index >> kSegmentShift].data() + size_t{index & kSegmentMask} * layout_.block_bytes();
  }
  // consume(): fills order_ with the positions [0, count) ordered by
  // (groups_[position], event time, position).
  void order_rows_by_group_and_time(const uint32_t* rows, size_t count, const int64_t* times);
  // consume(): folds the rows sorted_rows_[0, count) into blocks
  // row_blocks_[0, count), one state update per segment they fall in.
  void update_blocks(const std::vector<const Column*>& inputs, size_t count);
  void swap_contents(SessionStore& other);
  // merge_from() for a non-empty `other`: takes over its block segments
  // (or copies its blocks in use into free ones), then merges its sessions
  // into ours per key.
  void absorb(SessionStore& other, const ParallelFor& parallel_for);
  // absorb(): appends other's segments after ours; returns the number
  // other's block indices are shifted by.
  uint32_t adopt_segments(SessionStore& other);
  // absorb(): copies other's blocks in use; renumbered[i] = the new index
  // of other's block i.
  void copy_blocks(SessionStore& other, std::vector<uint32_t>& renumbered);
  // Merges the sorted, disjoint sessions `incoming` into `list` (also sorted
  // and disjoint), joining the overlapping ones: their blocks merge into
  // the earliest one's (string states copied into `arena`), the others are
  // appended to `freed`. `merged` is scratch. Writes only `list`'s blocks,
  // so keys merge in parallel.
  void merge_sessions(std::vector<Session>& list, const std::vector<Session>& incoming,
                      std::vector<Session>& merged, std::vector<uint32_t>& freed, Arena& arena);
  // take_closed(): the sessions ending at or before `closing` of the keys
  // key_order[begin, end), in key order, each passed to `action`.
  template <typename Action>
  void for_each_closed(const std::vector<uint32_t>& key_order, size_t begin, size_t end, int64_t closing,
                       Action&& action) const;
  int64_t end_of(int64_t time) const;

  const AggregateStateLayout& layout_;
  MemoryTracker* tracker_;
  std::unique_ptr<GroupTable> keys_;  // keys only: no aggregate state
  int64_t gap_;
  std::vector<std::vector<Session>> sessions_;  // per group, sorted by start
  std::vector<AlignedBuffer> block_segments_;
  std::vector<uint32_t> free_blocks_;
  uint32_t block_count_ = 0;  // blocks ever handed out: the next new one
  size_t open_sessions_ = 0;
  Arena arena_;                           // string min/max states
  std::vector<Arena> absorbed_arenas_;    // string states of blocks taken by absorb()
  // consume() scratch, reused across morsels
  GroupProbeScratch probe_;
  std::vector<uint32_t> groups_;
  std::vector<uint32_t> order_;
  std::vector<uint32_t> radix_scratch_;
  std::vector<uint32_t> sorted_rows_;
  std::vector<uint32_t> row_blocks_;
  std::vector<uint32_t> segment_starts_;
  std::vector<uint32_t> segment_rows_;
  std::vector<uint32_t> segment_blocks_;
};

}  // namespace weir
