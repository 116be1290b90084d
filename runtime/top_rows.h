#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "memory/memory_tracker.h"
#include "runtime/batch.h"
#include "runtime/schema.h"
#include "runtime/selection_vector.h"
#include "runtime/sink.h"
#include "runtime/time_window.h"

namespace weir {

// What TopRows keeps: per window (tumbling or hopping; none: the whole
// input) and per partition (the values of `partition_columns`, NULL a value
// of its own), the rows that rank first by `order_by`:
//   with_ties:  RANK() <= limit    (every row tied with the limit-th is kept)
//   otherwise:  ROW_NUMBER() <= limit, rows tied on every order key ranked by
//               their position in the stream (the earlier first)
// SQL: SELECT ... QUALIFY rank() OVER (PARTITION BY window, partition_columns
// ORDER BY order_by) <= limit; "the maximum per window joined back to its
// rows" is limit 1 with ties.
struct TopRowsSpec {
  static constexpr size_t kMaxPartitionColumns = 4;
  static constexpr size_t kMaxOrderKeys = 4;
  struct OrderKey {
    size_t column = 0;  // int64, timestamp or float64
    bool descending = false;
  };
  std::optional<TimeWindow> window;
  int64_t allowed_lateness_millis = 0;
  std::vector<size_t> partition_columns;  // int64-backed (int64, timestamp)
  std::vector<OrderKey> order_by;         // 1..kMaxOrderKeys; NULLs rank last
  size_t limit = 1;
  bool with_ties = true;
  std::vector<size_t> columns;  // input columns carried into the output
  std::vector<std::string> names;
};

// The top-N operator: keeps, per window and partition, only the rows that can
// still rank within the limit (a row ranked out is dropped at once, so the
// state is the result, not the input) and writes them when the window closes
// (append output; without a window, when the input ends).
//
// Output columns: window_start and window_end (with a window), then
// `columns` under `names`; rows ordered by window start, partition values
// (NULL last), rank, then stream position: identical under every trigger,
// cut, thread count and morsel size for a source with one partition. With
// several, stream positions follow the cut order, so which of the rows tied
// on every order key ROW_NUMBER keeps, and the order of RANK's ties, may
// differ between cuts (as StreamJoin's pair order).
//
// Execution, with the contract of WindowAggregation:
//   consume (worker threads, each with its own LocalState): offers the
//     selected rows of a batch to their window's and partition's ranking,
//     copying only the rows that rank within the limit so far.
//   combine (driver thread, once per epoch, after every consume): offers
//     every LocalState's rows to the GlobalState, and empties the locals.
//   emit (driver thread, after combine): writes and drops every window whose
//     end + allowed lateness <= watermark (all of them at INT64_MAX).
class TopRows {
 public:
  struct Table;  // one window's partitions and their ranked rows
  using Tables = std::map<int64_t, std::unique_ptr<Table>>;  // by window start

  struct LocalState {
    explicit LocalState(MemoryTracker* tracker);
    ~LocalState();
    MemoryTracker* tracker;
    Tables windows;
  };
  struct GlobalState {
    explicit GlobalState(MemoryTracker* tracker);
    ~GlobalState();
    MemoryTracker* tracker;
    Tables windows;
  };

  // Throws ConfigError (without a field prefix) when a partition column is
  // not int64-backed, an order key is not numeric, there are no order keys
  // or too many, the limit is 0, or the output names are not distinct.
  TopRows(std::shared_ptr<const Schema> input, TopRowsSpec spec);
  ~TopRows();

  const std::shared_ptr<const Schema>& output_schema() const { return output_schema_; }
  const TopRowsSpec& spec() const { return spec_; }

  std::unique_ptr<LocalState> make_local_state(MemoryTracker* tracker) const;
  std::unique_ptr<GlobalState> make_global_state(MemoryTracker* tracker) const;

  // Offers the rows `selection` of `batch`; window_starts[row] is the start
  // of the row's window (indexed by row; null without a window). A row of a
  // hopping window is offered once per window it is on time for.
  void consume(const Batch& batch, const SelectionVector& selection, const int64_t* window_starts,
               LocalState& local) const;

  void combine(const std::vector<LocalState*>& locals, GlobalState& global) const;

  // Empties a LocalState (an abandoned epoch).
  void discard(LocalState& local) const;

  // Writes the closed windows (see above); returns the rows written.
  uint64_t emit(GlobalState& global, int64_t watermark, Sink& sink, MemoryTracker* tracker) const;

  static constexpr int64_t kNoWindowStart = std::numeric_limits<int64_t>::min();

 private:
  std::unique_ptr<Table> make_table(MemoryTracker* tracker) const;

  std::shared_ptr<const Schema> input_;
  TopRowsSpec spec_;
  std::shared_ptr<const Schema> carried_schema_;
  std::shared_ptr<const Schema> output_schema_;
};

}  // namespace weir
