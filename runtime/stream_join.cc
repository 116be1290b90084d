#include "runtime/stream_join.h"

#include <algorithm>
#include <limits>
#include <set>
#include <span>

#include "runtime/errors.h"
#include "runtime/join_key_index.h"
#include "runtime/ordinal_run_merge.h"
#include "runtime/stream_join_state.h"
#include "runtime/time_window.h"

namespace weir {
namespace {

size_t partition_of(const JoinKey& key) { return (key.hash() >> 59) % StreamJoin::kPartitions; }

// The start of the tumbling window of `size` holding t: floor(t / size) *
// size, saturating at INT64_MIN.
int64_t window_start_of(int64_t t, int64_t size) {
  const __int128 start = static_cast<__int128>(t) - ((static_cast<__int128>(t) % size) + size) % size;
  return start < std::numeric_limits<int64_t>::min() ? std::numeric_limits<int64_t>::min()
                                                      : static_cast<int64_t>(start);
}


}  // namespace

StreamJoin::GlobalState::GlobalState() = default;
StreamJoin::GlobalState::~GlobalState() = default;

StreamJoin::StreamJoin(std::shared_ptr<const Schema> input, StreamJoinSpec spec)
    : input_(std::move(input)), spec_(std::move(spec)) {
  WEIR_CHECK(spec_.left_columns.size() == spec_.left_names.size());
  WEIR_CHECK(spec_.right_columns.size() == spec_.right_names.size());
  const size_t key_columns[2] = {spec_.left_key_column, spec_.right_key_column};
  for (size_t side = 0; side < 2; ++side) {
    WEIR_CHECK(key_columns[side] < input_->size());
    const Field& key = input_->field(key_columns[side]);
    if (!is_int64_backed(key.type)) {
      throw ConfigError(std::string(side == 0 ? "left" : "right") + " join key " + key.name +
                        ": expected an int64 or timestamp column, got " + std::string(data_type_name(key.type)));
    }
  }
  std::vector<Field> output;
  std::set<std::string> names;
  if (spec_.window_millis) {
    if (*spec_.window_millis <= 0) throw ConfigError("join window: the size must be greater than zero");
    const size_t time_columns[2] = {spec_.left_time_column, spec_.right_time_column};
    for (size_t side = 0; side < 2; ++side) {
      WEIR_CHECK(time_columns[side] < input_->size());
      const Field& time = input_->field(time_columns[side]);
      if (!is_int64_backed(time.type)) {
        throw ConfigError(std::string(side == 0 ? "left" : "right") + " join time " + time.name +
                          ": expected a timestamp or int64 column, got " + std::string(data_type_name(time.type)));
      }
    }
    output = {{"window_start", DataType::Timestamp}, {"window_end", DataType::Timestamp}};
    names = {"window_start", "window_end"};
  }
  if (spec_.interval) {
    if (spec_.window_millis) throw ConfigError("join: an interval join cannot also be a window join");
    if (spec_.left_distinct || spec_.right_distinct) {
      throw ConfigError("join: an interval join's inputs cannot be distinct (expired rows are forgotten)");
    }
    const size_t time_columns[2] = {spec_.left_time_column, spec_.right_time_column};
    const std::optional<size_t> until_columns[2] = {spec_.left_until_column, spec_.right_until_column};
    for (size_t side = 0; side < 2; ++side) {
      for (const std::optional<size_t> column : {std::optional<size_t>(time_columns[side]), until_columns[side]}) {
        if (!column) continue;
        WEIR_CHECK(*column < input_->size());
        const Field& time = input_->field(*column);
        if (!is_int64_backed(time.type)) {
          throw ConfigError(std::string(side == 0 ? "left" : "right") + " join time " + time.name +
                            ": expected a timestamp or int64 column, got " + std::string(data_type_name(time.type)));
        }
      }
    }
  }
  for (size_t side = 0; side < 2; ++side) {
    const auto& columns = side == 0 ? spec_.left_columns : spec_.right_columns;
    const auto& column_names = side == 0 ? spec_.left_names : spec_.right_names;
    std::vector<Field> carried;
    for (size_t c = 0; c < columns.size(); ++c) {
      WEIR_CHECK(columns[c] < input_->size());
      const Field field{column_names[c], input_->field(columns[c]).type};
      if (!names.insert(field.name).second) {
        throw ConfigError("join output column " + field.name + " appears twice (name one side's column AS another)");
      }
      carried.push_back(field);
      output.push_back(field);
    }
    carried_schemas_[side] = std::make_shared<const Schema>(std::move(carried));
  }
  if (output.empty()) throw ConfigError("join: no output columns (carry at least one column of either side)");
  output_schema_ = std::make_shared<const Schema>(std::move(output));
}

StreamJoin::~StreamJoin() = default;

std::unique_ptr<StreamJoin::LocalState> StreamJoin::make_local_state(MemoryTracker* tracker) const {
  auto local = std::make_unique<LocalState>();
  local->parts.resize(kPartitions);
  for (auto& part : local->parts) {
    for (size_t side = 0; side < 2; ++side) part[side] = std::make_unique<SideRows>(make_side_rows(side, tracker));
  }
  return local;
}

StreamJoin::SideRows StreamJoin::make_side_rows(size_t side, MemoryTracker* tracker) const {
  const bool interval = spec_.interval;
  const std::optional<size_t>& until = side == 0 ? spec_.left_until_column : spec_.right_until_column;
  return SideRows(carried_schemas_[side], tracker, spec_.window_millis.has_value(), interval,
                  interval && until.has_value());
}

void StreamJoin::SideRows::clear() {
  carried.clear();
  keys.clear();
  windows.clear();
  ordinals.clear();
  lows.clear();
  highs.clear();
}

std::unique_ptr<StreamJoin::GlobalState> StreamJoin::make_global_state(MemoryTracker* tracker) const {
  auto global = std::make_unique<GlobalState>();
  for (size_t p = 0; p < kPartitions; ++p) {
    global->partitions.push_back(
        std::make_unique<PartitionState>(make_side_rows(0, tracker), make_side_rows(1, tracker), tracker));
  }
  return global;
}

void StreamJoin::consume(const Batch& batch, const uint32_t* left_rows, size_t left_count,
                         const uint32_t* right_rows, size_t right_count, LocalState& local) const {
  const uint32_t* rows[2] = {left_rows, right_rows};
  const size_t counts[2] = {left_count, right_count};
  const size_t key_columns[2] = {spec_.left_key_column, spec_.right_key_column};
  const size_t time_columns[2] = {spec_.left_time_column, spec_.right_time_column};
  const std::optional<size_t> until_columns[2] = {spec_.left_until_column, spec_.right_until_column};
  for (size_t side = 0; side < 2; ++side) {
    const Column& key = batch.column(key_columns[side]);
    const bool timed = spec_.window_millis || spec_.interval;
    const Column* time = timed ? &batch.column(time_columns[side]) : nullptr;
    const Column* until = spec_.interval && until_columns[side] ? &batch.column(*until_columns[side]) : time;
    const auto& columns = side == 0 ? spec_.left_columns : spec_.right_columns;
    // Two passes: the partition of each kept row (and the partitions'
    // sizes), then each partition's values appended in one sizing per
    // vector and column, not per row.
    local.kept_rows.clear();
    local.kept_partitions.clear();
    std::array<size_t, kPartitions + 1> first_of{};  // counts, then where each partition starts
    const int64_t* keys = key.int64_data();
    for (size_t i = 0; i < counts[side]; ++i) {
      const uint32_t row = rows[side][i];
      if (!key.is_valid(row) || (time != nullptr && (!time->is_valid(row) || !until->is_valid(row)))) continue;
      const int64_t window =
          spec_.window_millis ? window_start_of(time->int64_data()[row], *spec_.window_millis) : 0;
      const auto partition = static_cast<uint8_t>(partition_of(JoinKey{keys[row], window}));
      local.kept_rows.push_back(row);
      local.kept_partitions.push_back(partition);
      ++first_of[partition + 1];
    }
    for (size_t p = 0; p < kPartitions; ++p) first_of[p + 1] += first_of[p];
    const size_t kept = local.kept_rows.size();
    local.rows_by_partition.resize(kept);
    std::array<size_t, kPartitions> next;
    std::copy(first_of.begin(), first_of.end() - 1, next.begin());
    for (size_t i = 0; i < kept; ++i) local.rows_by_partition[next[local.kept_partitions[i]]++] = local.kept_rows[i];
    for (size_t p = 0; p < kPartitions; ++p) {
      const size_t count = first_of[p + 1] - first_of[p];
      if (count == 0) continue;
      const uint32_t* picked = local.rows_by_partition.data() + first_of[p];
      SideRows& to = *local.parts[p][side];
      const size_t base = to.keys.size();
      to.keys.resize(base + count);
      to.ordinals.resize(base + count);
      for (size_t i = 0; i < count; ++i) {
        const uint32_t row = picked[i];
        to.keys[base + i] = keys[row];
        to.ordinals[base + i] = batch.first_row_ordinal + row;
      }
      if (to.with_windows) {
        to.windows.resize(base + count);
        for (size_t i = 0; i < count; ++i) {
          to.windows[base + i] = window_start_of(time->int64_data()[picked[i]], *spec_.window_millis);
        }
      }
      if (to.with_lows) {
        to.lows.resize(base + count);
        for (size_t i = 0; i < count; ++i) to.lows[base + i] = time->int64_data()[picked[i]];
      }
      if (to.with_highs) {
        to.highs.resize(base + count);
        for (size_t i = 0; i < count; ++i) to.highs[base + i] = until->int64_data()[picked[i]];
      }
      for (size_t c = 0; c < columns.size(); ++c) {
        to.carried.column(c).append_selected(batch.column(columns[c]), picked, count);
      }
    }
  }
}

void StreamJoin::combine_partition(const std::vector<LocalState*>& locals, size_t partition,
                                   PartitionState& state) const {
  state.pairs.clear();
  // The epoch's rows of this partition, in stream order (left before right
  // for a row in both inputs).
  struct Arrival {
    uint64_t ordinal;
    uint8_t side;
    uint32_t local;
    uint32_t row;
  };
  const auto before = [](const Arrival& a, const Arrival& b) {
    return a.ordinal != b.ordinal ? a.ordinal < b.ordinal : a.side < b.side;
  };
  // Each worker's rows of one side are usually in stream order already (a
  // worker takes morsels in cut order): merge those runs, and sort only
  // when one is not.
  std::vector<Arrival> arrivals;
  std::vector<size_t> run_ends;
  bool runs_sorted = true;
  std::array<size_t, 2> arriving{};  // per side
  for (const LocalState* local : locals) {
    for (size_t side = 0; side < 2; ++side) arriving[side] += local->parts[partition][side]->size();
  }
  arrivals.reserve(arriving[0] + arriving[1]);
  for (size_t l = 0; l < locals.size(); ++l) {
    for (uint8_t side = 0; side < 2; ++side) {
      const SideRows& rows = *locals[l]->parts[partition][side];
      for (size_t r = 0; r < rows.size(); ++r) {
        arrivals.push_back({rows.ordinals[r], side, static_cast<uint32_t>(l), static_cast<uint32_t>(r)});
        runs_sorted = runs_sorted && (r == 0 || rows.ordinals[r - 1] < rows.ordinals[r]);
      }
      if (rows.size() > 0) run_ends.push_back(arrivals.size());
    }
  }
  if (!runs_sorted) {
    std::sort(arrivals.begin(), arrivals.end(), before);
  } else {
    for (size_t run = 1; run < run_ends.size(); ++run) {
      std::inplace_merge(arrivals.begin(), arrivals.begin() + static_cast<std::ptrdiff_t>(run_ends[run - 1]),
                         arrivals.begin() + static_cast<std::ptrdiff_t>(run_ends[run]), before);
    }
  }
  std::array<std::vector<uint32_t>, 2> kept_from;  // per side: local state and row of each kept row
  std::array<std::vector<uint32_t>, 2> kept_rows;
  for (size_t side = 0; side < 2; ++side) {
    // At most every arrival is kept: one growth per vector, not many.
    SideRows& rows = state.rows[side];
    const size_t most = rows.size() + arriving[side];
    kept_from[side].reserve(arriving[side]);
    kept_rows[side].reserve(arriving[side]);
    auto grow = [most](auto& vector) {
      if (vector.capacity() < most) vector.reserve(std::max(most, 2 * vector.capacity()));
    };
    grow(rows.keys);
    grow(rows.ordinals);
    grow(state.previous[side]);
    if (rows.with_windows) grow(rows.windows);
    if (rows.with_lows) grow(rows.lows);
    if (rows.with_highs) grow(rows.highs);
  }
  for (const Arrival& arrival : arrivals) {
    const uint8_t side = arrival.side;
    const uint8_t other = 1 - side;
    const SideRows& from = *locals[arrival.local]->parts[partition][side];
    const JoinKey key{from.keys[arrival.row], from.window(arrival.row)};
    const bool distinct = side == 0 ? spec_.left_distinct : spec_.right_distinct;
    if (distinct && state.newest[side].contains(key)) continue;  // not the first of its key
    // Match the other input's rows of this key (newest first, then reversed
    // into output order).
    const size_t first_pair = state.pairs.size();
    if (const uint32_t* found = state.newest[other].find(key); found != nullptr) {
      for (uint32_t link = *found; link != 0; link = state.previous[other][link - 1]) {
        const uint32_t match = link - 1;
        if (spec_.interval && (from.lows[arrival.row] > state.rows[other].high(match) ||
                               state.rows[other].lows[match] > from.high(arrival.row))) {
          continue;  // the intervals do not intersect
        }
        const uint32_t own_row = static_cast<uint32_t>(state.rows[side].size());
        state.pairs.push_back({arrival.ordinal, state.rows[other].ordinals[match], side,
                               side == 0 ? own_row : match, side == 0 ? match : own_row,
                               static_cast<uint32_t>(partition)});
      }
    }
    std::reverse(state.pairs.begin() + static_cast<std::ptrdiff_t>(first_pair), state.pairs.end());
    // Keep the row.
    SideRows& kept = state.rows[side];
    const auto row = static_cast<uint32_t>(kept.size());
    kept.keys.push_back(key.key);
    if (kept.with_windows) kept.windows.push_back(key.window);
    kept.ordinals.push_back(arrival.ordinal);
    if (kept.with_lows) kept.lows.push_back(from.lows[arrival.row]);
    if (kept.with_highs) kept.highs.push_back(from.highs[arrival.row]);
    kept_from[side].push_back(arrival.local);
    kept_rows[side].push_back(arrival.row);
    bool inserted = false;
    uint32_t& newest = state.newest[side].find_or_insert(key, &inserted);
    state.previous[side].push_back(inserted ? 0 : newest);
    newest = row + 1;
  }
  // A row in both inputs makes two arrivals whose pairs interleave in
  // output order: sort then (emit() merges the partitions' sorted runs).
  if (!std::is_sorted(state.pairs.begin(), state.pairs.end())) std::sort(state.pairs.begin(), state.pairs.end());
  // The kept rows' carried values, one column at a time.
  std::vector<const Column*> sources(locals.size());
  for (size_t side = 0; side < 2; ++side) {
    Batch& carried = state.rows[side].carried;
    for (size_t c = 0; c < carried.num_columns(); ++c) {
      for (size_t l = 0; l < locals.size(); ++l) sources[l] = &locals[l]->parts[partition][side]->carried.column(c);
      carried.column(c).append_gathered(sources.data(), kept_from[side].data(), kept_rows[side].data(),
                                        kept_rows[side].size());
    }
  }
  if (extreme_pairs_) keep_extreme_pairs(state);
}

void StreamJoin::combine(const std::vector<LocalState*>& locals, GlobalState& global,
                         const ParallelFor& parallel_for) const {
  auto body = [&](size_t partition) { combine_partition(locals, partition, *global.partitions[partition]); };
  if (parallel_for) {
    parallel_for(kPartitions, body);
  } else {
    for (size_t p = 0; p < kPartitions; ++p) body(p);
  }
  for (LocalState* local : locals) discard(*local);
}

void StreamJoin::discard(LocalState& local) const {
  for (auto& part : local.parts) {
    for (auto& rows : part) rows->clear();
  }
}

void StreamJoin::expire(GlobalState& global, int64_t watermark, const ParallelFor& parallel_for) const {
  if (!spec_.interval) return;
  auto body = [&](size_t partition) {
    PartitionState& state = *global.partitions[partition];
    const size_t rows = state.rows[0].size() + state.rows[1].size();
    // Compact when the state doubled since the last compaction: amortized
    // O(1) per row, whatever expires.
    if (rows < 2 * state.rows_after_compaction + 1024) return;
    for (size_t side = 0; side < 2; ++side) {
      SideRows& old_rows = state.rows[side];
      SideRows kept = make_side_rows(side, state.tracker);
      std::vector<uint32_t> kept_rows;
      auto& newest = state.newest[side];
      auto& previous = state.previous[side];
      newest.clear();
      previous.clear();
      for (size_t r = 0; r < old_rows.size(); ++r) {
        if (old_rows.high(r) < watermark) continue;
        const auto row = static_cast<uint32_t>(kept.size());
        const JoinKey key{old_rows.keys[r], old_rows.window(r)};
        kept.keys.push_back(key.key);
        if (kept.with_windows) kept.windows.push_back(key.window);
        kept.ordinals.push_back(old_rows.ordinals[r]);
        kept.lows.push_back(old_rows.lows[r]);
        if (kept.with_highs) kept.highs.push_back(old_rows.highs[r]);
        kept_rows.push_back(static_cast<uint32_t>(r));
        bool inserted = false;
        uint32_t& newest_row = newest.find_or_insert(key, &inserted);
        previous.push_back(inserted ? 0 : newest_row);
        newest_row = row + 1;
      }
      for (size_t c = 0; c < kept.carried.num_columns(); ++c) {
        kept.carried.column(c).append_selected(old_rows.carried.column(c), kept_rows.data(), kept_rows.size());
      }
      old_rows = std::move(kept);
    }
    state.rows_after_compaction = state.rows[0].size() + state.rows[1].size();
  };
  if (parallel_for) {
    parallel_for(kPartitions, body);
  } else {
    for (size_t p = 0; p < kPartitions; ++p) body(p);
  }
}

uint64_t StreamJoin::emit(GlobalState& global, Sink& sink, MemoryTracker* tracker,
                          const ParallelFor& parallel_for) const {
  // Each partition's pairs are in output order: merge the runs (in
  // ordinal ranges, on the workers).
  std::vector<Pair> pairs;
  std::vector<std::span<const Pair>> runs;
  for (const auto& partition : global.partitions) runs.emplace_back(partition->pairs);
  merge_ordinal_runs(runs, pairs, [](const Pair& pair) { return pair.later; }, parallel_for);
  if (pair_ranking_) keep_ranked_pairs(global, pairs, tracker, parallel_for);
  const size_t first = spec_.window_millis ? 2 : 0;  // window_start, window_end
  const size_t widths[2] = {spec_.left_columns.size(), spec_.right_columns.size()};
  // Output batches of kJoinOutputBatchRows pairs, built in waves on the workers
  // and written in order; each wave's batches are handed over whole.
  const size_t chunks = (pairs.size() + kJoinOutputBatchRows - 1) / kJoinOutputBatchRows;
  constexpr size_t kWave = 8;
  std::vector<std::unique_ptr<Batch>> built(std::min(chunks, kWave));
  auto build = [&](size_t chunk, std::unique_ptr<Batch>& out) {
    const size_t begin = chunk * kJoinOutputBatchRows;
    const size_t count = std::min(pairs.size() - begin, kJoinOutputBatchRows);
    out = std::make_unique<Batch>(output_schema_, tracker);
    if (spec_.window_millis) {
      const TimeWindow window{*spec_.window_millis, *spec_.window_millis};
      out->column(0).resize_fixed(count);
      out->column(1).resize_fixed(count);
      for (size_t i = 0; i < count; ++i) {
        const Pair& pair = pairs[begin + i];
        const int64_t start = global.partitions[pair.partition]->rows[0].window(pair.left_row);
        out->column(0).int64_data()[i] = start;
        out->column(1).int64_data()[i] = window.end_of_window_starting(start);
      }
    }
    for (size_t side = 0; side < 2; ++side) {
      for (size_t c = 0; c < widths[side]; ++c) {
        gather_join_column(global.partitions, pairs.data() + begin, count, side, c,
                      out->column(first + (side == 0 ? 0 : widths[0]) + c));
      }
    }
    out->set_num_rows(count);
  };
  for (size_t wave = 0; wave < chunks; wave += kWave) {
    const size_t in_wave = std::min(kWave, chunks - wave);
    auto body = [&](size_t i) { build(wave + i, built[i]); };
    if (parallel_for && in_wave > 1) {
      parallel_for(in_wave, body);
    } else {
      for (size_t i = 0; i < in_wave; ++i) body(i);
    }
    for (size_t i = 0; i < in_wave; ++i) {
      sink.write_owned(std::move(*built[i]));
      built[i].reset();
    }
  }
  for (const auto& partition : global.partitions) partition->pairs.clear();
  return pairs.size();
}

void gather_join_column(const std::vector<std::unique_ptr<StreamJoin::PartitionState>>& partitions,
                   const StreamJoin::Pair* pairs, size_t count, size_t side, size_t column, Column& to) {
  std::array<const Column*, StreamJoin::kPartitions> sources;
  for (size_t p = 0; p < partitions.size(); ++p) sources[p] = &partitions[p]->rows[side].carried.column(column);
  std::vector<uint32_t> which(count);
  std::vector<uint32_t> rows(count);
  for (size_t i = 0; i < count; ++i) {
    which[i] = pairs[i].partition;
    rows[i] = side == 0 ? pairs[i].left_row : pairs[i].right_row;
  }
  to.append_gathered(sources.data(), which.data(), rows.data(), count);
}


uint64_t StreamJoin::state_rows(const GlobalState& global) {
  uint64_t rows = 0;
  for (const auto& partition : global.partitions) rows += partition->rows[0].size() + partition->rows[1].size();
  return rows;
}

}  // namespace weir
