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
  return projection_ ? projection_->output_schema() : join_ ? join_->output_schema() : aggregation_->output_schema();
}

RunSummary Pipeline::run(const RunOptions& options) {
  const auto started = Clock::now();
  MemoryTracker run_tracker;  // per-run accounting unless the caller supplies a tracker
  MemoryTracker* tracker = options.memory != nullptr ? options.memory : &run_tracker;
  RunSummary summary;
  const Trigger trigger = options.trigger;
  const bool bounded_run = trigger.kind != TriggerKind::ProcessingTime;
  const uint64_t unlimited = std::numeric_limits<uint64_t>::max();
  const uint64_t row_budget = trigger.kind == TriggerKind::Once ? unlimited
                                                                : options.max_rows_per_trigger.value_or(unlimited);
  if (row_budget == 0) throw ConfigError("max-rows-per-trigger: must be at least 1");

  EpochExecutor executor(fragment_, options.threads, options.morsel_rows, tracker);
  std::unique_ptr<WindowAggregation::GlobalState> global;
  if (aggregation_) global = aggregation_->make_global_state(tracker);
  std::unique_ptr<StreamJoin::GlobalState> join_global;
  if (join_) join_global = join_->make_global_state(tracker);
  PartitionWatermarks watermarks(fragment_.watermark_delay_millis, idle_timeout_millis_);
  uint64_t epoch = 0;

  if (bounded_run) {
    // The input is what is available now.
    source_->discover();
    source_->seal();
  }
  if (aggregation_ && aggregation_->spec().output_mode == OutputMode::Append && !aggregation_->spec().window &&
      !source_->bounded()) {
    // Spark refuses this too: an aggregate over all of an input that never
    // ends is never final, so append output would never write it.
    throw ConfigError(
        "output_mode: append writes an aggregation without a window only when the input ends, and " +
        source_->describe() + " has no end under this trigger; use update or complete (or a window)");
  }
  sink_->open(output_schema_pointer());
  if (late_sink_) late_sink_->open(fragment_.late_row_schema);
  try {
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
        source_->discover();
      }

      const auto process_started = Clock::now();
      const EpochExecutor::Outcome outcome =
          executor.run_epoch(*source_, row_budget, watermarks.max_event_times(), watermarks.pipeline_watermark(),
                             options.stop_signal);
      summary.process_seconds += std::chrono::duration<double>(Clock::now() - process_started).count();
      if (outcome.abandoned) {
        summary.rows_out += outcome.rows_out;  // a projection's prefix, already written
        break;
      }
      summary.rows_read += outcome.rows_read;
      summary.rows_late += outcome.rows_late;
      const bool exhausted = source_->exhausted();
      const int64_t watermark_before = watermarks.pipeline_watermark();
      watermarks.advance(outcome, *source_, Clock::now());
      if (outcome.rows_read == 0 && !exhausted && watermarks.pipeline_watermark() == watermark_before) {
        // A processing-time trigger that found no new input (and no partition
        // went idle): nothing changes.
        continue;
      }
      summary.rows_out += outcome.rows_out;  // projected rows, already written
      if (aggregation_) {
        const auto combine_started = Clock::now();
        executor.combine_into(*global);
        const auto emit_started = Clock::now();
        summary.combine_seconds += std::chrono::duration<double>(emit_started - combine_started).count();
        const int64_t watermark = watermarks.pipeline_watermark();
        summary.rows_out += aggregation_->emit(*global, watermark, *sink_, tracker,
                                               [&executor](size_t count, const std::function<void(size_t)>& body) {
                                                 executor.parallel_for(count, body);
                                               });
        summary.emit_seconds += std::chrono::duration<double>(Clock::now() - emit_started).count();
      }
      if (join_) {
        const auto combine_started = Clock::now();
        executor.combine_join(*join_global);
        const auto emit_started = Clock::now();
        summary.combine_seconds += std::chrono::duration<double>(emit_started - combine_started).count();
        summary.rows_out += join_->emit(*join_global, *sink_, tracker);
        summary.emit_seconds += std::chrono::duration<double>(Clock::now() - emit_started).count();
      }
      if (late_sink_) {
        for (const EpochExecutor::LateRows& late : outcome.late_rows) late_sink_->write(*late.rows);
        late_sink_->commit_epoch(epoch);
      }
      sink_->commit_epoch(epoch++);
      ++summary.micro_batches;
      if (trigger.kind == TriggerKind::Once || exhausted) break;
    }
    summary.stopped_by_signal = options.stop_signal != nullptr ? options.stop_signal->load() : 0;
    sink_->finish();
    if (late_sink_) late_sink_->finish();
  } catch (...) {
    sink_->abort();
    if (late_sink_) late_sink_->abort();
    throw;
  }
  summary.wall_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  summary.peak_memory_bytes = tracker->peak_bytes();
  return summary;
}

}  // namespace weir
