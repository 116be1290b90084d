#include "runtime/source_columns_read.h"

#include "runtime/errors.h"
#include "runtime/expression.h"
#include "runtime/projection.h"
#include "runtime/stream_join.h"
#include "runtime/top_rows.h"
#include "runtime/window_aggregation.h"

namespace weir {
namespace {

void mark(std::vector<bool>& read, size_t column) {
  WEIR_CHECK(column < read.size());
  read[column] = true;
}

void mark_expression(std::vector<bool>& read, const Expression* expression) {
  if (expression == nullptr) return;
  if (expression->kind() == ExpressionKind::ColumnRef) mark(read, expression->column_index());
  for (const auto& child : expression->children()) mark_expression(read, child.get());
}

}  // namespace

std::vector<bool> source_columns_read(const PipelineFragment& fragment, size_t source_columns) {
  std::vector<bool> read(source_columns, false);
  if (fragment.late_row_schema) return std::vector<bool>(source_columns, true);
  if (fragment.has_event_time) mark(read, fragment.event_time_column);
  mark_expression(read, fragment.predicate);
  if (fragment.aggregation != nullptr) {
    const WindowAggregationSpec& spec = fragment.aggregation->spec();
    for (const GroupKeyColumn& key : spec.keys) mark(read, key.input_column);
    for (const AggregateSpec& aggregate : spec.aggregates) {
      if (aggregate.input_column) mark(read, *aggregate.input_column);
    }
    if (spec.session_gap_millis) mark(read, spec.event_time_column);
  }
  if (fragment.top_rows != nullptr) {
    const TopRowsSpec& spec = fragment.top_rows->spec();
    for (const size_t column : spec.partition_columns) mark(read, column);
    for (const TopRowsSpec::OrderKey& key : spec.order_by) mark(read, key.column);
    for (const size_t column : spec.columns) mark(read, column);
  }
  if (fragment.projection != nullptr) {
    for (const SelectItem& item : fragment.projection->items()) mark_expression(read, item.expression.get());
  }
  if (fragment.join != nullptr) {
    const StreamJoinSpec& spec = fragment.join->spec();
    mark_expression(read, fragment.join_left_predicate);
    mark_expression(read, fragment.join_right_predicate);
    mark(read, spec.left_key_column);
    mark(read, spec.right_key_column);
    for (const size_t column : spec.left_columns) mark(read, column);
    for (const size_t column : spec.right_columns) mark(read, column);
    if (spec.window_millis || spec.interval) {
      mark(read, spec.left_time_column);
      mark(read, spec.right_time_column);
    }
    if (spec.left_until_column) mark(read, *spec.left_until_column);
    if (spec.right_until_column) mark(read, *spec.right_until_column);
  }
  return read;
}

}  // namespace weir
