#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "memory/aligned_buffer.h"
#include "memory/arena.h"
#include "runtime/aggregate_state.h"
#include "runtime/batch.h"
#include "runtime/group_table.h"

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
  // sessions they overlap), then empties `other`.
  void merge_from(SessionStore& other);

  // A closed session, as take_closed() reports it.
  struct Closed {
    int64_t start;
    int64_t end;
    uint32_t group;        // in keys()
    const uint8_t* block;  // aggregate state; valid until the next call on the store
  };
  // Driver: calls `visit` for every session with end <= closing, in order of
  // (end, start, key), then drops them. Sessions closed by a later call end
  // after all of these (their rows were on time), so the concatenated output
  // of all calls is in that order whatever the epochs.
  void take_closed(int64_t closing, const std::function<void(const Closed&)>& visit);

  const GroupTable& keys() const { return keys_; }
  size_t open_sessions() const { return open_sessions_; }
  bool empty() const { return open_sessions_ == 0; }

 private:
  struct Session {
    int64_t start;
    int64_t end;
    uint32_t block;
  };
  // Inserts [start, end) for `group`, merging the sessions it overlaps into
  // the earliest of them (whose block is kept); returns the block of the
  // resulting session. A new session gets a fresh, initialized block.
  uint32_t insert(uint32_t group, int64_t start, int64_t end);
  uint32_t new_block();
  uint8_t* block(uint32_t index) { return blocks_.data() + size_t{index} * layout_.block_bytes(); }
  int64_t end_of(int64_t time) const;

  const AggregateStateLayout& layout_;
  AggregateStateLayout key_layout_;  // no aggregates: keys_ holds keys only
  GroupTable keys_;
  int64_t gap_;
  std::vector<std::vector<Session>> sessions_;  // per group, sorted by start
  AlignedBuffer blocks_;
  std::vector<uint32_t> free_blocks_;
  uint32_t block_count_ = 0;
  size_t open_sessions_ = 0;
  Arena arena_;  // string min/max states
  // consume() scratch, reused across morsels
  GroupProbeScratch probe_;
  std::vector<uint32_t> groups_;
  std::vector<uint32_t> order_;
  std::vector<uint32_t> sorted_rows_;
  std::vector<uint32_t> row_blocks_;
};

}  // namespace weir
