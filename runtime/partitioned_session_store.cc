#include "runtime/partitioned_session_store.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <utility>

#include "runtime/errors.h"

namespace weir {
namespace {

// A partition's buffer is folded into its store once it holds this many
// rows (when the lock is free), and waits for the lock at kForceFoldRows.
// Large folds hold several rows of each key, which consume() inserts as one
// run: at 8K rows, 70,001 keys over 20M rows took 1.7x the CPU time of 32K.
constexpr size_t kFoldRows = 32 * 1024;
constexpr size_t kForceFoldRows = 2 * kFoldRows;
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
      // NULL rows also mix a constant in (over the value slot, which a
      // NULL leaves zero): still one function of the key.
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

std::vector<std::vector<uint32_t>> PartitionedSessionStore::key_ranks(const ParallelFor& parallel_for) const {
  // Each partition's groups in key order, then a merge of those orders.
  std::vector<std::vector<uint32_t>> orders(kPartitions);
  run_tasks(parallel_for, kPartitions, [&](size_t p) { orders[p] = keys(p).groups_in_key_order(); });
  std::vector<std::vector<uint32_t>> ranks(kPartitions);
  struct Cursor {
    uint32_t partition;
    size_t next;
  };
  std::vector<Cursor> heap;
  for (uint32_t p = 0; p < kPartitions; ++p) {
    ranks[p].resize(keys(p).num_groups());
    if (!orders[p].empty()) heap.push_back({p, 0});
  }
  auto later = [&](const Cursor& a, const Cursor& b) {
    return GroupTable::compare_keys(keys(b.partition), orders[b.partition][b.next], keys(a.partition),
                                    orders[a.partition][a.next]) < 0;
  };
  std::make_heap(heap.begin(), heap.end(), later);
  uint32_t rank = 0;
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    Cursor& cursor = heap.back();
    ranks[cursor.partition][orders[cursor.partition][cursor.next]] = rank++;
    if (++cursor.next == orders[cursor.partition].size()) {
      heap.pop_back();
    } else {
      std::push_heap(heap.begin(), heap.end(), later);
    }
  }
  return ranks;
}

void PartitionedSessionStore::take_closed(int64_t closing,
                                          const std::function<void(const SessionStore::ClosedSessions&)>& emit,
                                          const ParallelFor& parallel_for, AfterEmit after_emit) {
  using Closed = SessionStore::Closed;
  struct Scan {
    size_t count = 0;
    int64_t min_end = std::numeric_limits<int64_t>::max();
    int64_t max_end = std::numeric_limits<int64_t>::min();
  };
  std::vector<Scan> scans(kPartitions);
  run_tasks(parallel_for, kPartitions, [&](size_t p) {
    Scan& scan = scans[p];
    partitions_[p]->store.visit_closed(closing, [&](uint32_t, int64_t, int64_t end, const uint8_t*) {
      ++scan.count;
      scan.min_end = std::min(scan.min_end, end);
      scan.max_end = std::max(scan.max_end, end);
    });
  });
  Scan all;
  for (const Scan& scan : scans) {
    all.count += scan.count;
    all.min_end = std::min(all.min_end, scan.min_end);
    all.max_end = std::max(all.max_end, scan.max_end);
  }
  if (all.count == 0) return;

  // Output order: (end, start, key). Keys compare by their rank among the
  // keys of every partition.
  // (Ranking every key costs a merge of all keys: when few sessions close
  // among many keys, as in a streaming run's triggers, keys are compared
  // directly instead.)
  size_t total_keys = 0;
  for (size_t p = 0; p < kPartitions; ++p) total_keys += keys(p).num_groups();
  const bool rank_keys = all.count >= total_keys / 4;
  const std::vector<std::vector<uint32_t>> ranks =
      rank_keys ? key_ranks(parallel_for) : std::vector<std::vector<uint32_t>>();
  auto earlier = [this, &ranks, rank_keys](const Closed& a, const Closed& b) {
    if (a.end != b.end) return a.end < b.end;
    if (a.start != b.start) return a.start < b.start;
    if (!rank_keys) return GroupTable::compare_keys(keys(a.partition), a.group, keys(b.partition), b.group) < 0;
    return ranks[a.partition][a.group] < ranks[b.partition][b.group];
  };
  // Not zero-filled: every entry is written below, on the workers, who also
  // take the page faults.
  SessionStore::ClosedSessions closed(all.count);
  const uint64_t end_span = static_cast<uint64_t>(all.max_end) - static_cast<uint64_t>(all.min_end);
  // A counting sort by end places each session directly when the ends span
  // fewer milliseconds than there are sessions: one histogram per group of
  // partitions, as many groups as keep the histograms within twice the
  // sessions. Then each run of one end is sorted by (start, key).
  const size_t groups = end_span < all.count
                            ? std::min(kPartitions, std::max<size_t>(1, 2 * all.count / (end_span + 1)))
                            : 0;
  if (groups == 0) {
    std::vector<size_t> offsets(kPartitions + 1, 0);
    for (size_t p = 0; p < kPartitions; ++p) offsets[p + 1] = offsets[p] + scans[p].count;
    run_tasks(parallel_for, kPartitions, [&](size_t p) {
      size_t next = offsets[p];
      partitions_[p]->store.visit_closed(closing, [&](uint32_t group, int64_t start, int64_t end, const uint8_t* block) {
        closed[next++] = Closed{start, end, group, static_cast<uint32_t>(p), block};
      });
    });
    std::sort(closed.begin(), closed.end(), earlier);
  } else {
    const size_t buckets = end_span + 1;
    auto first_partition = [&](size_t group) { return kPartitions * group / groups; };
    std::vector<std::vector<uint32_t>> positions(groups);
    run_tasks(parallel_for, groups, [&](size_t g) {
      positions[g].assign(buckets, 0);
      for (size_t p = first_partition(g); p < first_partition(g + 1); ++p) {
        partitions_[p]->store.visit_closed(closing, [&](uint32_t, int64_t, int64_t end, const uint8_t*) {
          ++positions[g][static_cast<uint64_t>(end) - static_cast<uint64_t>(all.min_end)];
        });
      }
    });
    uint32_t running = 0;  // by end, then group after group
    for (size_t bucket = 0; bucket < buckets; ++bucket) {
      for (std::vector<uint32_t>& group_positions : positions) {
        const uint32_t sessions = group_positions[bucket];
        group_positions[bucket] = running;
        running += sessions;
      }
    }
    run_tasks(parallel_for, groups, [&](size_t g) {
      for (size_t p = first_partition(g); p < first_partition(g + 1); ++p) {
        partitions_[p]->store.visit_closed(closing, [&](uint32_t group, int64_t start, int64_t end,
                                                        const uint8_t* block) {
          closed[positions[g][static_cast<uint64_t>(end) - static_cast<uint64_t>(all.min_end)]++] =
              Closed{start, end, group, static_cast<uint32_t>(p), block};
        });
      }
    });
    // Each run of one end by (start, key): a range of `closed` per task,
    // each sorting the runs that begin in it.
    // Task boundaries are moved to run starts first, so that no two tasks
    // touch one run.
    const size_t tasks = parallel_for ? std::clamp<size_t>(all.count / (64 * 1024), 1, 32) : 1;
    std::vector<size_t> task_begin(tasks + 1, all.count);
    for (size_t t = 0; t < tasks; ++t) {
      size_t begin = std::max(all.count * t / tasks, t == 0 ? 0 : task_begin[t - 1]);
      while (begin > 0 && begin < all.count && closed[begin - 1].end == closed[begin].end) ++begin;
      task_begin[t] = begin;
    }
    run_tasks(parallel_for, tasks, [&](size_t t) {
      size_t begin = task_begin[t];
      const size_t last = task_begin[t + 1];
      while (begin < last) {
        size_t run_end = begin + 1;
        while (run_end < last && closed[run_end].end == closed[begin].end) ++run_end;
        Closed* first = closed.data() + begin;
        Closed* end = closed.data() + run_end;
        if (run_end - begin <= 32) {
          for (Closed* next = first + 1; next < end; ++next) {
            const Closed moving = *next;
            Closed* hole = next;
            for (; hole > first && earlier(moving, *(hole - 1)); --hole) *hole = *(hole - 1);
            *hole = moving;
          }
        } else {
          std::sort(first, end, earlier);
        }
        begin = run_end;
      }
    });
  }
  emit(closed);
  if (after_emit == AfterEmit::Keep) return;
  run_tasks(parallel_for, kPartitions, [&](size_t p) {
    if (scans[p].count > 0) partitions_[p]->store.drop_closed(closing, scans[p].count);
  });
}

void PartitionedSessionStore::append_keys(const SessionStore::Closed* sessions, size_t count, size_t key_index,
                                          Column& out) const {
  for (size_t i = 0; i < count; ++i) keys(sessions[i].partition).append_key(sessions[i].group, key_index, out);
}

}  // namespace weir
