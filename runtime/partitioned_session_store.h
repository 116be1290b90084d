#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/aggregate_function.h"
#include "runtime/aggregate_state.h"
#include "runtime/batch.h"
#include "runtime/group_table.h"
#include "runtime/parallel_for.h"
#include "runtime/session_windows.h"

namespace weir {

// Session windows over kPartitions SessionStores, one per slice of the key
// hash space, so that each key's sessions live in exactly one store and are
// built there once. (With one store per worker thread, morsels of the same
// stretch of event time go to every worker, so every session would be built
// in pieces by every worker and merged again at each epoch's combine.)
//
// Workers do not write the stores directly: consume() copies each morsel's
// rows (key, event-time and aggregate-input columns only) into the worker's
// own per-partition buffers, and a buffer that fills is folded into its
// partition's store under that partition's lock (try_lock first, so a
// worker rarely waits; it blocks only when a buffer has grown to twice
// its size). At the epoch's combine, flush() folds what every buffer
// still holds, one partition per task, in parallel. Memory stays bounded by
// the buffers whatever the epoch's size. The sessions do not depend on the
// order rows reach a store (see SessionStore), so neither does the result.
//
// Contract: constructed by the driver with the run's global state; consume()
// runs on worker threads, each with its own WorkerBuffers; flush(),
// take_closed() and open_sessions() run on the driver while no worker
// consumes. The layout outlives the store (keys and aggregates are copied).
class PartitionedSessionStore {
 public:
  static constexpr size_t kPartitions = 16;

  PartitionedSessionStore(const std::vector<GroupKeyColumn>& keys, const std::vector<AggregateSpec>& aggregates,
                          const AggregateStateLayout& layout, int64_t gap_millis, size_t event_time_column,
                          MemoryTracker* tracker);
  ~PartitionedSessionStore();

  // fold()'s scratch.
  struct FoldScratch {
    std::vector<uint32_t> all_rows;      // 0, 1, 2, ... (a buffer's rows)
    std::vector<const Column*> inputs;   // the aggregates' input columns in a buffer
  };

  // One worker's buffered rows, per partition.
  class WorkerBuffers {
   public:
    ~WorkerBuffers();

   private:
    friend class PartitionedSessionStore;
    MemoryTracker* tracker = nullptr;
    std::vector<std::unique_ptr<Batch>> buffers;      // per partition (made by the first consume())
    std::vector<std::vector<uint32_t>> rows_of;       // consume() scratch, per partition
    std::vector<uint64_t> hashes;                     // consume() scratch, per row
    FoldScratch scratch;                              // consume()'s folds
  };
  std::unique_ptr<WorkerBuffers> make_worker_buffers(MemoryTracker* tracker) const;

  // Worker: buffers rows rows[0, count) of `batch` (whose columns the key,
  // event-time and aggregate-input indices refer to), folding full buffers
  // into their partitions.
  void consume(WorkerBuffers& worker, const Batch& batch, const uint32_t* rows, size_t count);
  // Driver: folds every row the workers' buffers hold into the partitions
  // (in parallel, one partition per task) and empties the buffers.
  void flush(const std::vector<WorkerBuffers*>& workers, const ParallelFor& parallel_for);
  // Worker or driver: empties a worker's buffers without folding them (an
  // abandoned epoch; rows folded before stay in the partitions).
  static void discard(WorkerBuffers& worker);

  // What take_closed() does with the sessions it handed to `emit`: drop
  // them (append output), or keep them (complete output, which writes every
  // session again at each trigger: closing = INT64_MAX then hands over the
  // open sessions as well).
  enum class AfterEmit { Drop, Keep };
  // Driver: hands every session with end <= closing to `emit`, as one array
  // in order of (end, start, key) (Closed::partition names the partition
  // whose keys() holds Closed::group), then drops or keeps them. The array
  // and its blocks are valid only during the call; `emit` is not called when
  // no session closes. A kept session never absorbs a later on-time row
  // (such a row starts at or after its end), so keeping closed sessions
  // changes no later result.
  void take_closed(int64_t closing, const std::function<void(const SessionStore::ClosedSessions&)>& emit,
                   const ParallelFor& parallel_for, AfterEmit after_emit = AfterEmit::Drop);
  // The key table of partition `partition` (for Closed::group).
  const GroupTable& keys(size_t partition) const { return partitions_[partition]->store.keys(); }
  // Appends key `key_index` of sessions[0, count) to `out`.
  void append_keys(const SessionStore::Closed* sessions, size_t count, size_t key_index, Column& out) const;

  size_t open_sessions() const;

 private:
  struct Partition {
    Partition(const std::vector<GroupKeyColumn>& keys, const AggregateStateLayout& layout, int64_t gap_millis,
              MemoryTracker* tracker)
        // Each partition's keys are spread over the whole key range (by
        // hash): its direct array would be 1/kPartitions full, so it gets
        // 1/kPartitions of the range limit (all of them together: one
        // table's).
        : store(keys, layout, gap_millis, tracker, GroupTable::kMaxDirectSpan / kPartitions) {}
    std::mutex lock;
    SessionStore store;  // guarded by `lock` while workers consume
  };
  // Folds `buffer` (a worker's buffer of `partition`) into the partition
  // and empties it; the caller holds the partition's lock.
  void fold(Batch& buffer, FoldScratch& scratch, size_t partition);
  // Per partition, per group: the rank of its key among every partition's
  // keys (in emission order).
  std::vector<std::vector<uint32_t>> key_ranks(const ParallelFor& parallel_for) const;
  // The partition of every row rows[0, count) of `batch`, by key hash.
  void assign_partitions(WorkerBuffers& worker, const Batch& batch, const uint32_t* rows, size_t count) const;

  std::vector<GroupKeyColumn> source_keys_;  // in the consumed batches
  std::vector<GroupKeyColumn> buffer_keys_;  // in the buffers (the stores keep a reference)
  std::vector<size_t> buffered_columns_;     // source column of each buffer column
  size_t buffer_time_column_ = 0;
  std::vector<size_t> buffer_inputs_;        // per aggregate: its buffer column (unused for count(*))
  std::vector<bool> has_input_;
  std::vector<std::unique_ptr<Partition>> partitions_;
};

}  // namespace weir
