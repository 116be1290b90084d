#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "memory/arena.h"
#include "runtime/aggregate_function.h"
#include "runtime/column.h"
#include "runtime/fused_aggregate_update.h"

namespace weir {

// The state of a pipeline's aggregates for one group, laid out as one
// fixed-size, 16-byte aligned block per group (row-major), and the
// column-at-a-time loops that update, merge and finalize such blocks.
//
// Contract: an AggregateStateLayout is immutable and shared by all threads.
// update() and merge() write only the blocks they are given; callers ensure
// one thread owns a block (thread-local tables during an epoch; the global
// table during combine, on the driver thread). String min/max copy the
// winning value into the arena of the table that owns the block.
class AggregateStateLayout {
 public:
  explicit AggregateStateLayout(std::vector<AggregateSpec> specs);

  const std::vector<AggregateSpec>& specs() const { return specs_; }
  size_t block_bytes() const { return block_bytes_; }

  // Writes the initial state of one group into `block`.
  void initialize(uint8_t* block) const;

  // For i in [0, count): folds row rows[i] of the batch columns into the block
  // of group group_ids[i] (block address = blocks + group_ids[i] * block_bytes()).
  void update(const std::vector<const Column*>& inputs, const uint32_t* rows, const uint32_t* group_ids,
              size_t count, uint8_t* blocks, Arena& arena) const;

  // The same for rows that all belong to one group (no GROUP BY): each
  // aggregate is reduced over the rows column-at-a-time, with SIMD kernels,
  // into a partial state that is then merged into `block`. `rows` are
  // ascending; `all_rows` says they are exactly 0..count-1 (no gather).
  void update_single_group(const std::vector<const Column*>& inputs, const uint32_t* rows, size_t count,
                           bool all_rows, uint8_t* block, Arena& arena) const;

  // Folds `source` into `target` (both blocks of this layout).
  void merge(uint8_t* target, const uint8_t* source, Arena& arena) const;

  // Appends the final value of aggregate `index` of `block` to `out` (whose
  // type is specs()[index].output_type()). Throws InputError when an int64
  // sum overflowed.
  void finalize(size_t index, const uint8_t* block, Column& out) const;
  // The same for `count` blocks at once, column-at-a-time (the output of a
  // whole chunk of groups): appends aggregate `index` of blocks[0, count) to
  // `out` in order. Equal to calling finalize() per block; on an int64 sum
  // overflow throws the same InputError and leaves `out` as it was.
  void finalize_column(size_t index, const uint8_t* const* blocks, size_t count, Column& out) const;

 private:
  std::vector<AggregateSpec> specs_;
  std::vector<size_t> offsets_;
  size_t block_bytes_ = 0;
  FusedAggregateUpdate fused_{{}, {}};  // one pass for all aggregates, when it applies
};

}  // namespace weir
