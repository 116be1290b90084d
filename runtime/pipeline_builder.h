#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/output_mode.h"
#include "runtime/pipeline.h"
#include "runtime/sink.h"
#include "runtime/source.h"
#include "runtime/time_window.h"

namespace weir {

// One input of a join: the source's rows for which `where` holds (an
// expression; empty: every row), matched on the int64 or timestamp column
// `key`, carrying `columns` ("column" or "column AS name") into the output.
// A window join also needs `time`, the input's event-time column. With
// `distinct`, only the first row of each key (and window) joins: SQL's
// GROUP BY key before the join. An interval join (`time` on both inputs,
// no window) matches rows whose intervals [time, until] intersect (`until`
// empty: [time, time]); e.g. auction [dateTime, expires] and bid
// [dateTime, dateTime]: the bids within the auction's lifetime.
struct JoinInput {
  std::string where;
  std::string key;
  std::vector<std::string> columns;
  std::string time = {};
  bool distinct = false;
  std::string until = {};
};

// A top-N: per window (the pipeline's tumbling or hopping window; none: the
// whole input) and per `partition_by` values (int64 or timestamp columns),
// the rows ranked first by `order_by` ("column [ASC|DESC]", int64, float64
// or timestamp; NULLs last), written as `columns` ("column [AS name]").
// with_ties: SQL's RANK() <= limit; otherwise ROW_NUMBER() <= limit with
// rows tied on every order key ranked by stream position (earlier first).
// Limit 1 with ties is "the maximum per window joined back to its rows".
struct TopRowsClause {
  std::vector<std::string> partition_by;
  std::vector<std::string> order_by;
  size_t limit = 1;
  bool with_ties = true;
  std::vector<std::string> columns;
};

// The primary interface for defining a pipeline in C++; the JSON pipeline
// file maps onto these calls one to one (docs/user-guide.md).
//
//   auto pipeline = PipelineBuilder()
//       .source(std::make_unique<CsvSource>(...))
//       .event_time("ts", 5'000)
//       .where("price >= 1000 AND channel <> 'app'")
//       .tumbling_window(10'000)          // or .hopping_window(10'000, 2'000)
//       .group_by({"auction"})
//       .aggregate("count(*) AS bids")
//       .aggregate("sum(price) AS volume")
//       .sink(std::make_unique<CsvSink>(...))
//       .build();
//   RunSummary summary = pipeline->run(options);
//
// Setters only record; build() validates everything against the source's
// schema and throws ConfigError whose message starts with the pipeline-file
// field at fault ("where: ...", "group_by[1]: ...", "aggregates[0]: ...").
// A builder is used from one thread and builds one pipeline.
class PipelineBuilder {
 public:
  PipelineBuilder();
  ~PipelineBuilder();
  PipelineBuilder(PipelineBuilder&&) noexcept;
  PipelineBuilder& operator=(PipelineBuilder&&) noexcept;

  PipelineBuilder& source(std::unique_ptr<Source> source);
  // The event-time column (timestamp or int64 epoch milliseconds) and the
  // watermark delay: watermark = greatest event time seen - delay. Optional
  // without a window (then rows are never late and results are written when
  // the input ends); required with one.
  PipelineBuilder& event_time(std::string column, int64_t watermark_delay_millis);
  // A source partition with no input to cut for this long (processing time)
  // stops holding the pipeline's watermark back, so output does not stall
  // behind it (Flink's withIdleness). Its rows that arrive later are late
  // for the windows closed meanwhile: the one setting that makes results
  // depend on wall-clock time. Needs event_time; must be positive.
  PipelineBuilder& idle_timeout(int64_t millis);
  PipelineBuilder& where(std::string predicate);
  // Optional: without a window, the aggregation runs over the whole input
  // (SELECT ... GROUP BY ...) and its result is written when the input ends.
  PipelineBuilder& tumbling_window(int64_t size_millis);
  // Hopping (sliding) windows: `size` long, one starting every `slide`
  // (0 < slide <= size; slide == size is a tumbling window). A row counts in
  // every window that holds its event time.
  PipelineBuilder& hopping_window(int64_t size_millis, int64_t slide_millis);
  // Session windows per group key: rows of a key closer than `gap` in event
  // time form one session [first, last + gap) (runtime/session_windows.h).
  // Append or complete output (update is refused: a session's bounds move).
  PipelineBuilder& session_window(int64_t gap_millis);
  // Keeps each window open for this long after the watermark passed its end:
  // rows arriving meanwhile still count, and the window is written when the
  // watermark reaches end + allowed lateness. Default 0. Needs a window.
  PipelineBuilder& allowed_lateness(int64_t millis);
  PipelineBuilder& group_by(std::vector<std::string> columns);
  PipelineBuilder& aggregate(std::string aggregate);
  // One item of a SELECT list without aggregation: "expression [AS name]",
  // e.g. .select("auction").select("price * 0.908 AS price"). Each row the
  // filter keeps becomes one output row, written in source order under every
  // trigger, thread count and morsel size. Not with aggregates, group_by or
  // a window (ConfigError "select: ...").
  PipelineBuilder& select(std::string expression_with_alias);
  // An inner equi-join of two inputs taken from the source's rows
  // (runtime/stream_join.h; e.g. the person and auction events of one
  // Nexmark stream): every pair of a left and a right row with equal,
  // non-NULL keys becomes one output row (the left input's columns, then the
  // right's), written in the epoch of the later of the two rows, ordered by
  // the rows' positions in the stream, so identically under every trigger,
  // cut, thread count and morsel size. Both inputs are kept as state for the
  // whole run. `where` filters the rows before they are split. With
  // `tumbling_window_millis`, a window join: rows match only within the same
  // tumbling window of their `time` columns, and the output starts with
  // window_start and window_end. An interval join (both inputs have a
  // `time`, no window) needs event_time: rows whose time is below the
  // watermark before them are late (dropped, counted), and rows whose
  // interval ended below the watermark are forgotten, so its state stays
  // bounded. Not with aggregates, group_by, a window or a select list; a
  // join other than an interval join not with event_time (ConfigError
  // "join: ...").
  PipelineBuilder& join(JoinInput left, JoinInput right, std::optional<int64_t> tumbling_window_millis = {});
  // Keeps, per window and partition, the top rows (runtime/top_rows.h),
  // written when the window closes (append output; without a window, when
  // the input ends), after window_start and window_end when there is a
  // window. Not with aggregates, group_by, a select list, a join or session
  // windows (ConfigError "top: ...").
  PipelineBuilder& top_rows(TopRowsClause clause);
  // Chains a new stage: the rows the stage described so far writes become
  // the input of the next one, whose settings follow (event_time, where, a
  // window, group_by and aggregates, a select list, top_rows, ...; columns
  // named as the previous stage writes them). The source belongs to the
  // first stage; sink, late_sink and output_mode to the last (earlier stages
  // write append output). Errors of an earlier stage are prefixed
  // "stages[i]: ". E.g. a window's top auctions by bid count:
  //   .event_time("dateTime", 0).hopping_window(10'000, 2'000)
  //   .group_by({"auction"}).aggregate("count(*) AS num")
  //   .then()
  //   .event_time("window_start", 0).tumbling_window(2'000)
  //   .top_rows({{}, {"num DESC"}, 1, true, {"auction", "num"}})
  PipelineBuilder& then();
  PipelineBuilder& sink(std::unique_ptr<Sink> sink);
  // Optional: receives every late row (late for all of its windows) as the
  // source's columns followed by a string column `reason`, in source order.
  // Needs a window (without one no row is late).
  PipelineBuilder& late_sink(std::unique_ptr<Sink> sink);
  // What each trigger writes (runtime/output_mode.h); default append. With
  // update or complete, a file sink should write one file per trigger
  // (ingest/csv_epoch_files_sink.h).
  PipelineBuilder& output_mode(OutputMode mode);

  std::unique_ptr<Pipeline> build();

 private:
  std::unique_ptr<Pipeline> build_projection(const Schema& schema, std::optional<size_t> event_time);
  std::unique_ptr<Pipeline> build_join(const Schema& schema, std::optional<size_t> event_time);
  // A new pipeline with this stage's filter parsed ("where: ..." errors).
  std::unique_ptr<Pipeline> new_pipeline(const Schema& schema) const;
  // Once its operator is set: hands the pipeline this stage's event time,
  // filter, source, sinks and idle timeout.
  std::unique_ptr<Pipeline> finish_pipeline(std::unique_ptr<Pipeline> pipeline, const Schema& schema,
                                            std::optional<size_t> event_time);
  std::unique_ptr<Pipeline> build_top_rows(const Schema& schema, std::optional<size_t> event_time);
  // The tumbling or hopping window set, validated (ConfigError "window...").
  std::optional<TimeWindow> validated_window(std::optional<size_t> event_time) const;
  // The late sink's schema: the source's columns, then `reason`.
  static std::shared_ptr<const Schema> late_row_schema(const Schema& schema);
  std::unique_ptr<Pipeline> build_stage();
  std::vector<std::unique_ptr<PipelineBuilder>> stages_;  // the earlier stages, in order
  std::unique_ptr<Source> source_;
  std::optional<std::string> event_time_column_;
  int64_t watermark_delay_millis_ = 0;
  std::optional<int64_t> idle_timeout_millis_;
  std::optional<std::string> where_;
  std::optional<int64_t> window_size_millis_;
  std::optional<int64_t> window_slide_millis_;  // none: tumbling
  std::optional<int64_t> session_gap_millis_;
  std::optional<int64_t> allowed_lateness_millis_;
  std::vector<std::string> group_by_;
  std::vector<std::string> aggregates_;
  std::vector<std::string> select_;
  std::optional<std::pair<JoinInput, JoinInput>> join_;
  std::optional<int64_t> join_window_millis_;
  std::optional<TopRowsClause> top_rows_;
  // Set by build() on a stage whose next stage only ranks its rows.
  std::optional<TopRowsClause> ranked_by_next_stage_;
  // Set by build() on a stage whose next stage only groups its rows and
  // aggregates them: that stage's group_by and aggregates.
  struct GroupingClause {
    std::vector<std::string> group_by;
    std::vector<std::string> aggregates;
  };
  std::optional<GroupingClause> grouped_by_next_stage_;
  std::unique_ptr<Sink> sink_;
  std::unique_ptr<Sink> late_sink_;
  OutputMode output_mode_ = OutputMode::Append;
};

}  // namespace weir
