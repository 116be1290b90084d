// StreamJoin's pair pushdowns: what the stage after the join needs of its
// pairs decides which pairs an emit materializes (keep_only_ranked_pairs,
// keep_only_extreme_pairs in runtime/stream_join.h).
#include "runtime/stream_join.h"

#include <algorithm>
#include <limits>
#include <string>

#include "runtime/errors.h"
#include "runtime/stream_join_state.h"

namespace weir {

bool StreamJoin::keep_only_ranked_pairs(const TopRowsSpec& ranking) {
  if (ranking.window) return false;
  const size_t first = spec_.window_millis ? 2 : 0;  // window_start, window_end
  auto built = std::make_unique<PairRanking>();
  std::vector<Field> fields;
  std::vector<size_t> narrow_of_output(output_schema_->size(), SIZE_MAX);
  auto narrow_column = [&](size_t output) -> std::optional<size_t> {
    if (output < first || output >= output_schema_->size()) return std::nullopt;
    if (narrow_of_output[output] == SIZE_MAX) {
      const size_t carried = output - first;
      const size_t side = carried < spec_.left_columns.size() ? 0 : 1;
      built->sources.emplace_back(side, side == 0 ? carried : carried - spec_.left_columns.size());
      narrow_of_output[output] = fields.size();
      fields.push_back(output_schema_->field(output));
    }
    return narrow_of_output[output];
  };
  TopRowsSpec narrow;
  narrow.limit = ranking.limit;
  narrow.with_ties = ranking.with_ties;
  for (const size_t column : ranking.partition_columns) {
    const auto j = narrow_column(column);
    if (!j) return false;
    narrow.partition_columns.push_back(*j);
  }
  for (const TopRowsSpec::OrderKey& key : ranking.order_by) {
    const auto j = narrow_column(key.column);
    if (!j) return false;
    narrow.order_by.push_back({*j, key.descending});
  }
  std::string index_name = "pair";
  while (std::any_of(fields.begin(), fields.end(), [&](const Field& field) { return field.name == index_name; })) {
    index_name += '_';
  }
  narrow.columns = {fields.size()};
  narrow.names = {index_name};
  fields.push_back({index_name, DataType::Int64});
  built->narrow_schema = std::make_shared<const Schema>(std::move(fields));
  built->top = std::make_unique<TopRows>(built->narrow_schema, std::move(narrow));
  pair_ranking_ = std::move(built);
  return true;
}

bool StreamJoin::keep_only_extreme_pairs(const std::vector<size_t>& group_columns,
                                         const std::vector<std::pair<size_t, bool>>& extremes) {
  if (spec_.window_millis) return false;
  const size_t widths[2] = {spec_.left_columns.size(), spec_.right_columns.size()};
  // The side and carried column of an output column.
  auto side_of = [&](size_t output) { return output < widths[0] ? size_t{0} : size_t{1}; };
  auto carried_of = [&](size_t output) { return output < widths[0] ? output : output - widths[0]; };
  for (const size_t column : group_columns) WEIR_CHECK(column < widths[0] + widths[1]);
  for (const auto& [column, maximum] : extremes) WEIR_CHECK(column < widths[0] + widths[1]);
  for (size_t side = 0; side < 2; ++side) {
    const bool grouped_by_side = std::all_of(group_columns.begin(), group_columns.end(),
                                             [&](size_t column) { return side_of(column) == side; });
    if (!grouped_by_side) continue;
    ExtremePairs chosen;
    chosen.side = side;
    bool applies = true;
    for (const auto& [column, maximum] : extremes) {
      if (side_of(column) == side) continue;  // the same for every pair of an S row
      const size_t carried = carried_of(column);
      if (!is_int64_backed(carried_schemas_[1 - side]->field(carried).type)) applies = false;
      if (chosen.value_column && (*chosen.value_column != carried || chosen.maximum != maximum)) applies = false;
      chosen.value_column = carried;
      chosen.maximum = maximum;
    }
    if (!applies) continue;
    extreme_pairs_ = chosen;
    return true;
  }
  return false;
}

void StreamJoin::keep_extreme_pairs(PartitionState& state) const {
  const ExtremePairs& extreme = *extreme_pairs_;
  const size_t side = extreme.side;
  std::vector<uint32_t>& best = state.best_pair_of_row;
  if (best.size() < state.rows[side].size()) best.resize(state.rows[side].size(), 0);
  const Column* values = extreme.value_column ? &state.rows[1 - side].carried.column(*extreme.value_column) : nullptr;
  std::vector<Pair>& pairs = state.pairs;
  auto row_of = [&](const Pair& pair) { return side == 0 ? pair.left_row : pair.right_row; };
  auto value_row_of = [&](const Pair& pair) { return side == 0 ? pair.right_row : pair.left_row; };
  // Whether pair a's value beats pair b's (strictly: the first of equal
  // values stays).
  auto beats = [&](const Pair& a, const Pair& b) {
    if (values == nullptr) return false;
    const uint32_t ra = value_row_of(a);
    const uint32_t rb = value_row_of(b);
    if (!values->is_valid(ra)) return false;
    if (!values->is_valid(rb)) return true;
    const int64_t va = values->int64_data()[ra];
    const int64_t vb = values->int64_data()[rb];
    return extreme.maximum ? va > vb : va < vb;
  };
  for (size_t i = 0; i < pairs.size(); ++i) {
    uint32_t& slot = best[row_of(pairs[i])];
    if (slot == 0 || beats(pairs[i], pairs[slot - 1])) slot = static_cast<uint32_t>(i + 1);
  }
  size_t kept = 0;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (best[row_of(pairs[i])] == i + 1) pairs[kept++] = pairs[i];
  }
  pairs.resize(kept);
  for (const Pair& pair : pairs) best[row_of(pair)] = 0;
}

namespace {

// Collects the pair indices TopRows::emit writes (its one column).
class PairIndexSink final : public Sink {
 public:
  explicit PairIndexSink(std::vector<size_t>& indices) : indices_(indices) {}
  void open(std::shared_ptr<const Schema>) override {}
  void write(const Batch& batch) override {
    const int64_t* values = batch.column(0).int64_data();
    for (size_t r = 0; r < batch.num_rows(); ++r) indices_.push_back(static_cast<size_t>(values[r]));
  }
  void commit_epoch(uint64_t) override {}
  void finish() override {}
  void abort() noexcept override {}
  std::string describe() const override { return "join pair ranking"; }

 private:
  std::vector<size_t>& indices_;
};

}  // namespace

void StreamJoin::keep_ranked_pairs(GlobalState& global, std::vector<Pair>& pairs, MemoryTracker* tracker,
                                   const ParallelFor& parallel_for) const {
  const PairRanking& ranking = *pair_ranking_;
  const size_t chunks = (pairs.size() + kJoinOutputBatchRows - 1) / kJoinOutputBatchRows;
  std::vector<std::unique_ptr<TopRows::LocalState>> locals(chunks);
  // Each chunk's ranked columns gathered into a narrow batch and ranked on a
  // worker; a pair's stream position is its index (the next stage's order).
  auto rank_chunk = [&](size_t chunk) {
    const size_t begin = chunk * kJoinOutputBatchRows;
    const size_t count = std::min(pairs.size() - begin, kJoinOutputBatchRows);
    Batch narrow(ranking.narrow_schema, tracker);
    for (size_t j = 0; j < ranking.sources.size(); ++j) {
      gather_join_column(global.partitions, pairs.data() + begin, count, ranking.sources[j].first,
                    ranking.sources[j].second, narrow.column(j));
    }
    Column& index = narrow.column(ranking.sources.size());
    index.resize_fixed(count);
    for (size_t i = 0; i < count; ++i) index.int64_data()[i] = static_cast<int64_t>(begin + i);
    narrow.set_num_rows(count);
    narrow.first_row_ordinal = begin;
    SelectionVector all(tracker);
    all.select_all(count);
    locals[chunk] = ranking.top->make_local_state(tracker);
    ranking.top->consume(narrow, all, nullptr, *locals[chunk]);
  };
  if (parallel_for && chunks > 1) {
    parallel_for(chunks, rank_chunk);
  } else {
    for (size_t chunk = 0; chunk < chunks; ++chunk) rank_chunk(chunk);
  }
  std::vector<TopRows::LocalState*> local_pointers;
  for (const auto& local : locals) local_pointers.push_back(local.get());
  const std::unique_ptr<TopRows::GlobalState> ranked = ranking.top->make_global_state(tracker);
  ranking.top->combine(local_pointers, *ranked);
  std::vector<size_t> kept;
  PairIndexSink sink(kept);
  ranking.top->emit(*ranked, std::numeric_limits<int64_t>::max(), sink, tracker);
  std::sort(kept.begin(), kept.end());
  for (size_t i = 0; i < kept.size(); ++i) pairs[i] = pairs[kept[i]];
  pairs.resize(kept.size());
}

}  // namespace weir
