#include "runtime/partitioned_session_store.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <string>
#include <string_view>
#include <utility>

#include "runtime/errors.h"

namespace weir {
namespace {

// A partition's buffer is folded into its store once it holds this many
// rows (when the lock is free), and waits for the lock at kForceFoldRows.
constexpr size_t kFoldRows = 8 * 1024;
constexpr size_t kForceFoldRows = 4 * kFoldRows;
constexpr unsigned kPartitionShift = 60;  // 64 - log2(kPartitions)
static_assert(PartitionedSessionStore::kPartitions == size_t{1} << (64 - kPartitionShift));

void run_tasks(const ParallelFor& parallel_for, size_t count, const std::function<void(size_t)>& body) {
  if (parallel_for && count > 1) {
    parallel_for(count, body);
    return;
  }
  for (size_t i = 0; i < count; ++i) body(i);
}

}  // namespace

PartitionedSessionStore::PartitionedSessionStore(const std::vector<GroupKeyColumn>& keys,
                                                 const std::vector<AggregateSpec>& aggregates,
                                                 const AggregateStateLayout& layout, int64_t gap_millis,
                                                 size_t event_time_column, MemoryTracker* tracker)
    : source_keys_(keys) {
  // The buffers' columns: the keys, the event time, then each aggregate
  // input not among them (of the consumed batches' types: see consume()).
  for (const GroupKeyColumn& key : keys) {
    buffer_keys_.push_back({buffered_columns_.size(), key.type});
    buffered_columns_.push_back(key.input_column);
  }
  buffer_time_column_ = buffered_columns_.size();
  buffered_columns_.push_back(event_time_column);
  for (const AggregateSpec& aggregate : aggregates) {
    has_input_.push_back(aggregate.input_column.has_value());
    if (!aggregate.input_column) {
      buffer_inputs_.push_back(0);
      continue;
    }
    const auto found = std::find(buffered_columns_.begin(), buffered_columns_.end(), *aggregate.input_column);
    buffer_inputs_.push_back(static_cast<size_t>(found - buffered_columns_.begin()));
    if (found == buffered_columns_.end()) buffered_columns_.push_back(*aggregate.input_column);
  }
  for (size_t p = 0; p < kPartitions; ++p) {
    partitions_.push_back(std::make_unique<Partition>(buffer_keys_, layout, gap_millis, tracker));
  }
}

PartitionedSessionStore::~PartitionedSessionStore() = default;
PartitionedSessionStore::WorkerBuffers::~WorkerBuffers() = default;

std::unique_ptr<PartitionedSessionStore::WorkerBuffers> PartitionedSessionStore::make_worker_buffers(
    MemoryTracker* tracker) const {
  auto worker = std::make_unique<WorkerBuffers>();
  worker->tracker = tracker;
  worker->rows_of.resize(kPartitions);
  return worker;
}

void PartitionedSessionStore::assign_partitions(WorkerBuffers& worker, const Batch& batch, const uint32_t* rows,
                                                size_t count) const {
  // Any function of the key values will do (a key's rows must all go to one
  // partition); NULL hashes as a constant.
  constexpr uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;
  constexpr uint64_t kNullValue = 0x5BD1E9955BD1E995ULL;
  std::vector<uint64_t>& hashes = worker.hashes;
  hashes.assign(count, 0);
  for (const GroupKeyColumn& key : source_keys_) {
    const Column& column = batch.column(key.input_column);
    const bool nullable = column.has_nulls();
    switch (key.type) {
      case DataType::Int64:
      case DataType::Timestamp: {
        const int64_t* values = column.int64_data();
        for (size_t i = 0; i < count; ++i) hashes[i] = (hashes[i] ^ static_cast<uint64_t>(values[rows[i]])) * kMultiplier;
        break;
      }
      case DataType::Bool: {
        const uint8_t* values = column.bool_data();
        for (size_t i = 0; i < count; ++i) hashes[i] = (hashes[i] ^ values[rows[i]]) * kMultiplier;
        break;
      }
      case DataType::String:
        for (size_t i = 0; i < count; ++i) {
          hashes[i] = (hashes[i] ^ std::hash<std::string_view>{}(column.string_at(rows[i]))) * kMultiplier;
        }
        break;
      case DataType::Float64:
        throw InternalError("float64 group keys are not supported");
    }
    if (nullable) {
      // Recomputed for NULL rows from the hash before this key.
      for (size_t i = 0; i < count; ++i) {
        if (!column.is_valid(rows[i])) hashes[i] = (hashes[i] ^ kNullValue) * kMultiplier;
      }
    }
  }
  for (std::vector<uint32_t>& list : worker.rows_of) list.clear();
  for (size_t i = 0; i < count; ++i) {
    const uint64_t hash = hashes[i] ^ (hashes[i] >> 29);
    worker.rows_of[(hash * kMultiplier) >> kPartitionShift].push_back(rows[i]);
  }
}

void PartitionedSessionStore::consume(WorkerBuffers& worker, const Batch& batch, const uint32_t* rows,
                                      size_t count) {
  if (count == 0) return;
  if (worker.buffers.empty()) {
    // The buffers take the consumed batches' column types (an event-time
    // column may be int64 or timestamp).
    std::vector<Field> fields;
    for (size_t c = 0; c < buffered_columns_.size(); ++c) {
      fields.push_back({"c" + std::to_string(c), batch.schema().field(buffered_columns_[c]).type});
    }
    const auto schema = std::make_shared<const Schema>(std::move(fields));
    for (size_t p = 0; p < kPartitions; ++p) worker.buffers.push_back(std::make_unique<Batch>(schema, worker.tracker));
  }
  assign_partitions(worker, batch, rows, count);
  for (size_t p = 0; p < kPartitions; ++p) {
    const std::vector<uint32_t>& selected = worker.rows_of[p];
    if (selected.empty()) continue;
    Batch& buffer = *worker.buffers[p];
    for (size_t c = 0; c < buffered_columns_.size(); ++c) {
      buffer.column(c).append_selected(batch.column(buffered_columns_[c]), selected.data(), selected.size());
    }
    const size_t buffered = buffer.column(buffer_time_column_).size();
    if (buffered < kFoldRows) continue;
    Partition& partition = *partitions_[p];
    std::unique_lock<std::mutex> guard(partition.lock, std::try_to_lock);
    if (!guard.owns_lock() && buffered >= kForceFoldRows) guard.lock();
    if (guard.owns_lock()) fold(buffer, worker.scratch, p);
  }
}

void PartitionedSessionStore::fold(Batch& buffer, FoldScratch& scratch, size_t partition) {
  const size_t count = buffer.column(buffer_time_column_).size();
  if (count == 0) return;
  buffer.set_num_rows(count);
  std::vector<uint32_t>& all_rows = scratch.all_rows;
  if (all_rows.size() < count) {
    const size_t old_size = all_rows.size();
    all_rows.resize(count);
    std::iota(all_rows.begin() + static_cast<std::ptrdiff_t>(old_size), all_rows.end(),
              static_cast<uint32_t>(old_size));
  }
  scratch.inputs.clear();
  for (size_t a = 0; a < buffer_inputs_.size(); ++a) {
    scratch.inputs.push_back(has_input_[a] ? &buffer.column(buffer_inputs_[a]) : nullptr);
  }
  partitions_[partition]->store.consume(buffer, all_rows.data(), count,
                                        buffer.column(buffer_time_column_).int64_data(), scratch.inputs);
  buffer.clear();
}

void PartitionedSessionStore::flush(const std::vector<WorkerBuffers*>& workers, const ParallelFor& parallel_for) {
  // One task per partition: each with its own scratch (the workers' own
  // scratch would be shared by the tasks).
  run_tasks(parallel_for, kPartitions, [&](size_t p) {
    FoldScratch scratch;
    std::lock_guard<std::mutex> guard(partitions_[p]->lock);
    for (WorkerBuffers* worker : workers) {
      if (worker != nullptr && !worker->buffers.empty()) fold(*worker->buffers[p], scratch, p);
    }
  });
}

void PartitionedSessionStore::discard(WorkerBuffers& worker) {
  for (auto& buffer : worker.buffers) buffer->clear();
}

size_t PartitionedSessionStore::open_sessions() const {
  size_t sessions = 0;
  for (const auto& partition : partitions_) sessions += partition->store.open_sessions();
  return sessions;
}

void PartitionedSessionStore::take_closed(int64_t closing,
                                          const std::function<void(const SessionStore::ClosedSessions&)>& emit,
                                          const ParallelFor& parallel_for) {
  using Closed = SessionStore::Closed;
  // Each partition's closed sessions, in (end, start, key) order.
  std::vector<SessionStore::ClosedSessions> parts(kPartitions);
  run_tasks(parallel_for, kPartitions, [&](size_t p) {
    partitions_[p]->store.collect_closed(closing, parts[p], nullptr);
    for (Closed& closed : parts[p]) closed.partition = static_cast<uint32_t>(p);
  });
  std::vector<size_t> bounds(1, 0);  // of the non-empty parts in `merged`
  for (const auto& part : parts) {
    if (!part.empty()) bounds.push_back(bounds.back() + part.size());
  }
  const size_t total = bounds.back();
  if (total == 0) return;

  // Merged pairwise, round after round, the pairs of a round in parallel,
  // between two arrays. A key lives in one partition, so no two sessions
  // of different partitions tie on (end, start, key).
  SessionStore::ClosedSessions merged(total), spare(total);
  {
    std::vector<const SessionStore::ClosedSessions*> non_empty;
    for (const auto& part : parts) {
      if (!part.empty()) non_empty.push_back(&part);
    }
    run_tasks(parallel_for, non_empty.size(), [&](size_t i) {
      std::copy(non_empty[i]->begin(), non_empty[i]->end(), merged.begin() + static_cast<std::ptrdiff_t>(bounds[i]));
    });
  }
  auto earlier = [this](const Closed& a, const Closed& b) {
    if (a.end != b.end) return a.end < b.end;
    if (a.start != b.start) return a.start < b.start;
    return GroupTable::compare_keys(keys(a.partition), a.group, keys(b.partition), b.group) < 0;
  };
  while (bounds.size() > 2) {
    const size_t runs = bounds.size() - 1;
    std::vector<size_t> next_bounds(1, 0);
    for (size_t r = 0; r < runs; r += 2) next_bounds.push_back(bounds[std::min(r + 2, runs)]);
    run_tasks(parallel_for, (runs + 1) / 2, [&](size_t pair) {
      const auto at = [](SessionStore::ClosedSessions& array, size_t index) {
        return array.begin() + static_cast<std::ptrdiff_t>(index);
      };
      const size_t first = 2 * pair;
      if (first + 1 == runs) {
        std::copy(at(merged, bounds[first]), at(merged, bounds[first + 1]), at(spare, bounds[first]));
        return;
      }
      std::merge(at(merged, bounds[first]), at(merged, bounds[first + 1]), at(merged, bounds[first + 1]),
                 at(merged, bounds[first + 2]), at(spare, bounds[first]), earlier);
    });
    merged.swap(spare);
    bounds.swap(next_bounds);
  }
  emit(merged);
  run_tasks(parallel_for, kPartitions, [&](size_t p) {
    if (!parts[p].empty()) partitions_[p]->store.drop_closed(closing, parts[p].size());
  });
}

void PartitionedSessionStore::append_keys(const SessionStore::Closed* sessions, size_t count, size_t key_index,
                                          Column& out) const {
  for (size_t i = 0; i < count; ++i) keys(sessions[i].partition).append_key(sessions[i].group, key_index, out);
}

}  // namespace weir
