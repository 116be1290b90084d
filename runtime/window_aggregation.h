#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/aggregate_state.h"
#include "runtime/batch.h"
#include "runtime/group_table.h"
#include "runtime/output_mode.h"
#include "runtime/parallel_for.h"
#include "runtime/partitioned_session_store.h"
#include "runtime/sink.h"
#include "runtime/time_window.h"

namespace weir {

// What to aggregate: the window, the GROUP BY columns and the aggregates.
// Without a window, every row belongs to one window that never closes before
// the input ends, [INT64_MIN, INT64_MAX): the aggregation's result is written
// once, when the input is exhausted, without window_start/window_end columns.
// allowed_lateness_millis keeps a window open (its state kept, rows still
// counted) until the watermark reaches its end + allowed lateness; it is
// written then (append output: once, final).
struct WindowAggregationSpec {
  std::optional<TimeWindow> window;
  // Session windows per group key (runtime/session_windows.h) instead of
  // `window`: the gap, and the event-time column sessions are cut on.
  std::optional<int64_t> session_gap_millis;
  size_t event_time_column = 0;
  int64_t allowed_lateness_millis = 0;
  OutputMode output_mode = OutputMode::Append;
  std::vector<GroupKeyColumn> keys;
  std::vector<std::string> key_names;
  std::vector<AggregateSpec> aggregates;
};

// Grouped aggregation per event-time window (tumbling or hopping): the operator that ends a pipeline
// fragment. The operator itself is immutable; all mutable data lives in
// LocalState (one per worker thread) and GlobalState (one per run), the
// DuckDB-style split that lets one kernel serve a whole batch run or any
// sequence of micro-batches: only when combine() and emit() run
// differs.
//
// Contract:
//  * consume() runs on worker threads, each with its own LocalState.
//  * combine() runs on the driver thread once per epoch, after every
//    consume() of that epoch returned; it folds the epoch's LocalStates into
//    the GlobalState (windows with many groups in parallel, through the
//    given ParallelFor) and leaves the LocalStates empty for the next epoch.
//  * emit() runs on the driver thread after combine(): in append mode it
//    writes every window whose end + allowed lateness <= watermark (every
//    window when the watermark is INT64_MAX: the input ended) and drops
//    them; in update mode the changed groups of every window, dropping the
//    closed windows; in complete mode every group of every window (nothing
//    is dropped). Session windows: append writes the sessions that closed,
//    complete every session, open or closed, ordered by (end, start, key);
//    update is not supported (the builder refuses it). Otherwise always in window order and within a
//    window in group-key order, and drops their state. Windows not yet
//    closed stay in GlobalState across epochs (what a checkpoint would save).
class WindowAggregation {
 public:
  using WindowTables = std::map<int64_t, std::unique_ptr<GroupTable>>;  // by window start

  // A worker thread's partial aggregation for the current epoch.
  class LocalState {
   public:
    explicit LocalState(MemoryTracker* tracker) : tracker(tracker) {}
    MemoryTracker* tracker;
    WindowTables windows;
    // Session windows only: the run's sessions (the GlobalState's store,
    // which consume() folds full buffers into under its partition locks)
    // and this worker's buffers.
    PartitionedSessionStore* sessions = nullptr;
    std::unique_ptr<PartitionedSessionStore::WorkerBuffers> session_buffers;
    GroupProbeScratch scratch;
    std::vector<uint32_t> group_ids;
    std::vector<const Column*> inputs;
  };

  // The run's open windows; lives across epochs.
  class GlobalState {
   public:
    explicit GlobalState(MemoryTracker* tracker) : tracker(tracker) {}
    MemoryTracker* tracker;
    WindowTables windows;
    std::unique_ptr<PartitionedSessionStore> sessions;  // session windows only
  };

  explicit WindowAggregation(WindowAggregationSpec spec);
  ~WindowAggregation();

  // window_start, window_end (when there is a window), the group-by columns,
  // then the aggregates.
  const std::shared_ptr<const Schema>& output_schema() const { return output_schema_; }
  const WindowAggregationSpec& spec() const { return spec_; }

  // A worker's state for a run whose global state is `global` (session
  // windows: consume() writes the global store's partitions, under their
  // locks, as their buffers fill).
  std::unique_ptr<LocalState> make_local_state(MemoryTracker* tracker, GlobalState& global) const;
  std::unique_ptr<GlobalState> make_global_state(MemoryTracker* tracker) const;

  // Aggregates the rows `selection` of `batch`; window_starts[row] is the
  // start of row's window (indexed by row, not by selection position);
  // null when the spec has no window.
  void consume(const Batch& batch, const SelectionVector& selection, const int64_t* window_starts,
               LocalState& local) const;

  // Folds every LocalState of `locals` into `global`. A window whose
  // partials hold many groups, not far fewer than the global table already
  // has, is merged into a new key-ordered table in parallel
  // (GroupTable::merge_in_key_order); others merge into the global table on
  // the driver thread.
  void combine(const std::vector<LocalState*>& locals, GlobalState& global,
               const ParallelFor& parallel_for = nullptr) const;

  // Empties a LocalState without folding it anywhere (an abandoned epoch;
  // session rows already folded into the global store stay there, so the
  // run must end without emitting again, as it does).
  void discard(LocalState& local) const;

  // Writes the epoch's output (see the contract above) and returns the
  // number of rows written. Without a window, only the end of input
  // (watermark INT64_MAX) closes the one window. Windows with many groups
  // are turned into output batches in parallel with `parallel_for`.
  uint64_t emit(GlobalState& global, int64_t watermark, Sink& sink, MemoryTracker* tracker,
                const ParallelFor& parallel_for = nullptr) const;

  // Number of windows currently open in the global state.
  size_t open_windows(const GlobalState& global) const;

  // The window start of every row when the spec has no window.
  static constexpr int64_t kNoWindowStart = std::numeric_limits<int64_t>::min();

 private:
  // Where an emission's batches go: the sink, rows counted; called as
  // write(batch). Batches built on workers are also encoded there
  // (Sink::encode) and written in order.
  class EmitOutput;

  int64_t window_end(int64_t start) const;
  bool has_window_columns() const { return spec_.window || spec_.session_gap_millis; }
  std::unique_ptr<PartitionedSessionStore> make_session_store(MemoryTracker* tracker) const;
  // Appends the sessions that close at `closing` (dropping or keeping
  // them), handing full batches to `write` (built in parallel chunks when
  // they are many).
  void emit_sessions(GlobalState& global, int64_t closing, PartitionedSessionStore::AfterEmit after_emit,
                     Batch& out, EmitOutput& write, MemoryTracker* tracker,
                     const ParallelFor& parallel_for) const;
  // Appends the output rows of `count` groups of `table` (window `start`);
  // the first `known_keys` of them have their (single) key in `keys`.
  void append_groups(const GroupTable& table, const uint32_t* groups, const int64_t* keys, size_t known_keys,
                     size_t count, int64_t start, Batch& out) const;
  // Appends the rows of `table`'s groups (only those changed since the last
  // trigger when `changed_only`) to `out` in key order, handing full batches
  // to `write` (in parallel chunks for large windows).
  void emit_table(const GroupTable& table, bool changed_only, int64_t start, Batch& out,
                  EmitOutput& write, MemoryTracker* tracker,
                  const ParallelFor& parallel_for) const;
  // Appends the rows of `order`'s groups to `out`, handing full batches to
  // `write` (in parallel chunks for large windows).
  void emit_groups(const GroupTable& table, const GroupTable::KeyOrder& order, int64_t start, Batch& out,
                   EmitOutput& write, MemoryTracker* tracker,
                   const ParallelFor& parallel_for) const;

  // Appends `rows` output rows, append(begin, count, batch) adding rows
  // [begin, begin + count) to `batch` (called for cache-sized pieces, each
  // building all its columns), in chunks of at most kEmitBatchRows handed to
  // `write` in order; built on the workers of `parallel_for` when there are
  // several chunks.
  // `rows` may count positions some of which yield no row (a direct array's
  // entries): `density` (rows per position, at most 1) sizes the chunks'
  // reservations.
  void emit_in_chunks(size_t rows, const std::function<void(size_t, size_t, Batch&)>& append, Batch& out,
                      EmitOutput& write, MemoryTracker* tracker,
                      const ParallelFor& parallel_for, double density = 1.0) const;

  WindowAggregationSpec spec_;
  AggregateStateLayout layout_;
  std::shared_ptr<const Schema> output_schema_;
};

}  // namespace weir
