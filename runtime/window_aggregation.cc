#include "runtime/window_aggregation.h"

#include <algorithm>
#include <array>

#include "runtime/errors.h"
#include "runtime/timestamp.h"

namespace weir {

namespace {

std::shared_ptr<const Schema> make_output_schema(const WindowAggregationSpec& spec) {
  std::vector<Field> fields;
  if (spec.window || spec.session_gap_millis) {
    fields = {{"window_start", DataType::Timestamp}, {"window_end", DataType::Timestamp}};
  }
  for (size_t k = 0; k < spec.keys.size(); ++k) fields.push_back({spec.key_names[k], spec.keys[k].type});
  for (const AggregateSpec& aggregate : spec.aggregates) {
    fields.push_back({aggregate.output_name, aggregate.output_type()});
  }
  return std::make_shared<const Schema>(std::move(fields));
}

constexpr size_t kEmitBatchRows = 256 * 1024;
// Emitted serially, a batch goes to the sink once it holds this many rows:
// a sink that formats and frees it (CSV) hands its memory to the next
// batch, so a long emission touches little fresh memory (a page fault per
// 4 KiB, expensive on virtual machines).
constexpr size_t kEmitWriteRows = 32 * 1024;
// Output rows built column by column in one go: their states (read at
// random in memory for large tables) stay in the L2 cache from the first
// column's pass to the last.
constexpr size_t kEmitCacheRows = 2 * 1024;

// Appends `count` copies of `value` to an int64-backed column.
void append_repeated(Column& column, int64_t value, size_t count) {
  const size_t base = column.size();
  column.resize_fixed(base + count);
  std::fill_n(column.int64_data() + base, count, value);
}

}  // namespace

WindowAggregation::WindowAggregation(WindowAggregationSpec spec)
    : spec_(std::move(spec)), layout_(spec_.aggregates), output_schema_(make_output_schema(spec_)) {
  WEIR_CHECK(!(spec_.window && spec_.session_gap_millis));
  WEIR_CHECK(!spec_.session_gap_millis || *spec_.session_gap_millis > 0);
  WEIR_CHECK(!spec_.window || (spec_.window->slide_millis > 0 && spec_.window->slide_millis <= spec_.window->size_millis));
  WEIR_CHECK(spec_.allowed_lateness_millis >= 0);
  WEIR_CHECK(spec_.keys.size() == spec_.key_names.size());
  WEIR_CHECK(spec_.keys.size() < 63);
}

WindowAggregation::~WindowAggregation() = default;

std::unique_ptr<PartitionedSessionStore> WindowAggregation::make_session_store(MemoryTracker* tracker) const {
  if (!spec_.session_gap_millis) return nullptr;
  return std::make_unique<PartitionedSessionStore>(spec_.keys, spec_.aggregates, layout_, *spec_.session_gap_millis,
                                                   spec_.event_time_column, tracker);
}

std::unique_ptr<WindowAggregation::LocalState> WindowAggregation::make_local_state(MemoryTracker* tracker,
                                                                                   GlobalState& global) const {
  auto local = std::make_unique<LocalState>(tracker);
  if (global.sessions) {
    local->sessions = global.sessions.get();
    local->session_buffers = global.sessions->make_worker_buffers(tracker);
  }
  return local;
}

std::unique_ptr<WindowAggregation::GlobalState> WindowAggregation::make_global_state(
    MemoryTracker* tracker) const {
  auto global = std::make_unique<GlobalState>(tracker);
  global->sessions = make_session_store(tracker);
  return global;
}

void WindowAggregation::consume(const Batch& batch, const SelectionVector& selection,
                                const int64_t* window_starts, LocalState& local) const {
  const size_t count = selection.size();
  if (count == 0) return;
  local.inputs.clear();
  for (const AggregateSpec& aggregate : spec_.aggregates) {
    local.inputs.push_back(aggregate.input_column ? &batch.column(*aggregate.input_column) : nullptr);
  }
  const uint32_t* rows = selection.data();
  if (local.sessions) {
    local.sessions->consume(*local.session_buffers, batch, rows, count);
    return;
  }
  local.group_ids.resize(count);
  // Folds rows[begin, end) into `table`.
  auto aggregate_run = [&](GroupTable& table, size_t begin, size_t end) {
    const size_t length = end - begin;
    if (spec_.keys.empty()) {
      // One group: reduce each aggregate's column with the SIMD kernels.
      if (table.num_groups() == 0) {
        uint32_t group = 0;
        table.find_or_insert(batch, rows + begin, 1, &group, local.scratch);
      }
      const bool all_rows = length == batch.num_rows();
      layout_.update_single_group(local.inputs, rows + begin, length, all_rows, table.blocks(), table.arena());
      return;
    }
    table.find_or_insert(batch, rows + begin, length, local.group_ids.data(), local.scratch);
    layout_.update(local.inputs, rows + begin, local.group_ids.data(), length, table.blocks(), table.arena());
  };
  if (window_starts == nullptr) {
    std::unique_ptr<GroupTable>& slot = local.windows[kNoWindowStart];
    if (!slot) slot = std::make_unique<GroupTable>(spec_.keys, layout_, local.tracker);
    aggregate_run(*slot, 0, count);
    return;
  }

  // Event time is nearly ordered, so consecutive selected rows mostly share a
  // window: process maximal runs of one window with one table lookup.
  GroupTable* table = nullptr;
  int64_t table_start = 0;
  size_t run_begin = 0;
  while (run_begin < count) {
    const int64_t start = window_starts[rows[run_begin]];
    size_t run_end = run_begin + 1;
    while (run_end < count && window_starts[rows[run_end]] == start) ++run_end;
    if (table == nullptr || table_start != start) {
      std::unique_ptr<GroupTable>& slot = local.windows[start];
      if (!slot) slot = std::make_unique<GroupTable>(spec_.keys, layout_, local.tracker);
      table = slot.get();
      table_start = start;
    }
    aggregate_run(*table, run_begin, run_end);
    run_begin = run_end;
  }
}

void WindowAggregation::combine(const std::vector<LocalState*>& locals, GlobalState& global,
                                const ParallelFor& parallel_for) const {
  // Partials with at least this many groups in all are merged in parallel.
  constexpr size_t kParallelMergeGroups = 32 * 1024;
  if (global.sessions) {
    std::vector<PartitionedSessionStore::WorkerBuffers*> buffers;
    for (LocalState* local : locals) buffers.push_back(local->session_buffers.get());
    global.sessions->flush(buffers, parallel_for);
    return;
  }
  std::map<int64_t, std::vector<std::unique_ptr<GroupTable>>> partials;
  for (LocalState* local : locals) {
    for (auto& [start, table] : local->windows) {
      if (table) partials[start].push_back(std::move(table));
    }
    local->windows.clear();
  }
  for (auto& [start, tables] : partials) {
    std::unique_ptr<GroupTable>& target = global.windows[start];
    size_t next = 0;
    if (!target) {
      target = std::move(tables[next++]);  // adopt the first partial whole
      if (spec_.output_mode == OutputMode::Update) target->track_changes();
    }
    // Large partials of direct-indexed tables merge in place, in parallel.
    std::vector<std::unique_ptr<GroupTable>> rest;
    size_t rest_groups = 0;
    for (; next < tables.size(); ++next) {
      if (parallel_for && tables[next]->num_groups() >= kParallelMergeGroups &&
          target->merge_direct_in_parallel(*tables[next], parallel_for)) {
        continue;
      }
      rest_groups += tables[next]->num_groups();
      rest.push_back(std::move(tables[next]));
    }
    if (rest.empty()) continue;
    // Other large partials (hashed keys) are merged with the target into a
    // new key-ordered table in parallel, when they are not much smaller
    // than the target (a streaming run's small epochs merge in place).
    // (Not in update mode: the new table would lose which groups changed.)
    if (parallel_for && !spec_.keys.empty() && spec_.output_mode != OutputMode::Update &&
        rest_groups >= kParallelMergeGroups && rest_groups * 4 >= target->num_groups()) {
      rest.insert(rest.begin(), std::move(target));
      target = GroupTable::merge_in_key_order(std::move(rest), parallel_for, global.tracker);
      continue;
    }
    for (const auto& table : rest) target->merge_from(*table);
  }
}

void WindowAggregation::append_groups(const GroupTable& table, const uint32_t* groups, const int64_t* keys,
                                      size_t known_keys, size_t count, int64_t start, Batch& out) const {
  // Column-at-a-time: each output column is written for the whole chunk.
  const size_t key_count = spec_.keys.size();
  const size_t key_offset = spec_.window ? 2 : 0;
  if (spec_.window) {
    append_repeated(out.column(0), start, count);
    append_repeated(out.column(1), window_end(start), count);
  }
  if (known_keys > 0) {
    Column& column = out.column(key_offset);
    const size_t base = column.size();
    column.resize_fixed(base + known_keys);
    std::copy_n(keys, known_keys, column.int64_data() + base);
    if (known_keys < count) table.append_keys(groups + known_keys, count - known_keys, 0, column);
  } else {
    for (size_t k = 0; k < key_count; ++k) table.append_keys(groups, count, k, out.column(key_offset + k));
  }
  std::vector<const uint8_t*> blocks(count);
  for (size_t i = 0; i < count; ++i) blocks[i] = table.block(groups[i]);
  try {
    for (size_t a = 0; a < spec_.aggregates.size(); ++a) {
      layout_.finalize_column(a, blocks.data(), count, out.column(key_offset + key_count + a));
    }
  } catch (const InputError& error) {
    if (!spec_.window) throw;
    throw InputError(std::string(error.what()) + ", window starting " + format_timestamp(start));
  }
}

class WindowAggregation::EmitOutput {
 public:
  EmitOutput(Sink& sink, std::shared_ptr<const Schema> schema, MemoryTracker* tracker)
      : sink_(sink), schema_(std::move(schema)), tracker_(tracker) {}

  // Writes the batch's rows, if any, handing the batch over whole (a memory
  // sink or a stage channel keeps it without a copy); `batch` is left a
  // fresh, empty batch.
  void operator()(Batch& batch) {
    if (batch.column(0).size() == 0) return;
    batch.set_num_rows(batch.column(0).size());
    rows_written_ += batch.num_rows();
    sink_.write_owned(std::move(batch));
    batch = Batch(schema_, tracker_);
  }

  // On a worker: the sink's encoding of a finished batch (Sink::encode), or
  // null (no rows, or a sink that encodes nothing: then operator()).
  std::unique_ptr<EncodedRows> encode(Batch& batch) {
    if (batch.column(0).size() == 0) return nullptr;
    batch.set_num_rows(batch.column(0).size());
    return sink_.encode(batch);
  }

  // In order: writes what encode() made of `batch`, then empties `batch`
  // for reuse.
  void write_encoded(std::unique_ptr<EncodedRows> rows, Batch& batch) {
    rows_written_ += batch.num_rows();
    sink_.write_encoded(std::move(rows));
    batch.clear();
  }

  uint64_t rows_written() const { return rows_written_; }

 private:
  Sink& sink_;
  std::shared_ptr<const Schema> schema_;
  MemoryTracker* tracker_;
  uint64_t rows_written_ = 0;
};

void WindowAggregation::emit_table(const GroupTable& table, bool changed_only, int64_t start, Batch& out,
                                   EmitOutput& write, MemoryTracker* tracker,
                                   const ParallelFor& parallel_for) const {
  // A large, dense direct-indexed table is emitted by walking its direct
  // array (already in key order) piece by piece: its order and keys are
  // never materialized (for 10M groups, 120 MB written and page-faulted).
  const size_t entries = changed_only && table.tracks_changes() ? 0 : table.direct_entries();
  const size_t groups = table.num_groups();
  if (entries == 0 || groups < kEmitBatchRows || groups * 2 < entries) {
    emit_groups(table, changed_only ? table.changed_key_order() : table.key_order(), start, out, write, tracker,
                parallel_for);
    return;
  }
  emit_in_chunks(
      entries,
      [&](size_t begin, size_t count, Batch& batch) {
        std::array<uint32_t, kEmitCacheRows> piece_groups;
        std::array<int64_t, kEmitCacheRows> piece_keys;
        WEIR_CHECK(count <= kEmitCacheRows);
        const size_t found = table.direct_groups(begin, begin + count, piece_groups.data(), piece_keys.data());
        if (found > 0) append_groups(table, piece_groups.data(), piece_keys.data(), found, found, start, batch);
      },
      out, write, tracker, parallel_for, static_cast<double>(groups) / static_cast<double>(entries));
  if (table.null_key_group() != GroupTable::kNoGroup) {
    const uint32_t null_group = table.null_key_group();
    append_groups(table, &null_group, nullptr, 0, 1, start, out);
  }
}

void WindowAggregation::emit_groups(const GroupTable& table, const GroupTable::KeyOrder& order, int64_t start,
                                    Batch& out, EmitOutput& write, MemoryTracker* tracker,
                                    const ParallelFor& parallel_for) const {
  const size_t keyed = order.keys.size();
  emit_in_chunks(
      order.groups.size(),
      [&](size_t begin, size_t count, Batch& batch) {
        const size_t known_keys = begin < keyed ? std::min(count, keyed - begin) : 0;
        const int64_t* keys = known_keys > 0 ? order.keys.data() + begin : nullptr;
        append_groups(table, order.groups.data() + begin, keys, known_keys, count, start, batch);
      },
      out, write, tracker, parallel_for);
}

void WindowAggregation::emit_in_chunks(size_t rows, const std::function<void(size_t, size_t, Batch&)>& append,
                                       Batch& out, EmitOutput& write, MemoryTracker* tracker,
                                       const ParallelFor& parallel_for, double density) const {
  // Rows [begin, begin + count) in cache-sized pieces.
  auto append_cached = [&append, density](size_t begin, size_t count, Batch& batch) {
    // A fresh batch gets its whole chunk's room at once: no regrowth (and
    // copy) of every column as the pieces arrive.
    if (batch.num_columns() > 0 && batch.column(0).size() == 0) {
      const auto expected = static_cast<size_t>(static_cast<double>(count) * density) + 1;
      for (size_t c = 0; c < batch.num_columns(); ++c) batch.column(c).reserve(std::min(count, expected));
    }
    for (size_t piece = begin; piece < begin + count; piece += kEmitCacheRows) {
      append(piece, std::min(kEmitCacheRows, begin + count - piece), batch);
    }
  };
  if (rows <= kEmitBatchRows || !parallel_for) {
    for (size_t begin = 0; begin < rows; begin += kEmitWriteRows) {
      const size_t count = std::min(kEmitWriteRows, rows - begin);
      const auto expected = static_cast<size_t>(static_cast<double>(count) * density) + 1;
      // Batches stay within kEmitWriteRows rows (and their reservation).
      if (out.column(0).size() + expected > kEmitWriteRows) write(out);
      append_cached(begin, count, out);
    }
    return;
  }
  // Many rows, whose states are read at random in memory: build chunks of
  // the output on the workers (each core brings its own outstanding cache
  // misses), then write them in order. The first error in output order
  // wins, as in a serial emission.
  write(out);
  constexpr size_t kChunksPerWave = 8;
  const size_t chunks = (rows + kEmitBatchRows - 1) / kEmitBatchRows;
  std::vector<std::unique_ptr<Batch>> wave(kChunksPerWave);
  std::vector<std::unique_ptr<EncodedRows>> encoded(kChunksPerWave);
  std::vector<std::exception_ptr> errors(kChunksPerWave);
  for (size_t first_chunk = 0; first_chunk < chunks; first_chunk += kChunksPerWave) {
    const size_t wave_size = std::min(kChunksPerWave, chunks - first_chunk);
    parallel_for(wave_size, [&](size_t i) {
      if (!wave[i]) wave[i] = std::make_unique<Batch>(output_schema_, tracker);
      const size_t begin = (first_chunk + i) * kEmitBatchRows;
      try {
        append_cached(begin, std::min(kEmitBatchRows, rows - begin), *wave[i]);
        // The sink's per-row work (CSV: formatting) on the worker too.
        encoded[i] = write.encode(*wave[i]);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    });
    for (size_t i = 0; i < wave_size; ++i) {
      if (errors[i]) std::rethrow_exception(errors[i]);
      if (encoded[i]) {
        write.write_encoded(std::move(encoded[i]), *wave[i]);
      } else {
        write(*wave[i]);
      }
    }
  }
}

uint64_t WindowAggregation::emit(GlobalState& global, int64_t watermark, Sink& sink, MemoryTracker* tracker,
                                 const ParallelFor& parallel_for) const {
  Batch out(output_schema_, tracker);
  EmitOutput write(sink, output_schema_, tracker);
  const bool input_ended = watermark == std::numeric_limits<int64_t>::max();
  const OutputMode mode = spec_.output_mode;
  // Windows (and sessions) stay open for their allowed lateness after the
  // watermark passed their end; the end of the input closes them all.
  const int64_t lateness = spec_.allowed_lateness_millis;
  const int64_t closing = input_ended ? watermark
                          : watermark < std::numeric_limits<int64_t>::min() + lateness
                              ? std::numeric_limits<int64_t>::min()
                              : watermark - lateness;
  if (global.sessions) {
    // Append: a session is written once, when the watermark passes its end
    // + allowed lateness. Complete: every session, open or closed, at every
    // trigger (none is ever dropped). Update is refused by the builder: a
    // session's bounds move as it grows and merges, so no upsert key is
    // stable (Spark refuses it too, SPARK-36463).
    WEIR_CHECK(mode != OutputMode::Update);
    emit_sessions(global, mode == OutputMode::Complete ? std::numeric_limits<int64_t>::max() : closing,
                  mode == OutputMode::Complete ? PartitionedSessionStore::AfterEmit::Keep
                                               : PartitionedSessionStore::AfterEmit::Drop,
                  out, write, tracker, parallel_for);
    write(out);
    return write.rows_written();
  }
  if (!spec_.window && spec_.keys.empty() && global.windows.empty() && (input_ended || mode != OutputMode::Append)) {
    // SQL's ungrouped aggregate over no rows is still one row (count 0, the
    // other aggregates NULL): create its single group.
    auto table = std::make_unique<GroupTable>(spec_.keys, layout_, tracker);
    const Batch no_columns(std::make_shared<const Schema>(std::vector<Field>{}), tracker);
    const uint32_t row = 0;
    uint32_t group = 0;
    GroupProbeScratch scratch;
    table->find_or_insert(no_columns, &row, 1, &group, scratch);
    if (mode == OutputMode::Update) table->track_changes();
    global.windows[kNoWindowStart] = std::move(table);
  }
  for (auto window = global.windows.begin(); window != global.windows.end();) {
    const int64_t start = window->first;
    GroupTable& table = *window->second;
    const bool closed = window_end(start) <= closing;
    // Append: windows close in start order, the first open one ends the pass.
    if (mode == OutputMode::Append && !closed) break;
    switch (mode) {
      case OutputMode::Append:
        emit_table(table, false, start, out, write, tracker, parallel_for);
        break;
      case OutputMode::Update:
        emit_table(table, true, start, out, write, tracker, parallel_for);
        table.clear_changes();
        break;
      case OutputMode::Complete:
        emit_table(table, false, start, out, write, tracker, parallel_for);
        break;
    }
    // Complete output keeps every window: each trigger writes the whole table.
    window = closed && mode != OutputMode::Complete ? global.windows.erase(window) : std::next(window);
  }
  write(out);
  return write.rows_written();
}

int64_t WindowAggregation::window_end(int64_t start) const {
  return spec_.window ? spec_.window->end_of_window_starting(start) : std::numeric_limits<int64_t>::max();
}

void WindowAggregation::discard(LocalState& local) const {
  local.windows.clear();
  if (local.session_buffers) PartitionedSessionStore::discard(*local.session_buffers);
}

size_t WindowAggregation::open_windows(const GlobalState& global) const {
  return global.sessions ? global.sessions->open_sessions() : global.windows.size();
}

void WindowAggregation::emit_sessions(GlobalState& global, int64_t closing,
                                      PartitionedSessionStore::AfterEmit after_emit, Batch& out,
                                      EmitOutput& write, MemoryTracker* tracker,
                                      const ParallelFor& parallel_for) const {
  const PartitionedSessionStore& keys = *global.sessions;
  const size_t key_count = spec_.keys.size();
  // Column-at-a-time over a chunk of closed sessions.
  auto append_sessions = [&](const SessionStore::Closed* sessions, size_t count, Batch& batch) {
    Column& starts = batch.column(0);
    Column& ends = batch.column(1);
    const size_t base = starts.size();
    starts.resize_fixed(base + count);
    ends.resize_fixed(base + count);
    std::vector<const uint8_t*> blocks(count);
    for (size_t i = 0; i < count; ++i) {
      starts.int64_data()[base + i] = sessions[i].start;
      ends.int64_data()[base + i] = sessions[i].end;
      blocks[i] = sessions[i].block;
    }
    for (size_t k = 0; k < key_count; ++k) keys.append_keys(sessions, count, k, batch.column(2 + k));
    for (size_t a = 0; a < spec_.aggregates.size(); ++a) {
      try {
        layout_.finalize_column(a, blocks.data(), count, batch.column(2 + key_count + a));
      } catch (const InputError& error) {
        // Name the first session (in output order) whose sum overflows.
        for (size_t i = 0; i < count; ++i) {
          Column probe(batch.column(2 + key_count + a).type());
          try {
            layout_.finalize(a, blocks[i], probe);
          } catch (const InputError&) {
            throw InputError(std::string(error.what()) + ", session starting " +
                             format_timestamp(sessions[i].start));
          }
        }
        throw;
      }
    }
  };
  global.sessions->take_closed(
      closing,
      [&](const SessionStore::ClosedSessions& sessions) {
        emit_in_chunks(
            sessions.size(),
            [&](size_t begin, size_t count, Batch& batch) { append_sessions(sessions.data() + begin, count, batch); },
            out, write, tracker, parallel_for);
      },
      parallel_for, after_emit);
}

}  // namespace weir
