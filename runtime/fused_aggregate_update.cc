#include "runtime/fused_aggregate_update.h"

#include <utility>

#include "runtime/aggregate_state_structs.h"

namespace weir {
namespace {

using Operation = FusedAggregateUpdate::Operation;

template <Operation Op>
inline void apply(uint8_t* state, const int64_t* values, uint32_t row) {
  if constexpr (Op == Operation::Count) {
    ++reinterpret_cast<CountState*>(state)->count;
  } else if constexpr (Op == Operation::IntSum) {
    auto* s = reinterpret_cast<IntSumState*>(state);
    s->sum += values[row];
    ++s->count;
  } else {
    // Branch-free: a fresh state (has_value 0) takes the value.
    auto* s = reinterpret_cast<IntExtremeState*>(state);
    const int64_t v = values[row];
    const bool keep = s->has_value != 0 && (Op == Operation::IntMin ? s->value <= v : s->value >= v);
    s->value = keep ? s->value : v;
    s->has_value = 1;
  }
}

template <Operation... Ops, size_t... I>
void run(std::index_sequence<I...>, const size_t* offsets, const int64_t* const* values, const uint32_t* rows,
         const uint32_t* group_ids, size_t count, uint8_t* blocks, size_t block_bytes) {
  const size_t offset[] = {offsets[I]...};
  const int64_t* const column[] = {values[I]...};
  for (size_t i = 0; i < count; ++i) {
    uint8_t* block = blocks + size_t{group_ids[i]} * block_bytes;
    const uint32_t row = rows[i];
    (apply<Ops>(block + offset[I], column[I], row), ...);
  }
}

// Picks the instantiation for operations[next, n) after the chosen `Ops`.
template <Operation... Ops>
void dispatch(const Operation* operations, size_t n, size_t next, const size_t* offsets,
              const int64_t* const* values, const uint32_t* rows, const uint32_t* group_ids, size_t count,
              uint8_t* blocks, size_t block_bytes) {
  if constexpr (sizeof...(Ops) > 0) {
    if (next == n) {
      run<Ops...>(std::index_sequence_for<decltype(Ops)...>{}, offsets, values, rows, group_ids, count, blocks,
                  block_bytes);
      return;
    }
  }
  if constexpr (sizeof...(Ops) < FusedAggregateUpdate::kMaxOperations) {
    switch (operations[next]) {
      case Operation::Count:
        return dispatch<Ops..., Operation::Count>(operations, n, next + 1, offsets, values, rows, group_ids, count,
                                                  blocks, block_bytes);
      case Operation::IntSum:
        return dispatch<Ops..., Operation::IntSum>(operations, n, next + 1, offsets, values, rows, group_ids,
                                                   count, blocks, block_bytes);
      case Operation::IntMin:
        return dispatch<Ops..., Operation::IntMin>(operations, n, next + 1, offsets, values, rows, group_ids,
                                                   count, blocks, block_bytes);
      case Operation::IntMax:
        return dispatch<Ops..., Operation::IntMax>(operations, n, next + 1, offsets, values, rows, group_ids,
                                                   count, blocks, block_bytes);
    }
  }
}

bool is_int64_like(DataType type) { return type == DataType::Int64 || type == DataType::Timestamp; }

}  // namespace

FusedAggregateUpdate::FusedAggregateUpdate(const std::vector<AggregateSpec>& specs,
                                           const std::vector<size_t>& offsets) {
  if (specs.empty() || specs.size() > kMaxOperations) return;
  for (size_t a = 0; a < specs.size(); ++a) {
    const AggregateSpec& spec = specs[a];
    Operation operation;
    switch (spec.kind) {
      case AggregateKind::CountStar:
      case AggregateKind::Count:
        operation = Operation::Count;
        break;
      case AggregateKind::Sum:
      case AggregateKind::Avg:
        if (spec.input_type != DataType::Int64) return;
        operation = Operation::IntSum;
        break;
      case AggregateKind::Min:
      case AggregateKind::Max:
        if (!is_int64_like(spec.input_type)) return;
        operation = spec.kind == AggregateKind::Min ? Operation::IntMin : Operation::IntMax;
        break;
      default:
        return;
    }
    operations_[a] = operation;
    offsets_[a] = offsets[a];
    aggregate_[a] = a;
    reads_column_[a] = spec.kind != AggregateKind::CountStar;
  }
  num_operations_ = specs.size();
}

bool FusedAggregateUpdate::try_update(const std::vector<const Column*>& inputs, const uint32_t* rows,
                                      const uint32_t* group_ids, size_t count, uint8_t* blocks,
                                      size_t block_bytes) const {
  if (num_operations_ == 0) return false;
  const int64_t* values[kMaxOperations] = {};
  for (size_t a = 0; a < num_operations_; ++a) {
    if (!reads_column_[a]) continue;
    const Column& column = *inputs[aggregate_[a]];
    if (column.has_nulls()) return false;
    if (operations_[a] != Operation::Count) values[a] = column.int64_data();
  }
  dispatch<>(operations_, num_operations_, 0, offsets_, values, rows, group_ids, count, blocks, block_bytes);
  return true;
}

}  // namespace weir
