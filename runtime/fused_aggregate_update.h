#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/aggregate_function.h"
#include "runtime/column.h"

namespace weir {

// A grouped update that folds every aggregate of a row in one pass over the
// rows, for the common layouts whose aggregates are all count, int64 sum/avg
// and int64/timestamp min/max over columns without NULLs (at most
// kMaxOperations of them). AggregateStateLayout::update() uses it when it
// applies and otherwise makes one pass per aggregate: one pass reads each
// row's group id, row number and block address once instead of once per
// aggregate.
//
// Contract: built once with the layout (immutable, shared by all threads);
// try_update() is called on the thread that owns the blocks, with the same
// arguments as AggregateStateLayout::update(), and returns false (having
// written nothing) when the plan does not apply to these columns.
class FusedAggregateUpdate {
 public:
  static constexpr size_t kMaxOperations = 3;

  FusedAggregateUpdate(const std::vector<AggregateSpec>& specs, const std::vector<size_t>& offsets);

  bool try_update(const std::vector<const Column*>& inputs, const uint32_t* rows, const uint32_t* group_ids,
                  size_t count, uint8_t* blocks, size_t block_bytes) const;

  enum class Operation : uint8_t { Count, IntSum, IntMin, IntMax };

 private:
  size_t num_operations_ = 0;  // 0: the layout does not qualify
  Operation operations_[kMaxOperations] = {};
  size_t offsets_[kMaxOperations] = {};
  // Index into `inputs` of the operation's column; counts read no value but
  // count(c) still needs c to have no NULLs.
  size_t aggregate_[kMaxOperations] = {};
  bool reads_column_[kMaxOperations] = {};
};

}  // namespace weir
