#include "runtime/aggregate_state.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "runtime/aggregate_state_structs.h"
#include "runtime/column_reduction.h"
#include "runtime/errors.h"
#include "runtime/exact_float_sum.h"

namespace weir {
namespace {

// Total order on doubles used by min/max: NaN is greater than every number
// (as in DuckDB and PostgreSQL), and -0.0 is less than 0.0 so that the result
// does not depend on which of the two equal zeros came first.
bool float_less(double a, double b) { return float_total_less(a, b); }

size_t state_bytes(const AggregateSpec& spec) {
  switch (spec.kind) {
    case AggregateKind::CountStar:
    case AggregateKind::Count:
      return sizeof(CountState);
    case AggregateKind::Sum:
    case AggregateKind::Avg:
      return spec.input_type == DataType::Float64 ? sizeof(FloatSumState) : sizeof(IntSumState);
    case AggregateKind::Min:
    case AggregateKind::Max:
      if (spec.input_type == DataType::String) return sizeof(StringExtremeState);
      return spec.input_type == DataType::Float64 ? sizeof(FloatExtremeState) : sizeof(IntExtremeState);
  }
  return 0;
}

size_t round_up_16(size_t bytes) { return (bytes + 15) & ~size_t{15}; }

template <typename State>
State& state_at(uint8_t* blocks, uint32_t group, size_t block_bytes, size_t offset) {
  return *reinterpret_cast<State*>(blocks + size_t{group} * block_bytes + offset);
}

// Applies fold(state, value) for every selected row whose input is not NULL,
// with a branch-free inner loop when the column has no NULLs.
template <typename State, typename Value, typename Fold>
void fold_rows(const Column& column, const Value* values, const uint32_t* rows, const uint32_t* groups,
               size_t count, uint8_t* blocks, size_t block_bytes, size_t offset, Fold fold) {
  if (!column.has_nulls()) {
    for (size_t i = 0; i < count; ++i) {
      fold(state_at<State>(blocks, groups[i], block_bytes, offset), values[rows[i]]);
    }
    return;
  }
  for (size_t i = 0; i < count; ++i) {
    const uint32_t row = rows[i];
    if (column.is_valid(row)) fold(state_at<State>(blocks, groups[i], block_bytes, offset), values[row]);
  }
}

void keep_string(StringExtremeState& state, std::string_view value, Arena& arena) {
  const std::string_view copy = arena.copy(value);
  state.data = copy.data();
  state.size = copy.size();
  state.has_value = 1;
}

std::string_view string_of(const StringExtremeState& state) {
  return std::string_view(state.data, static_cast<size_t>(state.size));
}

}  // namespace

AggregateStateLayout::AggregateStateLayout(std::vector<AggregateSpec> specs) : specs_(std::move(specs)) {
  for (const AggregateSpec& spec : specs_) {
    offsets_.push_back(block_bytes_);
    block_bytes_ += round_up_16(state_bytes(spec));
  }
  if (block_bytes_ == 0) block_bytes_ = 16;
  fused_ = FusedAggregateUpdate(specs_, offsets_);
}

void AggregateStateLayout::initialize(uint8_t* block) const { std::memset(block, 0, block_bytes_); }

void AggregateStateLayout::update(const std::vector<const Column*>& inputs, const uint32_t* rows,
                                  const uint32_t* groups, size_t count, uint8_t* blocks,
                                  Arena& arena) const {
  const size_t bb = block_bytes_;
  if (fused_.try_update(inputs, rows, groups, count, blocks, bb)) return;
  for (size_t a = 0; a < specs_.size(); ++a) {
    const AggregateSpec& spec = specs_[a];
    const size_t offset = offsets_[a];
    if (spec.kind == AggregateKind::CountStar) {
      for (size_t i = 0; i < count; ++i) ++state_at<CountState>(blocks, groups[i], bb, offset).count;
      continue;
    }
    const Column& column = *inputs[a];
    const DataType type = spec.input_type;
    switch (spec.kind) {
      case AggregateKind::CountStar:
        break;
      case AggregateKind::Count:
        if (!column.has_nulls()) {
          for (size_t i = 0; i < count; ++i) ++state_at<CountState>(blocks, groups[i], bb, offset).count;
        } else {
          for (size_t i = 0; i < count; ++i) {
            if (column.is_valid(rows[i])) ++state_at<CountState>(blocks, groups[i], bb, offset).count;
          }
        }
        break;
      case AggregateKind::Sum:
      case AggregateKind::Avg:
        if (type == DataType::Float64) {
          fold_rows<FloatSumState>(column, column.float64_data(), rows, groups, count, blocks, bb, offset,
                                   [](FloatSumState& s, double v) {
                                     s.sum.add(v);
                                     ++s.count;
                                   });
        } else {
          fold_rows<IntSumState>(column, column.int64_data(), rows, groups, count, blocks, bb, offset,
                                 [](IntSumState& s, int64_t v) {
                                   s.sum += v;
                                   ++s.count;
                                 });
        }
        break;
      case AggregateKind::Min:
      case AggregateKind::Max: {
        const bool is_min = spec.kind == AggregateKind::Min;
        if (type == DataType::Float64) {
          fold_rows<FloatExtremeState>(column, column.float64_data(), rows, groups, count, blocks, bb, offset,
                                       [is_min](FloatExtremeState& s, double v) {
                                         if (!s.has_value || (is_min ? float_less(v, s.value)
                                                                     : float_less(s.value, v))) {
                                           s.value = v;
                                           s.has_value = 1;
                                         }
                                       });
        } else if (type == DataType::String) {
          for (size_t i = 0; i < count; ++i) {
            const uint32_t row = rows[i];
            if (!column.is_valid(row)) continue;
            auto& s = state_at<StringExtremeState>(blocks, groups[i], bb, offset);
            const std::string_view value = column.string_at(row);
            if (!s.has_value || (is_min ? value < string_of(s) : string_of(s) < value)) {
              keep_string(s, value, arena);
            }
          }
        } else if (is_min) {
          fold_rows<IntExtremeState>(column, column.int64_data(), rows, groups, count, blocks, bb, offset,
                                     [](IntExtremeState& s, int64_t v) {
                                       if (!s.has_value || v < s.value) s.value = v;
                                       s.has_value = 1;
                                     });
        } else {
          fold_rows<IntExtremeState>(column, column.int64_data(), rows, groups, count, blocks, bb, offset,
                                     [](IntExtremeState& s, int64_t v) {
                                       if (!s.has_value || v > s.value) s.value = v;
                                       s.has_value = 1;
                                     });
        }
        break;
      }
    }
  }
}

void AggregateStateLayout::update_single_group(const std::vector<const Column*>& inputs, const uint32_t* rows,
                                               size_t count, bool all_rows, uint8_t* block,
                                               Arena& arena) const {
  if (count == 0) return;
  alignas(16) uint8_t partial_storage[256];
  std::vector<uint8_t> partial_heap;
  uint8_t* partial = partial_storage;
  if (block_bytes_ > sizeof(partial_storage)) {
    partial_heap.resize(block_bytes_ + 16);
    partial = reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(partial_heap.data()) + 15) & ~uintptr_t{15});
  }
  initialize(partial);
  const Column* reduced_column = nullptr;  // the column int_/float_reduction hold the reduction of
  Int64Reduction int_reduction;
  Float64Reduction float_reduction;
  for (size_t a = 0; a < specs_.size(); ++a) {
    const AggregateSpec& spec = specs_[a];
    uint8_t* state = partial + offsets_[a];
    if (spec.kind == AggregateKind::CountStar) {
      reinterpret_cast<CountState*>(state)->count = static_cast<int64_t>(count);
      continue;
    }
    const Column& column = *inputs[a];
    if (spec.input_type == DataType::String || spec.input_type == DataType::Bool) {
      // String min/max and counts of string/bool columns keep the
      // row-at-a-time path (group 0 of a one-aggregate layout = `state`).
      const std::vector<uint32_t> zeros(count, 0);
      const AggregateStateLayout single({spec});
      single.update({&column}, rows, zeros.data(), count, state, arena);
      continue;
    }
    const uint64_t* validity = column.has_nulls() ? column.validity_words() : nullptr;
    const uint32_t* selection = all_rows ? nullptr : rows;
    // One pass per column: the kernels compute count, sum, min and max
    // together, so aggregates over the column reduced last reuse its result.
    const bool reduce = &column != reduced_column;
    reduced_column = &column;
    if (spec.input_type == DataType::Float64) {
      if (reduce) float_reduction = reduce_float64(column.float64_data(), validity, selection, count);
      const Float64Reduction& r = float_reduction;
      switch (spec.kind) {
        case AggregateKind::Count:
          reinterpret_cast<CountState*>(state)->count = static_cast<int64_t>(r.count);
          break;
        case AggregateKind::Sum:
        case AggregateKind::Avg: {
          auto& s = *reinterpret_cast<FloatSumState*>(state);
          s.sum.hi = r.sum_hi;
          s.sum.lo = r.sum_lo;
          s.sum.non_finite = r.sum_non_finite;
          s.count = static_cast<int64_t>(r.count);
          break;
        }
        default: {
          auto& s = *reinterpret_cast<FloatExtremeState*>(state);
          s.value = spec.kind == AggregateKind::Min ? r.min : r.max;
          s.has_value = r.count > 0 ? 1 : 0;
          break;
        }
      }
    } else {
      if (reduce) int_reduction = reduce_int64(column.int64_data(), validity, selection, count);
      const Int64Reduction& r = int_reduction;
      switch (spec.kind) {
        case AggregateKind::Count:
          reinterpret_cast<CountState*>(state)->count = static_cast<int64_t>(r.count);
          break;
        case AggregateKind::Sum:
        case AggregateKind::Avg: {
          auto& s = *reinterpret_cast<IntSumState*>(state);
          s.sum = r.sum;
          s.count = static_cast<int64_t>(r.count);
          break;
        }
        default: {
          auto& s = *reinterpret_cast<IntExtremeState*>(state);
          s.value = spec.kind == AggregateKind::Min ? r.min : r.max;
          s.has_value = r.count > 0 ? 1 : 0;
          break;
        }
      }
    }
  }
  merge(block, partial, arena);
}

void AggregateStateLayout::merge(uint8_t* target, const uint8_t* source, Arena& arena) const {
  for (size_t a = 0; a < specs_.size(); ++a) {
    const AggregateSpec& spec = specs_[a];
    uint8_t* t = target + offsets_[a];
    const uint8_t* s = source + offsets_[a];
    switch (spec.kind) {
      case AggregateKind::CountStar:
      case AggregateKind::Count:
        reinterpret_cast<CountState*>(t)->count += reinterpret_cast<const CountState*>(s)->count;
        break;
      case AggregateKind::Sum:
      case AggregateKind::Avg:
        if (spec.input_type == DataType::Float64) {
          auto& to = *reinterpret_cast<FloatSumState*>(t);
          const auto& from = *reinterpret_cast<const FloatSumState*>(s);
          to.sum.merge(from.sum);
          to.count += from.count;
        } else {
          auto& to = *reinterpret_cast<IntSumState*>(t);
          const auto& from = *reinterpret_cast<const IntSumState*>(s);
          to.sum += from.sum;
          to.count += from.count;
        }
        break;
      case AggregateKind::Min:
      case AggregateKind::Max: {
        const bool is_min = spec.kind == AggregateKind::Min;
        if (spec.input_type == DataType::Float64) {
          auto& to = *reinterpret_cast<FloatExtremeState*>(t);
          const auto& from = *reinterpret_cast<const FloatExtremeState*>(s);
          if (from.has_value && (!to.has_value || (is_min ? float_less(from.value, to.value)
                                                          : float_less(to.value, from.value)))) {
            to = from;
          }
        } else if (spec.input_type == DataType::String) {
          auto& to = *reinterpret_cast<StringExtremeState*>(t);
          const auto& from = *reinterpret_cast<const StringExtremeState*>(s);
          if (from.has_value && (!to.has_value || (is_min ? string_of(from) < string_of(to)
                                                          : string_of(to) < string_of(from)))) {
            keep_string(to, string_of(from), arena);
          }
        } else {
          auto& to = *reinterpret_cast<IntExtremeState*>(t);
          const auto& from = *reinterpret_cast<const IntExtremeState*>(s);
          if (from.has_value &&
              (!to.has_value || (is_min ? from.value < to.value : from.value > to.value))) {
            to = from;
          }
        }
        break;
      }
    }
  }
}

void AggregateStateLayout::finalize(size_t index, const uint8_t* block, Column& out) const {
  const AggregateSpec& spec = specs_[index];
  const uint8_t* state = block + offsets_[index];
  switch (spec.kind) {
    case AggregateKind::CountStar:
    case AggregateKind::Count:
      out.append_int64(reinterpret_cast<const CountState*>(state)->count);
      return;
    case AggregateKind::Sum:
    case AggregateKind::Avg: {
      const bool is_avg = spec.kind == AggregateKind::Avg;
      if (spec.input_type == DataType::Float64) {
        const auto& s = *reinterpret_cast<const FloatSumState*>(state);
        if (s.count == 0) {
          out.append_null();
        } else {
          const double sum = s.sum.value();
          out.append_float64(is_avg ? sum / static_cast<double>(s.count) : sum);
        }
        return;
      }
      const auto& s = *reinterpret_cast<const IntSumState*>(state);
      if (s.count == 0) {
        out.append_null();
      } else if (is_avg) {
        out.append_float64(static_cast<double>(s.sum) / static_cast<double>(s.count));
      } else {
        if (s.sum > std::numeric_limits<int64_t>::max() || s.sum < std::numeric_limits<int64_t>::min()) {
          throw InputError("sum overflows int64 in " + spec.output_name +
                           " (the exact sum does not fit in a signed 64-bit integer)");
        }
        out.append_int64(static_cast<int64_t>(s.sum));
      }
      return;
    }
    case AggregateKind::Min:
    case AggregateKind::Max:
      if (spec.input_type == DataType::Float64) {
        const auto& s = *reinterpret_cast<const FloatExtremeState*>(state);
        s.has_value ? out.append_float64(s.value) : out.append_null();
      } else if (spec.input_type == DataType::String) {
        const auto& s = *reinterpret_cast<const StringExtremeState*>(state);
        s.has_value ? out.append_string(string_of(s)) : out.append_null();
      } else {
        const auto& s = *reinterpret_cast<const IntExtremeState*>(state);
        s.has_value ? out.append_int64(s.value) : out.append_null();
      }
      return;
  }
}

void AggregateStateLayout::finalize_column(size_t index, const uint8_t* const* blocks, size_t count,
                                           Column& out) const {
  const AggregateSpec& spec = specs_[index];
  const size_t offset = offsets_[index];
  // Blocks are read in output order, at random in memory: fetched ahead.
  constexpr size_t kPrefetchDistance = 16;
  auto state_of = [&](size_t i) {
    if (i + kPrefetchDistance < count) __builtin_prefetch(blocks[i + kPrefetchDistance] + offset);
    return blocks[i] + offset;
  };
  const bool string_extreme = (spec.kind == AggregateKind::Min || spec.kind == AggregateKind::Max) &&
                              spec.input_type == DataType::String;
  if (string_extreme) {
    for (size_t i = 0; i < count; ++i) finalize(index, blocks[i], out);
    return;
  }
  // Fixed-width output: written in place, NULLs marked afterwards.
  const size_t base = out.size();
  out.resize_fixed(base + count);
  std::vector<size_t> nulls;
  switch (spec.kind) {
    case AggregateKind::CountStar:
    case AggregateKind::Count: {
      int64_t* values = out.int64_data() + base;
      for (size_t i = 0; i < count; ++i) values[i] = reinterpret_cast<const CountState*>(state_of(i))->count;
      break;
    }
    case AggregateKind::Sum:
    case AggregateKind::Avg: {
      const bool is_avg = spec.kind == AggregateKind::Avg;
      if (spec.input_type == DataType::Float64) {
        double* values = out.float64_data() + base;
        for (size_t i = 0; i < count; ++i) {
          const auto& state = *reinterpret_cast<const FloatSumState*>(state_of(i));
          if (state.count == 0) {
            values[i] = 0;
            nulls.push_back(i);
          } else {
            const double sum = state.sum.value();
            values[i] = is_avg ? sum / static_cast<double>(state.count) : sum;
          }
        }
      } else if (is_avg) {
        double* values = out.float64_data() + base;
        for (size_t i = 0; i < count; ++i) {
          const auto& state = *reinterpret_cast<const IntSumState*>(state_of(i));
          if (state.count == 0) {
            values[i] = 0;
            nulls.push_back(i);
          } else {
            values[i] = static_cast<double>(state.sum) / static_cast<double>(state.count);
          }
        }
      } else {
        int64_t* values = out.int64_data() + base;
        for (size_t i = 0; i < count; ++i) {
          const auto& state = *reinterpret_cast<const IntSumState*>(state_of(i));
          if (state.sum > std::numeric_limits<int64_t>::max() || state.sum < std::numeric_limits<int64_t>::min()) {
            out.resize_fixed(base);  // the caller's batch is abandoned; keep it consistent
            throw InputError("sum overflows int64 in " + spec.output_name +
                             " (the exact sum does not fit in a signed 64-bit integer)");
          }
          values[i] = static_cast<int64_t>(state.sum);
          if (state.count == 0) nulls.push_back(i);
        }
      }
      break;
    }
    case AggregateKind::Min:
    case AggregateKind::Max:
      if (spec.input_type == DataType::Float64) {
        double* values = out.float64_data() + base;
        for (size_t i = 0; i < count; ++i) {
          const auto& state = *reinterpret_cast<const FloatExtremeState*>(state_of(i));
          values[i] = state.value;
          if (!state.has_value) nulls.push_back(i);
        }
      } else {
        int64_t* values = out.int64_data() + base;
        for (size_t i = 0; i < count; ++i) {
          const auto& state = *reinterpret_cast<const IntExtremeState*>(state_of(i));
          values[i] = state.value;
          if (!state.has_value) nulls.push_back(i);
        }
      }
      break;
  }
  for (const size_t i : nulls) out.set_null(base + i);
}

}  // namespace weir
