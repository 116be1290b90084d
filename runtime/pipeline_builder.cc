#include "runtime/pipeline_builder.h"

#include <array>
#include <cctype>
#include <set>
#include <utility>

#include "runtime/aggregate_function.h"
#include "runtime/errors.h"
#include "runtime/expression.h"
#include "runtime/expression_parser.h"
#include "runtime/projection.h"
#include "runtime/source_columns_read.h"
#include "runtime/stream_join.h"
#include "runtime/top_rows.h"

namespace weir {
namespace {

// A stage without an aggregation (a select list, a join, a top-N) writes
// each of its rows once: append output only. `what` names the stage and
// says why ("a join supports append output only (each pair is written
// once)"). Complete output is refused as Spark refuses it: without an
// aggregation there is no result table to rewrite at each trigger.
void require_append_output(OutputMode mode, const std::string& what) {
  if (mode == OutputMode::Complete) throw ConfigError("output_mode: complete output needs an aggregation; " + what);
  if (mode != OutputMode::Append) throw ConfigError("output_mode: " + what);
}

std::string column_list(const Schema& schema) {
  std::string names;
  for (const Field& field : schema.fields()) names += (names.empty() ? "" : ", ") + field.name;
  return names;
}

// Re-throws a ConfigError with the field path in front of its message.
template <typename Function>
auto in_field(const std::string& field, Function&& function) {
  try {
    return function();
  } catch (const ConfigError& error) {
    throw ConfigError(field + ": " + error.what());
  }
}

// One top.order_by entry: "column", "column ASC" or "column DESC".
struct OrderByText {
  std::string column;
  bool descending = false;
};

OrderByText parse_order_by(const std::string& text) {
  OrderByText order{text, false};
  const size_t space = text.find_last_of(' ');
  if (space != std::string::npos) {
    std::string direction = text.substr(space + 1);
    for (char& c : direction) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (direction != "ASC" && direction != "DESC") {
      throw ConfigError("expected \"column\", \"column ASC\" or \"column DESC\", got '" + text + "'");
    }
    order.descending = direction == "DESC";
    order.column = text.substr(0, text.find_last_not_of(' ', space) + 1);
  }
  return order;
}

// When the stage after a join only ranks its rows (a top-N without a
// filter or a window), tells the join to write only the pairs that can
// rank (StreamJoin::keep_only_ranked_pairs): the next stage's result is the
// same, and the other pairs are never materialized. Any problem with the
// next stage's clause is left for its own build to report.
void push_down_ranking(const TopRowsClause& clause, StreamJoin& join) {
  const Schema& schema = *join.output_schema();
  TopRowsSpec spec;
  for (const std::string& name : clause.partition_by) {
    const auto column = schema.find(name);
    if (!column) return;
    spec.partition_columns.push_back(*column);
  }
  try {
    for (const std::string& text : clause.order_by) {
      const OrderByText order = parse_order_by(text);
      const auto column = schema.find(order.column);
      if (!column) return;
      spec.order_by.push_back({*column, order.descending});
    }
    spec.limit = clause.limit;
    spec.with_ties = clause.with_ties;
    join.keep_only_ranked_pairs(spec);
  } catch (const ConfigError&) {
  }
}

// When the stage after a join only groups its rows and takes min or max of
// columns, tells the join to write, per row of the grouped side, only the
// pair with the extreme value (StreamJoin::keep_only_extreme_pairs): the
// next stage's result is the same. Any other aggregate (count, sum, avg)
// depends on every pair: nothing is pushed down then. Problems with the
// next stage's clauses are left for its own build to report.
void push_down_extremes(const std::vector<std::string>& group_by, const std::vector<std::string>& aggregates,
                        StreamJoin& join) {
  const Schema& schema = *join.output_schema();
  std::vector<size_t> group_columns;
  for (const std::string& name : group_by) {
    const auto column = schema.find(name);
    if (!column) return;
    group_columns.push_back(*column);
  }
  std::vector<std::pair<size_t, bool>> extremes;
  try {
    for (const std::string& text : aggregates) {
      const AggregateSpec aggregate = parse_aggregate(text, schema);
      if (aggregate.kind != AggregateKind::Min && aggregate.kind != AggregateKind::Max) return;
      extremes.emplace_back(*aggregate.input_column, aggregate.kind == AggregateKind::Max);
    }
  } catch (const ConfigError&) {
    return;
  }
  join.keep_only_extreme_pairs(group_columns, extremes);
}

}  // namespace

PipelineBuilder::PipelineBuilder() = default;
PipelineBuilder::~PipelineBuilder() = default;
PipelineBuilder::PipelineBuilder(PipelineBuilder&&) noexcept = default;
PipelineBuilder& PipelineBuilder::operator=(PipelineBuilder&&) noexcept = default;

PipelineBuilder& PipelineBuilder::then() {
  auto stages = std::move(stages_);
  stages.push_back(std::make_unique<PipelineBuilder>(std::move(*this)));
  *this = PipelineBuilder();
  stages_ = std::move(stages);
  return *this;
}

PipelineBuilder& PipelineBuilder::source(std::unique_ptr<Source> source) {
  source_ = std::move(source);
  return *this;
}

PipelineBuilder& PipelineBuilder::event_time(std::string column, int64_t watermark_delay_millis) {
  event_time_column_ = std::move(column);
  watermark_delay_millis_ = watermark_delay_millis;
  return *this;
}

PipelineBuilder& PipelineBuilder::idle_timeout(int64_t millis) {
  idle_timeout_millis_ = millis;
  return *this;
}

PipelineBuilder& PipelineBuilder::where(std::string predicate) {
  where_ = std::move(predicate);
  return *this;
}

PipelineBuilder& PipelineBuilder::tumbling_window(int64_t size_millis) {
  window_size_millis_ = size_millis;
  window_slide_millis_.reset();
  session_gap_millis_.reset();
  return *this;
}

PipelineBuilder& PipelineBuilder::hopping_window(int64_t size_millis, int64_t slide_millis) {
  window_size_millis_ = size_millis;
  window_slide_millis_ = slide_millis;
  session_gap_millis_.reset();
  return *this;
}

PipelineBuilder& PipelineBuilder::session_window(int64_t gap_millis) {
  session_gap_millis_ = gap_millis;
  window_size_millis_.reset();
  window_slide_millis_.reset();
  return *this;
}

PipelineBuilder& PipelineBuilder::allowed_lateness(int64_t millis) {
  allowed_lateness_millis_ = millis;
  return *this;
}

PipelineBuilder& PipelineBuilder::group_by(std::vector<std::string> columns) {
  group_by_ = std::move(columns);
  return *this;
}

PipelineBuilder& PipelineBuilder::aggregate(std::string aggregate) {
  aggregates_.push_back(std::move(aggregate));
  return *this;
}

PipelineBuilder& PipelineBuilder::select(std::string expression_with_alias) {
  select_.push_back(std::move(expression_with_alias));
  return *this;
}

PipelineBuilder& PipelineBuilder::sink(std::unique_ptr<Sink> sink) {
  sink_ = std::move(sink);
  return *this;
}

PipelineBuilder& PipelineBuilder::join(JoinInput left, JoinInput right, std::optional<int64_t> tumbling_window_millis) {
  join_.emplace(std::move(left), std::move(right));
  join_window_millis_ = tumbling_window_millis;
  return *this;
}

PipelineBuilder& PipelineBuilder::top_rows(TopRowsClause clause) {
  top_rows_ = std::move(clause);
  return *this;
}

PipelineBuilder& PipelineBuilder::output_mode(OutputMode mode) {
  output_mode_ = mode;
  return *this;
}

PipelineBuilder& PipelineBuilder::late_sink(std::unique_ptr<Sink> sink) {
  late_sink_ = std::move(sink);
  return *this;
}

std::unique_ptr<Pipeline> PipelineBuilder::build() {
  if (stages_.empty()) return build_stage();
  if (stages_.front()->stages_.size() != 0 || !stages_.front()->source_) {
    throw ConfigError("source: missing (every pipeline reads from a source; set it before then())");
  }
  std::vector<std::unique_ptr<StageChannel>> channels;
  std::vector<std::unique_ptr<Pipeline>> upstream;
  for (size_t i = 0; i < stages_.size(); ++i) {
    PipelineBuilder& stage = *stages_[i];
    const std::string field = "stages[" + std::to_string(i) + "]";
    if (i > 0 && stage.source_) throw ConfigError(field + ".source: only the first stage has a source");
    if (stage.sink_ || stage.late_sink_) {
      throw ConfigError(field + ".sink: only the last stage has sinks (an earlier stage writes to the next)");
    }
    if (stage.output_mode_ != OutputMode::Append) {
      throw ConfigError(field + ".output_mode: an earlier stage writes append output (each row once) to the "
                        "next; set the output mode after the last then()");
    }
    if (i > 0) stage.source_ = channels.back()->make_source(upstream.back()->output_schema_pointer());
    const Source* stage_source = stage.source_.get();
    channels.push_back(std::make_unique<StageChannel>(stage_source));
    stage.sink_ = channels.back()->make_sink();
    const PipelineBuilder& next = i + 1 < stages_.size() ? *stages_[i + 1] : *this;
    if (next.top_rows_ && !next.join_ && !next.where_ && !next.event_time_column_ && !next.window_size_millis_ &&
        !next.session_gap_millis_) {
      stage.ranked_by_next_stage_ = next.top_rows_;
    }
    if (!next.aggregates_.empty() && !next.top_rows_ && !next.join_ && !next.where_ && !next.event_time_column_ &&
        !next.window_size_millis_ && !next.session_gap_millis_ && next.select_.empty()) {
      stage.grouped_by_next_stage_ = GroupingClause{next.group_by_, next.aggregates_};
    }
    upstream.push_back(in_field(field, [&] { return stage.build_stage(); }));
  }
  if (source_) throw ConfigError("source: only the first stage has a source");
  // A select list or a join writes its rows in the order they were cut
  // from the source's partitions; a later stage's lateness would then
  // depend on the cut. Windowed output (an aggregation, a top-N) is in
  // window order, the same under every cut.
  for (size_t i = 1; i <= stages_.size(); ++i) {
    const PipelineBuilder& stage = i < stages_.size() ? *stages_[i] : *this;
    const PipelineBuilder& previous = *stages_[i - 1];
    if (stage.event_time_column_ && (!previous.select_.empty() || previous.join_)) {
      const std::string prefix = i < stages_.size() ? "stages[" + std::to_string(i) + "]: " : "";
      throw ConfigError(prefix + "event_time: a stage after a select list or a join reads rows in the order they "
                        "were cut from the source's partitions, so its lateness would depend on the cut; set "
                        "event time in the first stage");
    }
  }
  source_ = channels.back()->make_source(upstream.back()->output_schema_pointer());
  std::unique_ptr<Pipeline> pipeline = build_stage();
  pipeline->channels_ = std::move(channels);
  pipeline->upstream_stages_ = std::move(upstream);
  return pipeline;
}

std::unique_ptr<Pipeline> PipelineBuilder::build_stage() {
  if (!source_) throw ConfigError("source: missing (every pipeline reads from a source)");
  if (!sink_) throw ConfigError("sink: missing (every pipeline writes to a sink)");
  const Schema& schema = *source_->schema();

  std::optional<size_t> event_time;
  if (event_time_column_) {
    event_time = schema.find(*event_time_column_);
    if (!event_time) {
      throw ConfigError("event_time.column: unknown column '" + *event_time_column_ +
                        "' (columns: " + column_list(schema) + ")");
    }
    const DataType event_time_type = schema.field(*event_time).type;
    if (!is_int64_backed(event_time_type)) {
      throw ConfigError("event_time.column: '" + *event_time_column_ + "' is " +
                        std::string(data_type_name(event_time_type)) +
                        "; the event-time column must be timestamp (or int64 epoch milliseconds)");
    }
    if (watermark_delay_millis_ < 0) throw ConfigError("event_time.watermark_delay: must not be negative");
  }
  if (idle_timeout_millis_) {
    if (!event_time) throw ConfigError("event_time.idle_timeout: needs an event-time column (it releases the watermark)");
    if (*idle_timeout_millis_ <= 0) throw ConfigError("event_time.idle_timeout: must be greater than zero");
  }

  if (join_) return build_join(schema, event_time);
  if (top_rows_) return build_top_rows(schema, event_time);
  if (!select_.empty()) return build_projection(schema, event_time);

  WindowAggregationSpec spec;
  std::set<std::string> output_names;
  spec.window = validated_window(event_time);
  if (spec.window) {
    if (allowed_lateness_millis_) {
      if (*allowed_lateness_millis_ < 0) throw ConfigError("window.allowed_lateness: must not be negative");
      spec.allowed_lateness_millis = *allowed_lateness_millis_;
    }
    output_names = {"window_start", "window_end"};
  }
  if (session_gap_millis_) {
    if (!event_time) throw ConfigError("window: a window needs event_time (the column windows are cut on)");
    if (*session_gap_millis_ <= 0) throw ConfigError("window.gap: must be greater than zero");
    if (output_mode_ == OutputMode::Update) {
      throw ConfigError("output_mode: session windows support append and complete output, not update (a "
                        "session's start and end move as it grows and merges with others, so no upsert key "
                        "stays stable; Spark refuses this combination too)");
    }
    spec.session_gap_millis = *session_gap_millis_;
    spec.event_time_column = *event_time;
    if (allowed_lateness_millis_) {
      if (*allowed_lateness_millis_ < 0) throw ConfigError("window.allowed_lateness: must not be negative");
      spec.allowed_lateness_millis = *allowed_lateness_millis_;
    }
    output_names = {"window_start", "window_end"};
  }
  const bool windowed = window_size_millis_ || session_gap_millis_;
  if (!windowed && late_sink_) {
    throw ConfigError("late_sink: needs a window (without one no row is ever late)");
  }
  if (!windowed && allowed_lateness_millis_) {
    throw ConfigError("window.allowed_lateness: needs a window (without one nothing is ever late)");
  }
  for (size_t i = 0; i < group_by_.size(); ++i) {
    const std::string field = "group_by[" + std::to_string(i) + "]";
    const auto column = schema.find(group_by_[i]);
    if (!column) {
      throw ConfigError(field + ": unknown column '" + group_by_[i] + "' (columns: " + column_list(schema) + ")");
    }
    const DataType type = schema.field(*column).type;
    if (type == DataType::Float64) {
      throw ConfigError(field + ": cannot group by float64 column '" + group_by_[i] +
                        "' (group by int64, string, bool or timestamp columns)");
    }
    if (!output_names.insert(group_by_[i]).second) {
      throw ConfigError(field + ": duplicate output column '" + group_by_[i] + "'");
    }
    spec.keys.push_back({*column, type});
    spec.key_names.push_back(group_by_[i]);
  }
  if (spec.keys.size() > 62) throw ConfigError("group_by: at most 62 columns");
  if (aggregates_.empty()) {
    throw ConfigError("aggregates: missing (list at least one, e.g. \"count(*)\", or a select list)");
  }
  for (size_t i = 0; i < aggregates_.size(); ++i) {
    const std::string field = "aggregates[" + std::to_string(i) + "]";
    AggregateSpec aggregate = in_field(field, [&] { return parse_aggregate(aggregates_[i], schema); });
    if (!output_names.insert(aggregate.output_name).second) {
      throw ConfigError(field + ": duplicate output column '" + aggregate.output_name +
                        "' (name it with AS)");
    }
    spec.aggregates.push_back(std::move(aggregate));
  }

  spec.output_mode = output_mode_;
  std::unique_ptr<Pipeline> pipeline = new_pipeline(schema);
  pipeline->aggregation_ = std::make_unique<WindowAggregation>(std::move(spec));
  pipeline->fragment_.aggregation = pipeline->aggregation_.get();
  return finish_pipeline(std::move(pipeline), schema, event_time);
}

std::unique_ptr<Pipeline> PipelineBuilder::new_pipeline(const Schema& schema) const {
  std::unique_ptr<Pipeline> pipeline(new Pipeline());
  if (where_) pipeline->predicate_ = in_field("where", [&] { return parse_expression(*where_, schema); });
  return pipeline;
}

std::unique_ptr<Pipeline> PipelineBuilder::finish_pipeline(std::unique_ptr<Pipeline> pipeline, const Schema& schema,
                                                           std::optional<size_t> event_time) {
  pipeline->fragment_.has_event_time = event_time.has_value();
  pipeline->fragment_.event_time_column = event_time.value_or(0);
  pipeline->fragment_.watermark_delay_millis = watermark_delay_millis_;
  pipeline->fragment_.predicate = pipeline->predicate_.get();
  if (late_sink_) pipeline->fragment_.late_row_schema = late_row_schema(schema);
  pipeline->source_ = std::move(source_);
  // Projection pushdown: the source may skip the columns no operator reads.
  if (pipeline->source_) {
    pipeline->source_->skip_unread_columns(source_columns_read(pipeline->fragment_, schema.size()));
  }
  pipeline->sink_ = std::move(sink_);
  pipeline->late_sink_ = std::move(late_sink_);
  pipeline->idle_timeout_millis_ = idle_timeout_millis_;
  return pipeline;
}

std::optional<TimeWindow> PipelineBuilder::validated_window(std::optional<size_t> event_time) const {
  if (!window_size_millis_) return std::nullopt;
  if (!event_time) throw ConfigError("window: a window needs event_time (the column windows are cut on)");
  if (*window_size_millis_ <= 0) throw ConfigError("window.size: must be greater than zero");
  const int64_t slide = window_slide_millis_.value_or(*window_size_millis_);
  if (slide <= 0) throw ConfigError("window.slide: must be greater than zero");
  if (slide > *window_size_millis_) {
    throw ConfigError("window.slide: must not exceed window.size (a slide longer than the size would skip rows)");
  }
  return TimeWindow{*window_size_millis_, slide};
}

std::shared_ptr<const Schema> PipelineBuilder::late_row_schema(const Schema& schema) {
  std::vector<Field> fields = schema.fields();
  if (schema.find("reason")) {
    throw ConfigError("late_sink: the source already has a column named 'reason' (the late sink adds it)");
  }
  fields.push_back({"reason", DataType::String});
  return std::make_shared<const Schema>(std::move(fields));
}

std::unique_ptr<Pipeline> PipelineBuilder::build_top_rows(const Schema& schema, std::optional<size_t> event_time) {
  const char* why = "a top-N writes the rows it ranks first; ";
  if (!aggregates_.empty()) throw ConfigError(std::string("top: ") + why + "it cannot be combined with aggregates");
  if (!group_by_.empty()) throw ConfigError(std::string("top: ") + why + "partition with top.partition_by, not group_by");
  if (!select_.empty()) throw ConfigError(std::string("top: ") + why + "name its output with top.columns, not a select list");
  if (session_gap_millis_) throw ConfigError(std::string("top: ") + why + "session windows are not supported");
  require_append_output(output_mode_, "a top-N supports append output only (each window's rows are written once)");
  TopRowsSpec spec;
  spec.window = validated_window(event_time);
  if (allowed_lateness_millis_) {
    if (!spec.window) throw ConfigError("window.allowed_lateness: needs a window (without one nothing is ever late)");
    if (*allowed_lateness_millis_ < 0) throw ConfigError("window.allowed_lateness: must not be negative");
    spec.allowed_lateness_millis = *allowed_lateness_millis_;
  }
  if (!spec.window && late_sink_) throw ConfigError("late_sink: needs a window (without one no row is ever late)");
  const TopRowsClause& clause = *top_rows_;
  auto column_of = [&](const std::string& field, const std::string& name) {
    const auto column = schema.find(name);
    if (!column) throw ConfigError(field + ": unknown column '" + name + "' (columns: " + column_list(schema) + ")");
    return *column;
  };
  for (size_t i = 0; i < clause.partition_by.size(); ++i) {
    spec.partition_columns.push_back(column_of("top.partition_by[" + std::to_string(i) + "]", clause.partition_by[i]));
  }
  for (size_t i = 0; i < clause.order_by.size(); ++i) {
    const std::string field = "top.order_by[" + std::to_string(i) + "]";
    const OrderByText order = in_field(field, [&] { return parse_order_by(clause.order_by[i]); });
    spec.order_by.push_back({column_of(field, order.column), order.descending});
  }
  spec.limit = clause.limit;
  spec.with_ties = clause.with_ties;
  for (size_t c = 0; c < clause.columns.size(); ++c) {
    const std::string field = "top.columns[" + std::to_string(c) + "]";
    SelectItem item = in_field(field, [&] { return parse_select_item(clause.columns[c], schema); });
    if (item.expression->kind() != ExpressionKind::ColumnRef) {
      throw ConfigError(field + ": expected a column of the source (\"column\" or \"column AS name\")");
    }
    spec.columns.push_back(item.expression->column_index());
    spec.names.push_back(item.output_name);
  }
  std::unique_ptr<Pipeline> pipeline = new_pipeline(schema);
  pipeline->top_rows_ = in_field("top", [&] { return std::make_unique<TopRows>(source_->schema(), std::move(spec)); });
  pipeline->fragment_.top_rows = pipeline->top_rows_.get();
  return finish_pipeline(std::move(pipeline), schema, event_time);
}

std::unique_ptr<Pipeline> PipelineBuilder::build_projection(const Schema& schema, std::optional<size_t> event_time) {
  const char* why = "a select list projects rows one by one; ";
  if (!aggregates_.empty()) throw ConfigError(std::string("select: ") + why + "it cannot be combined with aggregates");
  if (!group_by_.empty()) throw ConfigError(std::string("select: ") + why + "it cannot be combined with group_by");
  if (window_size_millis_ || session_gap_millis_) {
    throw ConfigError(std::string("select: ") + why + "it cannot be combined with a window");
  }
  if (allowed_lateness_millis_) throw ConfigError("window.allowed_lateness: needs a window (without one nothing is ever late)");
  if (late_sink_) throw ConfigError("late_sink: needs a window (without one no row is ever late)");
  require_append_output(output_mode_, "a select list supports append output only (each row is written once)");
  std::vector<SelectItem> items;
  std::set<std::string> output_names;
  for (size_t i = 0; i < select_.size(); ++i) {
    const std::string field = "select[" + std::to_string(i) + "]";
    SelectItem item = in_field(field, [&] { return parse_select_item(select_[i], schema); });
    if (!output_names.insert(item.output_name).second) {
      throw ConfigError(field + ": duplicate output column '" + item.output_name + "' (name it with AS)");
    }
    items.push_back(std::move(item));
  }
  std::unique_ptr<Pipeline> pipeline = new_pipeline(schema);
  pipeline->projection_ = std::make_unique<Projection>(std::move(items));
  pipeline->fragment_.projection = pipeline->projection_.get();
  pipeline = finish_pipeline(std::move(pipeline), schema, event_time);
  pipeline->fragment_.projection_sink = pipeline->sink_.get();
  return pipeline;
}

std::unique_ptr<Pipeline> PipelineBuilder::build_join(const Schema& schema, std::optional<size_t> event_time) {
  const char* why = "a join writes the pairs of rows it matches; ";
  if (!aggregates_.empty()) throw ConfigError(std::string("join: ") + why + "aggregating them is not supported yet");
  if (!group_by_.empty()) throw ConfigError(std::string("join: ") + why + "grouping them is not supported yet");
  if (!select_.empty()) {
    throw ConfigError(std::string("join: ") + why + "name its output with the inputs' columns, not a select list");
  }
  if (top_rows_) throw ConfigError(std::string("join: ") + why + "rank them in the next stage (then(), then top)");
  if (window_size_millis_ || session_gap_millis_ || allowed_lateness_millis_ || late_sink_) {
    throw ConfigError(std::string("join: ") + why + "windowed joins are not supported yet");
  }
  const bool interval = !join_window_millis_ && (!join_->first.time.empty() || !join_->second.time.empty());
  if (event_time_column_ && !interval) {
    throw ConfigError(std::string("join: ") + why + "only an interval join (a time on each input) uses event time");
  }
  if (interval && !event_time_column_) {
    throw ConfigError("join: an interval join needs event_time (its watermark drops late rows and ends the state)");
  }
  require_append_output(output_mode_, "a join supports append output only (each pair is written once)");
  StreamJoinSpec spec;
  std::array<std::unique_ptr<Expression>, 2> predicates;
  for (size_t side = 0; side < 2; ++side) {
    const JoinInput& input = side == 0 ? join_->first : join_->second;
    const std::string field = side == 0 ? "join.left" : "join.right";
    if (!input.where.empty()) {
      predicates[side] = in_field(field + ".where", [&] { return parse_expression(input.where, schema); });
    }
    const auto key = schema.find(input.key);
    if (!key) {
      throw ConfigError(field + ".key: unknown column '" + input.key + "' (columns: " + column_list(schema) + ")");
    }
    (side == 0 ? spec.left_key_column : spec.right_key_column) = *key;
    (side == 0 ? spec.left_distinct : spec.right_distinct) = input.distinct;
    if (join_window_millis_ || interval) {
      const auto time = schema.find(input.time);
      if (!time) {
        throw ConfigError(field + ".time: " +
                          (input.time.empty() ? std::string("missing (a window join needs each input's event-time column)")
                                              : "unknown column '" + input.time + "' (columns: " + column_list(schema) + ")"));
      }
      (side == 0 ? spec.left_time_column : spec.right_time_column) = *time;
    }
    if (!input.until.empty()) {
      if (!interval) throw ConfigError(field + ".until: only an interval join (no window) has intervals");
      const auto until = schema.find(input.until);
      if (!until) {
        throw ConfigError(field + ".until: unknown column '" + input.until + "' (columns: " + column_list(schema) + ")");
      }
      (side == 0 ? spec.left_until_column : spec.right_until_column) = *until;
    }
    for (size_t c = 0; c < input.columns.size(); ++c) {
      const std::string column_field = field + ".columns[" + std::to_string(c) + "]";
      SelectItem item = in_field(column_field, [&] { return parse_select_item(input.columns[c], schema); });
      if (item.expression->kind() != ExpressionKind::ColumnRef) {
        throw ConfigError(column_field + ": expected a column of the source (\"column\" or \"column AS name\")");
      }
      (side == 0 ? spec.left_columns : spec.right_columns).push_back(item.expression->column_index());
      (side == 0 ? spec.left_names : spec.right_names).push_back(item.output_name);
    }
  }
  spec.window_millis = join_window_millis_;
  spec.interval = interval;
  std::unique_ptr<Pipeline> pipeline = new_pipeline(schema);
  pipeline->join_ = in_field("join", [&] { return std::make_unique<StreamJoin>(source_->schema(), std::move(spec)); });
  if (ranked_by_next_stage_) push_down_ranking(*ranked_by_next_stage_, *pipeline->join_);
  if (grouped_by_next_stage_) {
    push_down_extremes(grouped_by_next_stage_->group_by, grouped_by_next_stage_->aggregates, *pipeline->join_);
  }
  pipeline->join_predicates_ = std::move(predicates);
  pipeline->fragment_.join = pipeline->join_.get();
  pipeline->fragment_.join_left_predicate = pipeline->join_predicates_[0].get();
  pipeline->fragment_.join_right_predicate = pipeline->join_predicates_[1].get();
  return finish_pipeline(std::move(pipeline), schema, event_time);
}

}  // namespace weir
