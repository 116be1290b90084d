#include "runtime/pipeline.h"

#include <chrono>
#include <limits>
#include <thread>
#include <vector>

#include "runtime/epoch_executor.h"
#include "runtime/errors.h"
#include "runtime/expression.h"
#include "runtime/projection.h"

namespace weir {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t kChainedEpochRows = 512 * 1024;

bool stop_requested(const std::atomic<int>* stop) {
  return stop != nullptr && stop->load(std::memory_order_relaxed) != 0;
}

// Sleeps until `deadline`, waking early when a stop is requested.
void sleep_until(Clock::time_point deadline, const std::atomic<int>* stop) {
  while (!stop_requested(stop)) {
    const auto now = Clock::now();
    if (now >= deadline) return;
    std::this_thread::sleep_for(std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(20)));
  }
}

int64_t watermark_from(int64_t max_event_time, int64_t delay) {
  if (max_event_time < std::numeric_limits<int64_t>::min() + delay) return std::numeric_limits<int64_t>::min();
  return max_event_time - delay;
}

// The per-partition watermarks and the pipeline watermark they give.
class PartitionWatermarks {
 public:
  PartitionWatermarks(int64_t delay, std::optional<int64_t> idle_timeout_millis)
      : delay_(delay), idle_timeout_(idle_timeout_millis) {}

  const std::vector<int64_t>& max_event_times() const { return max_event_time_; }
  int64_t pipeline_watermark() const { return watermark_; }

  // After an epoch: folds in its outcome and advances the pipeline
  // watermark (to +infinity once the source is exhausted).
  void advance(const EpochExecutor::Outcome& outcome, const Source& source, Clock::time_point now) {
    max_event_time_ = outcome.partition_max_event_time;
    const size_t partitions = max_event_time_.size();
    last_active_.resize(partitions, now);  // a new partition counts as active from now
    for (size_t p = 0; p < partitions; ++p) {
      if (outcome.partition_rows_read[p] > 0 || source.partition_has_input(p)) last_active_[p] = now;
    }
    if (source.exhausted()) {
      watermark_ = std::numeric_limits<int64_t>::max();
      return;
    }
    int64_t lowest_holding = std::numeric_limits<int64_t>::max();
    int64_t highest = std::numeric_limits<int64_t>::min();
    bool any_holding = false;
    for (size_t p = 0; p < partitions; ++p) {
      const int64_t partition_watermark = watermark_from(max_event_time_[p], delay_);
      highest = std::max(highest, partition_watermark);
      if (source.partition_finished(p)) continue;
      if (idle_timeout_ && now - last_active_[p] >= std::chrono::milliseconds(*idle_timeout_)) continue;
      any_holding = true;
      lowest_holding = std::min(lowest_holding, partition_watermark);
    }
    watermark_ = std::max(watermark_, any_holding ? lowest_holding : highest);
  }

 private:
  int64_t delay_;
  std::optional<int64_t> idle_timeout_;
  std::vector<int64_t> max_event_time_;
  std::vector<Clock::time_point> last_active_;
  int64_t watermark_ = std::numeric_limits<int64_t>::min();
};

}  // namespace

Pipeline::Pipeline() = default;
Pipeline::~Pipeline() = default;

const Schema& Pipeline::output_schema() const {
  return *output_schema_pointer();
}

const std::shared_ptr<const Schema>& Pipeline::output_schema_pointer() const {
  if (projection_) return projection_->output_schema();
  if (join_) return join_->output_schema();
  if (top_rows_) return top_rows_->output_schema();
  return aggregation_->output_schema();
}

// One stage's run: its executor, its operator's global state and its
// watermarks, advanced one epoch at a time by Pipeline::run.
class Pipeline::StageRun {
  // RunOptions::morsel_rows, or (0) the stage's default.
  static size_t morsel_rows_of(const Pipeline& stage, const RunOptions& options) {
    if (options.morsel_rows != 0) return options.morsel_rows;
    const WindowAggregation* aggregation = stage.fragment_.aggregation;
    const bool running_aggregate = aggregation != nullptr && aggregation->spec().keys.empty() &&
                                   !aggregation->spec().window && !aggregation->spec().session_gap_millis;
    return running_aggregate ? RunOptions::kRunningAggregateMorselRows : RunOptions::kDefaultMorselRows;
  }

 public:
  StageRun(Pipeline& stage, const RunOptions& options, MemoryTracker* tracker)
      : stage_(stage),
        tracker_(tracker),
        executor_(stage.fragment_, options.threads, morsel_rows_of(stage, options), tracker),
        watermarks_(stage.fragment_.watermark_delay_millis, stage.idle_timeout_millis_) {
    if (stage.aggregation_) {
      aggregation_ = stage.aggregation_->make_global_state(tracker);
      executor_.bind_aggregation(*aggregation_);
    }
    if (stage.join_) join_ = stage.join_->make_global_state(tracker);
    if (stage.top_rows_) top_rows_ = stage.top_rows_->make_global_state(tracker);
  }

  // Checks the stage can run on its source, then opens its sinks.
  void open() {
    Source& source = *stage_.source_;
    const bool windowless_append =
        (stage_.aggregation_ && stage_.aggregation_->spec().output_mode == OutputMode::Append &&
         !stage_.aggregation_->spec().window && !stage_.aggregation_->spec().session_gap_millis) ||
        (stage_.top_rows_ && !stage_.top_rows_->spec().window);
    if (windowless_append && !source.bounded()) {
      // Spark refuses this too: an aggregate over all of an input that never
      // ends is never final, so append output would never write it.
      throw ConfigError("output_mode: append writes an aggregation without a window only when the input ends, and " +
                        source.describe() + " has no end under this trigger; use update or complete (or a window)");
    }
    stage_.sink_->open(stage_.output_schema_pointer());
    if (!stage_.late_sink_) return;
    try {
      stage_.late_sink_->open(stage_.fragment_.late_row_schema);
    } catch (...) {
      stage_.sink_->abort();
      throw;
    }
  }

  enum class Step { Abandoned, Unchanged, Committed };

  // Runs one epoch of at most `row_budget` rows: processes them, combines,
  // emits what the new watermark closes, and commits the sinks.
  Step step(uint64_t row_budget, const std::atomic<int>* stop, RunSummary& summary) {
    Source& source = *stage_.source_;
    const auto process_started = Clock::now();
    const EpochExecutor::Outcome outcome = executor_.run_epoch(source, row_budget, watermarks_.max_event_times(),
                                                               watermarks_.pipeline_watermark(), stop);
    summary.process_seconds += std::chrono::duration<double>(Clock::now() - process_started).count();
    if (outcome.abandoned) {
      summary.rows_out += outcome.rows_out;  // a projection's prefix, already written
      return Step::Abandoned;
    }
    summary.rows_read += outcome.rows_read;
    summary.rows_late += outcome.rows_late;
    const bool exhausted = source.exhausted();
    const int64_t watermark_before = watermarks_.pipeline_watermark();
    watermarks_.advance(outcome, source, Clock::now());
    if (outcome.rows_read == 0 && !exhausted && watermarks_.pipeline_watermark() == watermark_before) {
      // A processing-time trigger that found no new input (and no partition
      // went idle): nothing changes.
      return Step::Unchanged;
    }
    summary.rows_out += outcome.rows_out;  // projected rows, already written
    const int64_t watermark = watermarks_.pipeline_watermark();
    Sink& sink = *stage_.sink_;
    auto timed = [&summary](auto&& combine, auto&& emit) {
      const auto combine_started = Clock::now();
      combine();
      const auto emit_started = Clock::now();
      summary.combine_seconds += std::chrono::duration<double>(emit_started - combine_started).count();
      summary.rows_out += emit();
      summary.emit_seconds += std::chrono::duration<double>(Clock::now() - emit_started).count();
    };
    if (aggregation_) {
      timed([&] { executor_.combine_into(*aggregation_); },
            [&] {
              return stage_.aggregation_->emit(*aggregation_, watermark, sink, tracker_,
                                               [this](size_t count, const std::function<void(size_t)>& body) {
                                                 executor_.parallel_for(count, body);
                                               });
            });
    }
    if (join_) {
      timed([&] { executor_.combine_join(*join_); },
            [&] {
              return stage_.join_->emit(*join_, sink, tracker_,
                                        [this](size_t count, const std::function<void(size_t)>& body) {
                                          executor_.parallel_for(count, body);
                                        });
            });
      stage_.join_->expire(*join_, watermark, [this](size_t count, const std::function<void(size_t)>& body) {
        executor_.parallel_for(count, body);
      });
    }
    if (top_rows_) {
      timed([&] { executor_.combine_top_rows(*top_rows_); },
            [&] { return stage_.top_rows_->emit(*top_rows_, watermark, sink, tracker_); });
    }
    if (stage_.late_sink_) {
      for (const EpochExecutor::LateRows& late : outcome.late_rows) stage_.late_sink_->write(*late.rows);
      stage_.late_sink_->commit_epoch(epoch_);
    }
    sink.commit_epoch(epoch_++);
    return Step::Committed;
  }

  void finish() {
    stage_.sink_->finish();
    if (stage_.late_sink_) stage_.late_sink_->finish();
  }

  void abort() noexcept {
    stage_.sink_->abort();
    if (stage_.late_sink_) stage_.late_sink_->abort();
  }

 private:
  Pipeline& stage_;
  MemoryTracker* tracker_;
  EpochExecutor executor_;
  PartitionWatermarks watermarks_;
  std::unique_ptr<WindowAggregation::GlobalState> aggregation_;
  std::unique_ptr<StreamJoin::GlobalState> join_;
  std::unique_ptr<TopRows::GlobalState> top_rows_;
  uint64_t epoch_ = 0;
};

RunSummary Pipeline::run(const RunOptions& options) {
  const auto started = Clock::now();
  // Per-run accounting unless the caller supplies a tracker.
  MemoryTracker* tracker = options.memory != nullptr ? options.memory : &run_tracker_;
  const Trigger trigger = options.trigger;
  const bool bounded_run = trigger.kind != TriggerKind::ProcessingTime;
  const uint64_t unlimited = std::numeric_limits<uint64_t>::max();
  // A chained pipeline under available-now cuts its input into epochs of
  // kChainedEpochRows unless told otherwise, so that a channel between
  // stages holds one epoch's rows, not the whole input's (the result is the
  // same under every cut).
  const uint64_t default_budget =
      upstream_stages_.empty() || trigger.kind != TriggerKind::AvailableNow ? unlimited : kChainedEpochRows;
  const uint64_t row_budget = trigger.kind == TriggerKind::Once ? unlimited
                                                                : options.max_rows_per_trigger.value_or(default_budget);
  if (row_budget == 0) throw ConfigError("max-rows-per-trigger: must be at least 1");

  // The stages in order; this pipeline is the last. Each later stage's
  // source is the channel its predecessor writes to.
  std::vector<Pipeline*> stages;
  for (const auto& upstream : upstream_stages_) stages.push_back(upstream.get());
  stages.push_back(this);
  std::vector<std::unique_ptr<StageRun>> runs;
  for (Pipeline* stage : stages) runs.push_back(std::make_unique<StageRun>(*stage, options, tracker));
  Source& source = *stages.front()->source_;
  if (bounded_run) {
    // The input is what is available now.
    source.discover();
    source.seal();
  }
  std::vector<RunSummary> summaries(stages.size());
  size_t opened = 0;
  try {
    for (; opened < runs.size(); ++opened) runs[opened]->open();
    auto next_fire = Clock::now();
    while (true) {
      if (stop_requested(options.stop_signal)) break;
      if (trigger.kind == TriggerKind::ProcessingTime) {
        sleep_until(next_fire, options.stop_signal);
        if (stop_requested(options.stop_signal)) break;
        // Fire on the interval grid; a trigger that overran starts the next one at once.
        const auto now = Clock::now();
        const auto interval = std::chrono::milliseconds(trigger.interval_millis);
        if (interval.count() == 0) {
          next_fire = now;
        } else if (next_fire <= now) {
          next_fire += ((now - next_fire) / interval + 1) * interval;
        }
        source.discover();
      }
      const StageRun::Step first = runs.front()->step(row_budget, options.stop_signal, summaries.front());
      if (first == StageRun::Step::Abandoned) break;
      if (first == StageRun::Step::Unchanged) continue;
      // Every later stage takes all its predecessor wrote in this epoch.
      bool abandoned = false;
      for (size_t s = 1; s < runs.size() && !abandoned; ++s) {
        abandoned = runs[s]->step(unlimited, options.stop_signal, summaries[s]) == StageRun::Step::Abandoned;
      }
      if (abandoned) break;
      ++summaries.front().micro_batches;
      if (trigger.kind == TriggerKind::Once || source.exhausted()) break;
    }
    for (auto& run : runs) run->finish();
  } catch (...) {
    for (size_t s = 0; s < opened; ++s) runs[s]->abort();
    throw;
  }
  // The run's figures: rows read from the source, rows written by the last
  // stage, late rows and times of every stage.
  RunSummary summary;
  summary.rows_read = summaries.front().rows_read;
  summary.micro_batches = summaries.front().micro_batches;
  summary.rows_out = summaries.back().rows_out;
  for (const RunSummary& stage : summaries) {
    summary.rows_late += stage.rows_late;
    summary.process_seconds += stage.process_seconds;
    summary.combine_seconds += stage.combine_seconds;
    summary.emit_seconds += stage.emit_seconds;
  }
  summary.stopped_by_signal = options.stop_signal != nullptr ? options.stop_signal->load() : 0;
  summary.wall_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  summary.peak_memory_bytes = tracker->peak_bytes();
  return summary;
}

}  // namespace weir
