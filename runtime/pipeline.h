#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "memory/memory_tracker.h"
#include "runtime/pipeline_fragment.h"
#include "runtime/run_options.h"
#include "runtime/sink.h"
#include "runtime/source.h"
#include "runtime/stage_channel.h"
#include "runtime/stream_join.h"
#include "runtime/top_rows.h"
#include "runtime/window_aggregation.h"

namespace weir {

class Expression;
class Projection;

// A validated, runnable pipeline: source -> watermark/lateness -> filter ->
// window + group by + aggregates -> sink (late rows -> optional late sink).
// Built by PipelineBuilder.
//
// run() is the driver: it owns the trigger clock. For each trigger it runs
// one epoch on the EpochExecutor, combines the workers' partial states once,
// advances the watermark and emits every window that closed. When a bounded
// source is exhausted the watermark becomes +infinity and every open window
// is emitted.
//
// Partitions (Source::partition_count): each has its own watermark (its
// greatest event time - the delay); the pipeline's watermark, which closes
// windows, is the minimum over the partitions that still hold it back: not
// finished, and not idle (no input to cut for idle_timeout of processing
// time, when one is set). With none holding it back it is the greatest
// partition watermark. It never goes backwards. The trigger changes only how the input is cut and when windows
// are materialized, never the final output.
//
// Contract: run() is called once, from one thread; it blocks until the run
// ends. Throws UserError (bad input) or InternalError; the sinks are aborted
// then, so no output is left behind. The late sink receives each epoch's late
// rows in source order and commits with the main sink.
//
// A pipeline with a select list (no aggregation) writes each epoch's
// projected rows in source order while the epoch runs (the executor's
// serial emit stage, so only the morsels in flight are held in memory), then
// commits the epoch. On a stop the epoch in flight is cut short rather than
// discarded: the rows written are a prefix, in source order, of the result.
//
// A pipeline with a join (runtime/stream_join.h) combines the workers' rows
// into the join's state after each epoch and writes the epoch's pairs.
//
// A chained pipeline (PipelineBuilder::then) has several stages, each a
// pipeline of the kinds above reading the rows the previous stage writes
// (runtime/stage_channel.h). The trigger cuts the first stage's input; after
// each of its epochs, every later stage runs one epoch over everything its
// predecessor wrote, in stage order, and commits. Each stage keeps its own
// watermark, formed by the event-time column of its own input; so a stage
// that closes windows on an earlier stage's window columns closes them one
// window later than the earlier stage, or when the input ends, and its
// final output is the same under every trigger.
class Pipeline {
 public:
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  RunSummary run(const RunOptions& options);

  const Schema& output_schema() const;
  const Source& source() const { return *source_; }
  const Sink& sink() const { return *sink_; }

 private:
  friend class PipelineBuilder;
  class StageRun;
  Pipeline();
  const std::shared_ptr<const Schema>& output_schema_pointer() const;

  // The run's memory accounting when RunOptions::memory is not given.
  // Declared first, so destroyed last: emitted batches handed whole to a
  // sink (Sink::write_owned) or a stage channel stay counted against it
  // after run() returns, until the sink that keeps them is destroyed.
  MemoryTracker run_tracker_;
  // Chained stages: the channels between them (declared before the stages:
  // the stages' sources and sinks refer to them), and the stages before this one.
  std::vector<std::unique_ptr<StageChannel>> channels_;
  std::vector<std::unique_ptr<Pipeline>> upstream_stages_;

  std::unique_ptr<Source> source_;
  std::unique_ptr<Expression> predicate_;
  std::unique_ptr<WindowAggregation> aggregation_;  // or:
  std::unique_ptr<Projection> projection_;          // a select list without aggregation, or:
  std::unique_ptr<StreamJoin> join_;                // a join (its inputs' predicates below)
  std::array<std::unique_ptr<Expression>, 2> join_predicates_;
  std::unique_ptr<TopRows> top_rows_;               // or a top-N per window and partition
  std::unique_ptr<Sink> sink_;
  std::unique_ptr<Sink> late_sink_;  // optional: late rows with their reason
  PipelineFragment fragment_;
  std::optional<int64_t> idle_timeout_millis_;
};

}  // namespace weir
