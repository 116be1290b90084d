#pragma once

// The state StreamJoin keeps between its calls, shared by its files
// (runtime/stream_join.cc, runtime/stream_join_pair_pushdown.cc); not part
// of the join's interface.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "runtime/join_key_index.h"
#include "runtime/stream_join.h"
#include "runtime/top_rows.h"

namespace weir {

// Rows per output batch of emit() (and per chunk of the pair ranking).
inline constexpr size_t kJoinOutputBatchRows = 64 * 1024;

// One pair of the epoch: rows of the partition's left and right state.
struct StreamJoin::Pair {
  uint64_t later;    // the ordinal of the row that arrived later
  uint64_t earlier;  // the other row's
  uint8_t later_side;  // 0: the later row is the left one (ties: left first)
  uint32_t left_row;
  uint32_t right_row;
  uint32_t partition;
  bool operator<(const Pair& other) const {
    if (later != other.later) return later < other.later;
    if (earlier != other.earlier) return earlier < other.earlier;
    return later_side < other.later_side;
  }
};

// The rows of one key-hash partition of both inputs, kept across epochs.
struct StreamJoin::PartitionState {
  PartitionState(SideRows left, SideRows right, MemoryTracker* tracker)
      : rows{std::move(left), std::move(right)}, tracker(tracker) {}
  std::array<SideRows, 2> rows;
  MemoryTracker* tracker;
  // newest[side]: key -> the newest row of that key + 1; previous[side][r]:
  // the row of the same key before r, + 1 (0: none).
  std::array<JoinKeyIndex, 2> newest;
  std::array<std::vector<uint32_t>, 2> previous;
  std::vector<Pair> pairs;  // the last combine's, in output order (sorted)
  // keep_extreme_pairs scratch: per S row, its best pair's index + 1 (all
  // 0 between calls).
  std::vector<uint32_t> best_pair_of_row;
  size_t rows_after_compaction = 0;  // both sides, after the last expire() compaction
};

// The top-N of the next stage, run over narrow batches of each emit's pairs:
// the ranked output columns (sources[j]: side and carried column of narrow
// column j), then the pair's index in the emit.
struct StreamJoin::PairRanking {
  std::shared_ptr<const Schema> narrow_schema;
  std::vector<std::pair<size_t, size_t>> sources;
  std::unique_ptr<TopRows> top;
};

// Appends, for each of `count` pairs, the value of carried column `column`
// of the pair's `side` row.
void gather_join_column(const std::vector<std::unique_ptr<StreamJoin::PartitionState>>& partitions,
                        const StreamJoin::Pair* pairs, size_t count, size_t side, size_t column, Column& to);

}  // namespace weir
