#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "runtime/schema.h"

namespace weir {

class Expression;
class Projection;
class Sink;
class StreamJoin;
class TopRows;
class WindowAggregation;

// The per-morsel part of a pipeline, run by worker threads: watermark and
// lateness marking on the event-time column, the filter, window assignment,
// then the aggregation's consume step (or the projection, or the join's). Non-owning; the Pipeline owns the parts.
// Without an event-time column there is no watermark (and no window): every
// row counts and results are written when the input ends.
struct PipelineFragment {
  bool has_event_time = true;
  size_t event_time_column = 0;
  int64_t watermark_delay_millis = 0;
  const Expression* predicate = nullptr;  // null: keep every row
  const WindowAggregation* aggregation = nullptr;  // null when projecting
  // Or a top-N per window and partition (runtime/top_rows.h): the same
  // lateness and window assignment as an aggregation, then TopRows::consume.
  const TopRows* top_rows = nullptr;
  // A SELECT list without aggregation (exactly one of aggregation and
  // projection is set): each morsel's kept rows are projected on its worker,
  // then written to `projection_sink` by a serial stage in source order.
  const Projection* projection = nullptr;
  Sink* projection_sink = nullptr;
  // A join (instead of aggregation or projection): each morsel's kept rows
  // are split into its two inputs by the predicates (null: every row) and
  // consumed on the worker; the driver combines and emits per epoch.
  const StreamJoin* join = nullptr;
  const Expression* join_left_predicate = nullptr;
  const Expression* join_right_predicate = nullptr;
  // When set, late rows are kept (the source's columns, then `reason`) and
  // handed to the driver in source order (EpochExecutor::Outcome::late_rows).
  std::shared_ptr<const Schema> late_row_schema;
};

}  // namespace weir
