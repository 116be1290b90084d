#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "memory/huge_pages.h"
#include "memory/memory_tracker.h"
#include "runtime/batch.h"
#include "runtime/parallel_for.h"
#include "runtime/schema.h"
#include "runtime/sink.h"
#include "runtime/top_rows.h"

namespace weir {

// What a stream join joins: two inputs taken from one stream (the rows of
// one source; the caller decides which rows belong to which input, e.g. by
// event kind), matched on one int64-backed key column each, and the input
// columns each side carries into the output.
struct StreamJoinSpec {
  size_t left_key_column = 0;
  size_t right_key_column = 0;
  std::vector<size_t> left_columns;  // input columns, in output order
  std::vector<size_t> right_columns;
  std::vector<std::string> left_names;  // their output names (all distinct)
  std::vector<std::string> right_names;
  // A window join: rows match only when their event times (these int64 or
  // timestamp columns; NULL: the row matches nothing) fall in the same
  // tumbling window of this size, aligned to the epoch. The output then
  // starts with window_start and window_end.
  std::optional<int64_t> window_millis;
  size_t left_time_column = 0;
  size_t right_time_column = 0;
  // An interval join (not with a window): each row spans the event-time
  // interval [time, until] of its input's time column and `until` column
  // (none: [time, time]), and rows match only when their intervals
  // intersect: l.time <= r.until AND r.time <= l.until (for a point right
  // input, l.time <= r.time <= l.until: SQL's r.time BETWEEN l.time AND
  // l.until). NULL bounds match nothing. The pipeline drops rows whose time
  // is below the watermark before them (late), and expire() forgets the
  // rows whose until is below the watermark: no row on time can match them.
  bool interval = false;
  std::optional<size_t> left_until_column;
  std::optional<size_t> right_until_column;
  // A distinct input keeps, of its rows with equal keys (and window), only
  // the first in stream order: SQL's GROUP BY key (, window) before the join.
  bool left_distinct = false;
  bool right_distinct = false;
};

// An incremental inner equi-join over an unbounded stream, with the rows of
// both inputs kept as state across epochs (as Flink's regular join without a
// state TTL). Every pair (l, r) whose keys are equal and not NULL is
// produced exactly once, in the epoch that delivers the later of its two
// rows, and the output is ordered by (ordinal of the later row, ordinal of
// the earlier row, left before right): a total order on the stream, so the
// output rows and their order do not depend on triggers, epoch cuts, morsel
// sizes or thread counts (for a source with one partition; with several,
// ordinals follow the cut order, and only the set of rows is invariant). A
// row that belongs to both inputs joins the other input's earlier rows,
// and itself.
//
// Output columns: the left input's carried columns, then the right's
// (after window_start and window_end for a window join).
//
// Execution, with the contract of WindowAggregation:
//   consume (worker threads, in parallel, morsels in any order): copies the
//     key, ordinal and carried values of each input's rows into the
//     worker's LocalState, split into partitions by a hash of the key.
//   combine (driver thread, once per epoch, after every consume of the
//     epoch): per partition, on the workers of `parallel_for`, orders the
//     epoch's rows of every worker by ordinal and runs them through the
//     partition's state: a row is matched against the other input's rows of
//     its key, then kept. The epoch's pairs stay in the GlobalState.
//   emit (driver thread, after combine): writes the epoch's joined rows to
//     the sink in output order, and forgets the pairs.
class StreamJoin {
 public:
  static constexpr size_t kPartitions = 32;

  // Throws ConfigError when a key column is not int64-backed (int64,
  // timestamp), or there are no output columns, or their names are not
  // distinct.
  StreamJoin(std::shared_ptr<const Schema> input, StreamJoinSpec spec);
  ~StreamJoin();

  const std::shared_ptr<const Schema>& output_schema() const { return output_schema_; }
  const StreamJoinSpec& spec() const { return spec_; }

  // One input's rows of one partition: keys, window starts, ordinals,
  // carried values.
  // (Only the columns of `carried` are sized; its row count stays 0.)
  // The vectors' resize(n) leaves new elements uninitialized: they are
  // written right after (HugePageAllocator).
  // Only what varies is stored: `windows` only in a window join (else every
  // window is 0), `lows` only in an interval join, `highs` only for a side
  // whose rows span an interval (else each row's high is its low).
  template <typename T>
  using RowVector = std::vector<T, HugePageAllocator<T>>;
  struct SideRows {
    SideRows(std::shared_ptr<const Schema> carried_schema, MemoryTracker* tracker, bool with_windows,
             bool with_lows, bool with_highs)
        : carried(std::move(carried_schema), tracker),
          with_windows(with_windows),
          with_lows(with_lows),
          with_highs(with_highs) {}
    Batch carried;
    bool with_windows;
    bool with_lows;
    bool with_highs;
    RowVector<int64_t> keys;
    RowVector<int64_t> windows;
    RowVector<uint64_t> ordinals;
    RowVector<int64_t> lows;  // interval joins: [low, high] of each row
    RowVector<int64_t> highs;
    size_t size() const { return keys.size(); }
    int64_t window(size_t row) const { return with_windows ? windows[row] : 0; }
    int64_t high(size_t row) const { return with_highs ? highs[row] : lows[row]; }
    // Empties the rows, keeping the vectors' capacity.
    void clear();
  };
  // An empty SideRows of input `side` (0 = left), storing what this join needs.
  SideRows make_side_rows(size_t side, MemoryTracker* tracker) const;

  struct LocalState {
    // parts[p][side]: rows consumed since the last combine (side 0 = left).
    std::vector<std::array<std::unique_ptr<SideRows>, 2>> parts;
    // consume() scratch, reused across morsels: each kept row and its
    // partition, then the rows grouped by partition.
    std::vector<uint32_t> kept_rows;
    std::vector<uint8_t> kept_partitions;
    std::vector<uint32_t> rows_by_partition;
  };
  // The state of both inputs, per key-hash partition.
  struct PartitionState;
  struct GlobalState {
    GlobalState();
    ~GlobalState();
    std::vector<std::unique_ptr<PartitionState>> partitions;
  };

  std::unique_ptr<LocalState> make_local_state(MemoryTracker* tracker) const;
  std::unique_ptr<GlobalState> make_global_state(MemoryTracker* tracker) const;

  // Takes rows left_rows[0, left_count) of `batch` into the left input and
  // right_rows[0, right_count) into the right (either may be empty; a row
  // may be in both). Rows with a NULL key are dropped: they match nothing.
  void consume(const Batch& batch, const uint32_t* left_rows, size_t left_count, const uint32_t* right_rows,
               size_t right_count, LocalState& local) const;

  // Folds every local state's rows into the join state, producing the
  // epoch's pairs, and empties the local states.
  void combine(const std::vector<LocalState*>& locals, GlobalState& global, const ParallelFor& parallel_for) const;

  // Drops the rows consumed since the last combine (an abandoned epoch).
  void discard(LocalState& local) const;

  // Interval joins: forgets the rows whose interval ends below `watermark`
  // (the pipeline's, after the epoch's combine), compacting a partition's
  // state when most of it has expired. Other joins keep every row.
  void expire(GlobalState& global, int64_t watermark, const ParallelFor& parallel_for) const;

  // Writes the pairs of the last combine; returns the rows written. The
  // output batches are built on the workers of `parallel_for` (empty:
  // serially) and handed to the sink whole (Sink::write_owned).
  uint64_t emit(GlobalState& global, Sink& sink, MemoryTracker* tracker,
                const ParallelFor& parallel_for = nullptr) const;

  // Set by the pipeline builder when the next stage does nothing but rank
  // this join's rows with a top-N (no filter, no window): `ranking` is that
  // stage's TopRowsSpec over this join's output columns (its `columns` are
  // ignored). emit() then writes, of each emit's pairs, only those that
  // rank within the limit among the pairs of the same emit, in their order.
  // A pair ranked out there is ranked out among everything the next stage
  // sees (rows of other epochs only add competitors, and the next stage
  // breaks ties by stream position, which follows the pairs' order), so its
  // result is unchanged, and the columns of the dropped pairs are never
  // copied. Returns false, changing nothing, when `ranking` names
  // window_start or window_end; throws ConfigError when TopRows would.
  bool keep_only_ranked_pairs(const TopRowsSpec& ranking);

  // Set by the pipeline builder when the next stage does nothing but group
  // this join's rows and take min or max of columns (no filter, no window,
  // no select list, no top-N): `group_columns` and each aggregate's
  // (column, is max) are output columns of this join. Applies when every
  // group column comes from one side S, this is not a window join, and the
  // other side's columns are aggregated by at most one (column, min or max),
  // of an int64 or timestamp column. combine() then keeps, of the epoch's
  // pairs of each S row, only the first (in output order) with the extreme
  // value (a NULL loses to any value; without such an aggregate, the
  // first). The pairs of one S row fall in one group of the next stage and
  // agree on S's columns, so min and max over them equal those of the kept
  // pair: the next stage's result is unchanged (min and max depend neither
  // on the rows' order nor on their count), and the other pairs are never
  // materialized. Returns false, changing nothing, when it does not apply.
  bool keep_only_extreme_pairs(const std::vector<size_t>& group_columns,
                               const std::vector<std::pair<size_t, bool>>& extremes);

  // Rows kept in the state (both inputs), for summaries and tests.
  static uint64_t state_rows(const GlobalState& global);

 // One output pair (in stream_join.cc).
  struct Pair;

 private:
  struct PairRanking;
  // See keep_only_extreme_pairs.
  struct ExtremePairs {
    size_t side = 0;                     // S: the side whose rows are grouped
    std::optional<size_t> value_column;  // the other side's carried column
    bool maximum = true;
  };
  // Keeps, of the partition's pairs (in output order), the first with the
  // extreme value of each S row.
  void keep_extreme_pairs(PartitionState& state) const;
  // Keeps, of `pairs` (in output order), those that pair_ranking_ keeps.
  void keep_ranked_pairs(GlobalState& global, std::vector<Pair>& pairs, MemoryTracker* tracker,
                         const ParallelFor& parallel_for) const;
  void combine_partition(const std::vector<LocalState*>& locals, size_t partition, PartitionState& state) const;

  std::shared_ptr<const Schema> input_;
  StreamJoinSpec spec_;
  std::array<std::shared_ptr<const Schema>, 2> carried_schemas_;  // per side
  std::shared_ptr<const Schema> output_schema_;
  std::unique_ptr<PairRanking> pair_ranking_;  // see keep_only_ranked_pairs
  std::optional<ExtremePairs> extreme_pairs_;  // see keep_only_extreme_pairs
};

}  // namespace weir
