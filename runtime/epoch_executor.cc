#include "runtime/epoch_executor.h"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "kernels/int64_reduce.h"
#include "kernels/prefix_max.h"
#include "runtime/batch_pool.h"
#include "runtime/errors.h"
#include "runtime/expression_evaluator.h"
#include "runtime/late_rows.h"
#include "runtime/projection.h"
#include "runtime/saturating.h"
#include "runtime/sink.h"
#include "runtime/thread_handoff.h"
#include "runtime/windowed_morsel.h"

namespace weir {
namespace {

// Everything one worker thread owns: reused across morsels and epochs.
struct WorkerState {
  std::unique_ptr<FilterEvaluator> filter;
  std::unique_ptr<WindowAggregation::LocalState> aggregation;
  std::unique_ptr<TopRows::LocalState> top_rows;
  std::unique_ptr<Projection::LocalState> projection;
  std::unique_ptr<StreamJoin::LocalState> join;
  std::array<std::unique_ptr<FilterEvaluator>, 2> join_filters;  // per join input (none: every row)
  std::array<SelectionVector, 2> join_rows;
  std::vector<uint8_t> late_flags;  // per row: late for a join input
  MorselScratch scratch;            // lateness and windows; what was late
};

// A morsel travelling through the pipeline's stages.
struct MorselToken {
  std::unique_ptr<SourceMorsel> morsel;
  std::unique_ptr<Batch> batch;
  std::unique_ptr<Batch> output;  // projection: the morsel's output rows
  std::unique_ptr<EncodedRows> encoded;  // projection: `output` as the sink encoded it, if it does
  int64_t min_event_time = std::numeric_limits<int64_t>::max();
  int64_t max_event_time = std::numeric_limits<int64_t>::min();
  int64_t max_event_time_before = std::numeric_limits<int64_t>::min();
  bool failed = false;
};

}  // namespace

class EpochExecutor::Impl {
 public:
  Impl(const PipelineFragment& fragment, size_t threads, size_t morsel_rows, MemoryTracker* tracker)
      : fragment_(fragment),
        threads_(threads == 0 ? std::max<size_t>(1, std::thread::hardware_concurrency()) : threads),
        morsel_rows_(std::max<size_t>(1, morsel_rows)),
        tracker_(tracker),
        parallelism_(tbb::global_control::max_allowed_parallelism, threads_),
        arena_(static_cast<int>(threads_)),
        workers_([this]() {
          WorkerState state;
          if (fragment_.predicate != nullptr) {
            state.filter = std::make_unique<FilterEvaluator>(*fragment_.predicate);
          }
          if (fragment_.aggregation != nullptr) {
            WEIR_CHECK(aggregation_global_ != nullptr);
            state.aggregation = fragment_.aggregation->make_local_state(tracker_, *aggregation_global_);
          }
          if (fragment_.projection != nullptr) state.projection = fragment_.projection->make_local_state(tracker_);
          if (fragment_.top_rows != nullptr) state.top_rows = fragment_.top_rows->make_local_state(tracker_);
          if (fragment_.join != nullptr) {
            state.join = fragment_.join->make_local_state(tracker_);
            const Expression* predicates[2] = {fragment_.join_left_predicate, fragment_.join_right_predicate};
            for (size_t side = 0; side < 2; ++side) {
              if (predicates[side] != nullptr) state.join_filters[side] = std::make_unique<FilterEvaluator>(*predicates[side]);
            }
          }
          return state;
        }) {}

  size_t threads() const { return threads_; }

  Outcome run_epoch(Source& source, uint64_t row_budget, const std::vector<int64_t>& partition_max_event_time_before,
                    int64_t pipeline_watermark, const std::atomic<int>* stop) {
    if (!batch_pool_) batch_pool_ = std::make_unique<BatchPool>(source.schema(), tracker_);
    if (!output_pool_ && fragment_.projection != nullptr) {
      output_pool_ = std::make_unique<BatchPool>(fragment_.projection->output_schema(), tracker_);
    }
    Outcome outcome;
    uint64_t remaining = row_budget;
    std::vector<int64_t>& running_max = outcome.partition_max_event_time;
    running_max = partition_max_event_time_before;
    std::vector<uint64_t>& partition_rows = outcome.partition_rows_read;
    // A row sees at least the pipeline's watermark: windows it closed are
    // closed for every partition. As a greatest event time before the row:
    const int64_t floor_max_before = saturating_add(pipeline_watermark, fragment_.watermark_delay_millis);
    std::atomic<uint64_t> rows_read{0};
    first_error_ = nullptr;
    first_error_ordinal_ = std::numeric_limits<uint64_t>::max();
    stop_cutting_ = false;
    for (WorkerState& worker : workers_) {
      worker.scratch.rows_late = 0;
      worker.scratch.late_rows.clear();
    }

    // oneTBB runs each serial stage on whichever thread is free: the
    // handoff annotations make that visible to ThreadSanitizer.
    int cut_stage = 0, order_stage = 0;
    handoff_release(&cut_stage);
    handoff_release(&order_stage);
    auto cut_next = [&](tbb::flow_control& control) -> MorselToken* {
      if (remaining == 0 || stop_cutting_.load(std::memory_order_relaxed)) {
        control.stop();
        return nullptr;
      }
      if (stop != nullptr && stop->load(std::memory_order_relaxed) != 0) {
        outcome.abandoned = true;
        control.stop();
        return nullptr;
      }
      std::unique_ptr<SourceMorsel> morsel;
      try {
        morsel = source.next_morsel(static_cast<size_t>(std::min<uint64_t>(remaining, morsel_rows_)));
      } catch (...) {
        record_error(std::numeric_limits<uint64_t>::max() - 1, std::current_exception());
        control.stop();
        return nullptr;
      }
      if (!morsel) {
        control.stop();
        return nullptr;
      }
      WEIR_CHECK(morsel->num_rows <= remaining);
      remaining -= morsel->num_rows;
      if (morsel->partition >= partition_rows.size()) partition_rows.resize(morsel->partition + 1, 0);
      partition_rows[morsel->partition] += morsel->num_rows;
      auto* token = new MorselToken();
      token->morsel = std::move(morsel);
      // Without event time the order stage is left out (below): no row
      // carries a time, so what a morsel sees before it is the floor.
      if (!fragment_.has_event_time) token->max_event_time_before = floor_max_before;
      return token;
    };

    auto cut = [&](tbb::flow_control& control) -> MorselToken* {
      handoff_acquire(&cut_stage);
      MorselToken* token = cut_next(control);
      handoff_release(&cut_stage);
      if (token != nullptr) handoff_release(token);
      return token;
    };

    auto load = [&](MorselToken* token) -> MorselToken* {
      handoff_acquire(token);
      try {
        token->batch = batch_pool_->take();
        source.read_ahead();
        source.load(*token->morsel, *token->batch);
        if (fragment_.has_event_time) {
          const Column& times = std::as_const(*token->batch).column(fragment_.event_time_column);
          if (times.has_nulls()) {
            throw InputError(source.describe() + ": NULL event time in row " +
                             std::to_string(token->morsel->first_row_ordinal + first_null_row(times) + 1) +
                             " of the source");
          }
          kernels::MinMaxInt64(times.int64_data(), times.size(), &token->min_event_time, &token->max_event_time);
        }
        rows_read.fetch_add(token->batch->num_rows(), std::memory_order_relaxed);
      } catch (...) {
        token->failed = true;
        record_error(token->morsel->first_row_ordinal, std::current_exception());
      }
      handoff_release(token);
      return token;
    };

    auto order = [&](MorselToken* token) -> MorselToken* {
      handoff_acquire(token);
      handoff_acquire(&order_stage);
      if (!token->failed) {
        const uint32_t partition = token->morsel->partition;
        if (partition >= running_max.size()) running_max.resize(partition + 1, std::numeric_limits<int64_t>::min());
        token->max_event_time_before = std::max(running_max[partition], floor_max_before);
        running_max[partition] = std::max(running_max[partition], token->max_event_time);
      }
      handoff_release(&order_stage);
      handoff_release(token);
      return token;
    };

    auto process_token = [&](MorselToken* token) {
      handoff_acquire(token);
      if (!token->failed && !stop_cutting_.load(std::memory_order_relaxed)) {
        WorkerState& worker = workers_.local();
        try {
          if (fragment_.projection != nullptr) {
            token->output = output_pool_->take();
            project_morsel(*token->batch, *token->output, worker);
            // The sink's per-row work (formatting) here, in parallel.
            token->encoded = fragment_.projection_sink->encode(*token->output);
          } else if (fragment_.join != nullptr) {
            join_morsel(*token->batch, token->max_event_time_before, worker);
          } else {
            WindowedMorsel(fragment_, tracker_, worker.filter.get(), worker.aggregation.get(), worker.top_rows.get(),
                           worker.scratch)
                .process(*token->batch, token->morsel->first_row_ordinal, token->min_event_time,
                         token->max_event_time, token->max_event_time_before);
          }
        } catch (...) {
          token->failed = true;
          record_error(token->morsel->first_row_ordinal, std::current_exception());
        }
        handoff_release(&worker);
      }
      if (token->batch) batch_pool_->give_back(std::move(token->batch));
    };

    auto process = [&](MorselToken* token) {
      process_token(token);
      delete token;
    };

    // Projection: process keeps the token for the in-order emit stage.
    auto process_keep = [&](MorselToken* token) -> MorselToken* {
      process_token(token);
      handoff_release(token);
      return token;
    };

    std::atomic<uint64_t> rows_out{0};
    int emit_stage = 0;
    handoff_release(&emit_stage);
    auto emit = [&](MorselToken* token) {
      handoff_acquire(token);
      handoff_acquire(&emit_stage);
      if (!token->failed && token->output && !stop_cutting_.load(std::memory_order_relaxed)) {
        try {
          if (token->encoded) {
            fragment_.projection_sink->write_encoded(std::move(token->encoded));
          } else {
            fragment_.projection_sink->write(*token->output);
          }
          rows_out.fetch_add(token->output->num_rows(), std::memory_order_relaxed);
        } catch (...) {
          record_error(token->morsel->first_row_ordinal, std::current_exception());
        }
      }
      handoff_release(&emit_stage);
      if (token->output) output_pool_->give_back(std::move(token->output));
      delete token;
    };

    arena_.execute([&]() {
      // The order stage carries event time's running maximum from morsel to
      // morsel; without event time a morsel goes straight from load to
      // process (one serial stage less per morsel).
      auto front = tbb::make_filter<void, MorselToken*>(tbb::filter_mode::serial_in_order, cut) &
                   tbb::make_filter<MorselToken*, MorselToken*>(tbb::filter_mode::parallel, load);
      if (fragment_.has_event_time) {
        front = front & tbb::make_filter<MorselToken*, MorselToken*>(tbb::filter_mode::serial_in_order, order);
      }
      if (fragment_.projection != nullptr) {
        tbb::parallel_pipeline(threads_ * 2,
                               front & tbb::make_filter<MorselToken*, MorselToken*>(tbb::filter_mode::parallel,
                                                                                    process_keep) &
                                   tbb::make_filter<MorselToken*, void>(tbb::filter_mode::serial_in_order, emit));
      } else {
        tbb::parallel_pipeline(threads_ * 2,
                               front & tbb::make_filter<MorselToken*, void>(tbb::filter_mode::parallel, process));
      }
    });

    handoff_acquire(&cut_stage);
    handoff_acquire(&order_stage);
    handoff_acquire(&emit_stage);
    outcome.rows_out = rows_out.load();
    for (WorkerState& worker : workers_) handoff_acquire(&worker);
    if (first_error_) {
      discard_partials();
      std::rethrow_exception(first_error_);
    }
    outcome.rows_read = rows_read.load();
    for (WorkerState& worker : workers_) {
      outcome.rows_late += worker.scratch.rows_late;
      for (EpochExecutor::LateRows& late : worker.scratch.late_rows) outcome.late_rows.push_back(std::move(late));
      worker.scratch.late_rows.clear();
    }
    std::sort(outcome.late_rows.begin(), outcome.late_rows.end(),
              [](const EpochExecutor::LateRows& a, const EpochExecutor::LateRows& b) {
                return a.first_row_ordinal < b.first_row_ordinal;
              });
    const size_t partitions = std::max(source.partition_count(), running_max.size());
    running_max.resize(partitions, std::numeric_limits<int64_t>::min());
    partition_rows.resize(partitions, 0);
    if (outcome.abandoned) discard_partials();
    return outcome;
  }

  void bind_aggregation(WindowAggregation::GlobalState& global) { aggregation_global_ = &global; }
  void combine_into(WindowAggregation::GlobalState& global) {
    if (fragment_.aggregation == nullptr) return;
    WEIR_CHECK(&global == aggregation_global_);  // the state the workers were made for
    std::vector<WindowAggregation::LocalState*> locals;
    for (WorkerState& worker : workers_) locals.push_back(worker.aggregation.get());
    fragment_.aggregation->combine(locals, global, [this](size_t count, const std::function<void(size_t)>& body) {
      parallel_for(count, body);
    });
  }

  void combine_join(StreamJoin::GlobalState& global) {
    std::vector<StreamJoin::LocalState*> locals;
    for (WorkerState& worker : workers_) locals.push_back(worker.join.get());
    fragment_.join->combine(locals, global, [this](size_t count, const std::function<void(size_t)>& body) {
      parallel_for(count, body);
    });
  }

  void combine_top_rows(TopRows::GlobalState& global) {
    if (fragment_.top_rows == nullptr) return;
    std::vector<TopRows::LocalState*> locals;
    for (WorkerState& worker : workers_) locals.push_back(worker.top_rows.get());
    fragment_.top_rows->combine(locals, global);
  }

  void parallel_for(size_t count, const std::function<void(size_t)>& body) {
    std::vector<int> done(count);
    handoff_release(&body);
    arena_.execute([&]() {
      tbb::parallel_for(size_t{0}, count, [&](size_t i) {
        handoff_acquire(&body);
        body(i);
        handoff_release(&done[i]);
      });
    });
    for (size_t i = 0; i < count; ++i) handoff_acquire(&done[i]);
  }

  void discard_partials() {
    if (fragment_.top_rows != nullptr) {
      for (WorkerState& worker : workers_) fragment_.top_rows->discard(*worker.top_rows);
    }
    if (fragment_.join != nullptr) {
      for (WorkerState& worker : workers_) fragment_.join->discard(*worker.join);
    }
    if (fragment_.aggregation == nullptr) return;
    for (WorkerState& worker : workers_) fragment_.aggregation->discard(*worker.aggregation);
  }

 private:
  static size_t first_null_row(const Column& column) {
    for (size_t row = 0; row < column.size(); ++row) {
      if (!column.is_valid(row)) return row;
    }
    return 0;
  }

  // A select list: no window, so no row is late; filter, then project the
  // kept rows into `output`.
  void project_morsel(Batch& batch, Batch& output, WorkerState& worker) {
    if (worker.filter) worker.filter->filter(batch, batch.selection());
    fragment_.projection->project_consuming(batch, batch.selection(), *worker.projection, output);
    output.first_row_ordinal = batch.first_row_ordinal;
  }

  // A join: filter, split into the two inputs, drop the rows late for an
  // interval join (their time below the watermark before them), then hand
  // each input's rows to the worker's join state.
  void join_morsel(Batch& batch, int64_t max_event_time_before, WorkerState& worker) {
    if (worker.filter) worker.filter->filter(batch, batch.selection());
    const SelectionVector& kept = batch.selection();
    for (size_t side = 0; side < 2; ++side) {
      SelectionVector& rows = worker.join_rows[side];
      rows.resize(kept.size());
      std::copy_n(kept.data(), kept.size(), rows.data());
      if (worker.join_filters[side]) worker.join_filters[side]->filter(batch, rows);
    }
    const StreamJoinSpec& spec = fragment_.join->spec();
    if (spec.interval && fragment_.has_event_time) {
      const size_t count = batch.num_rows();
      const int64_t* times = std::as_const(batch).column(fragment_.event_time_column).int64_data();
      worker.scratch.max_before.resize(count);
      kernels::RunningMaxBefore(times, count, max_event_time_before, worker.scratch.max_before.data());
      worker.scratch.rows_late += drop_late_join_rows(batch, {spec.left_time_column, spec.right_time_column},
                                              worker.scratch.max_before.data(), fragment_.watermark_delay_millis,
                                              worker.join_rows, worker.late_flags);
    }
    fragment_.join->consume(batch, worker.join_rows[0].data(), worker.join_rows[0].size(), worker.join_rows[1].data(),
                            worker.join_rows[1].size(), *worker.join);
  }

  void record_error(uint64_t ordinal, std::exception_ptr error) {
    std::lock_guard<std::mutex> lock(error_mutex_);
    if (!first_error_ || ordinal < first_error_ordinal_) {
      first_error_ = error;
      first_error_ordinal_ = ordinal;
    }
    stop_cutting_ = true;
  }

  PipelineFragment fragment_;
  size_t threads_;
  size_t morsel_rows_;
  MemoryTracker* tracker_;
  WindowAggregation::GlobalState* aggregation_global_ = nullptr;  // bind_aggregation()
  // Lets --threads exceed the core count (oneTBB caps workers at the core
  // count otherwise); process-wide while this executor lives.
  tbb::global_control parallelism_;
  tbb::task_arena arena_;
  tbb::enumerable_thread_specific<WorkerState> workers_;
  std::unique_ptr<BatchPool> batch_pool_;   // the source's batches (made by the first epoch)
  std::unique_ptr<BatchPool> output_pool_;  // projection output batches
  std::mutex error_mutex_;
  std::exception_ptr first_error_;
  uint64_t first_error_ordinal_ = 0;
  std::atomic<bool> stop_cutting_{false};
};

EpochExecutor::EpochExecutor(const PipelineFragment& fragment, size_t threads, size_t morsel_rows,
                             MemoryTracker* tracker)
    : impl_(std::make_unique<Impl>(fragment, threads, morsel_rows, tracker)) {}

EpochExecutor::~EpochExecutor() = default;

size_t EpochExecutor::threads() const { return impl_->threads(); }

EpochExecutor::Outcome EpochExecutor::run_epoch(Source& source, uint64_t row_budget,
                                                const std::vector<int64_t>& partition_max_event_time_before,
                                                int64_t pipeline_watermark, const std::atomic<int>* stop) {
  return impl_->run_epoch(source, row_budget, partition_max_event_time_before, pipeline_watermark, stop);
}

void EpochExecutor::combine_into(WindowAggregation::GlobalState& global) { impl_->combine_into(global); }

void EpochExecutor::bind_aggregation(WindowAggregation::GlobalState& global) { impl_->bind_aggregation(global); }

void EpochExecutor::parallel_for(size_t count, const std::function<void(size_t)>& body) {
  impl_->parallel_for(count, body);
}

void EpochExecutor::combine_join(StreamJoin::GlobalState& global) { impl_->combine_join(global); }

void EpochExecutor::combine_top_rows(TopRows::GlobalState& global) { impl_->combine_top_rows(global); }

void EpochExecutor::discard_partials() { impl_->discard_partials(); }

}  // namespace weir
