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
// rows arrive in (nor on how they are cut into calls and epochs).
//
// A SessionStore holds the open sessions of every key with their aggregate
// states: the run's sessions of one key-hash partition
// (runtime/partitioned_session_store.h), which keeps them across epochs.
// Per key the sessions are kept sorted by start and never overlap.
//
// Contract: one owner thread at a time, like GroupTable. The key columns and
// the layout outlive the store (PartitionedSessionStore keeps the columns).
class SessionStore {
 public:
  // max_direct_span: see GroupTable::limit_direct_span (for the key table).
  SessionStore(const std::vector<GroupKeyColumn>& keys, const AggregateStateLayout& layout, int64_t gap_millis,
               MemoryTracker* tracker, uint64_t max_direct_span = GroupTable::kMaxDirectSpan);
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  // Worker: folds rows rows[0, count) of `batch` (event times `times`,
  // indexed by row; aggregate inputs `inputs`) into the sessions.
  void consume(const Batch& batch, const uint32_t* rows, size_t count, const int64_t* times,
               const std::vector<const Column*>& inputs);

  // A closed session, as PartitionedSessionStore::take_closed() reports it.
  struct Closed {
    int64_t start;
    int64_t end;
    uint32_t group;        // in the key table of `partition`
    uint32_t partition;    // PartitionedSessionStore::keys(partition)
    const uint8_t* block;  // aggregate state
  };
  using ClosedSessions = std::vector<Closed, HugePageAllocator<Closed>>;
  // Driver: calls action(group, start, end, block) for every session
  // with end <= closing, key after key (in the order of the key table's
  // groups), each key's sessions by start. They stay in the store (their
  // blocks valid) until drop_closed(closing, their number).
  template <typename Action>
  void visit_closed(int64_t closing, Action&& action) const {
    for (uint32_t group = 0; group < sessions_.size(); ++group) {
      for (const Session& session : sessions_[group]) {
        if (session.end > closing) break;  // sorted by start and by end
        action(group, session.start, session.end, block(session.block));
      }
    }
  }
  // Driver: drops the `count` sessions with end <= closing (all of them).
  void drop_closed(int64_t closing, size_t count);

  const GroupTable& keys() const { return *keys_; }
  // Sessions held: the open ones, and with complete output (take_closed's
  // AfterEmit::Keep) the closed ones kept as well.
  size_t open_sessions() const { return open_sessions_; }

 private:
  struct Session {
    int64_t start;
    int64_t end;
    uint32_t block;
  };
  // State blocks live in segments of kSegmentBlocks blocks: block i is
  // block i % kSegmentBlocks of segment i / kSegmentBlocks. The first
  // segment grows as its blocks are used (small stores stay small), later
  // ones are allocated whole, so growing never copies blocks.
  static constexpr uint32_t kSegmentShift = 15;
  static constexpr uint32_t kSegmentBlocks = uint32_t{1} << kSegmentShift;
  static constexpr uint32_t kSegmentMask = kSegmentBlocks - 1;

  // Inserts [start, end) for `group`, merging the sessions it overlaps into
  // the earliest of them (whose block is kept); returns the block of the
  // resulting session. A new session gets a fresh, initialized block.
  uint32_t insert(uint32_t group, int64_t start, int64_t end);
  // insert() for an interval that starts before the last session of `list`
  // (a non-empty list).
  uint32_t insert_before_last(std::vector<Session>& list, int64_t start, int64_t end);
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
  int64_t end_of(int64_t time) const;

  const AggregateStateLayout& layout_;
  MemoryTracker* tracker_;
  std::unique_ptr<GroupTable> keys_;  // keys only: no aggregate state
  int64_t gap_;
  std::vector<std::vector<Session>> sessions_;  // per group, sorted by start
  std::vector<Session> last_sessions_;          // per group: a copy of its list's last session (when not empty)
  std::vector<AlignedBuffer> block_segments_;
  std::vector<uint32_t> free_blocks_;
  uint32_t block_count_ = 0;  // blocks ever handed out: the next new one
  size_t open_sessions_ = 0;
  Arena arena_;                           // string min/max states
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
