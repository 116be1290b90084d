#include "cli/pipeline_file.h"

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "ingest/csv_epoch_files_sink.h"
#include "ingest/csv_sink.h"
#include "ingest/csv_source.h"
#include "runtime/duration.h"
#include "runtime/errors.h"
#include "runtime/pipeline_builder.h"

namespace weir {
namespace {

using Json = nlohmann::json;

// Reads fields of one JSON object, naming the field path in every error.
class FieldReader {
 public:
  FieldReader(const Json& object, std::string path) : object_(object), path_(std::move(path)) {
    if (!object_.is_object()) fail(path_, "expected an object");
  }

  [[noreturn]] static void fail(const std::string& field, const std::string& problem) {
    throw ConfigError(field + ": " + problem);
  }

  std::string field(const std::string& name) const { return path_.empty() ? name : path_ + "." + name; }

  // Rejects keys not in `known` (a misspelt key would otherwise be ignored).
  void allow_only(std::initializer_list<const char*> known) const {
    for (const auto& [key, value] : object_.items()) {
      bool found = false;
      std::string list;
      for (const char* name : known) {
        found = found || key == name;
        list += (list.empty() ? "" : ", ") + std::string(name);
      }
      if (!found) fail(field(key), "unknown field (known fields: " + list + ")");
    }
  }

  bool has(const std::string& name) const { return object_.contains(name); }

  const Json& required(const std::string& name) const {
    if (!object_.contains(name)) fail(field(name), "missing");
    return object_.at(name);
  }

  std::string string(const std::string& name) const {
    const Json& value = required(name);
    if (!value.is_string()) fail(field(name), "expected a string");
    return value.get<std::string>();
  }

  std::optional<std::string> optional_string(const std::string& name) const {
    if (!has(name)) return std::nullopt;
    return string(name);
  }

  int64_t duration(const std::string& name) const {
    const std::string text = string(name);
    const auto millis = parse_duration_millis(text);
    if (!millis) fail(field(name), "bad duration '" + text + "' (expected e.g. 10s, 250ms, 5m, 1h)");
    return *millis;
  }

 private:
  const Json& object_;
  std::string path_;
};

std::string expect_format(const FieldReader& reader, const char* what) {
  const std::string format = reader.string("format");
  if (format != "csv") {
    FieldReader::fail(reader.field("format"), "unknown " + std::string(what) + " format '" + format +
                                                  "' (supported: csv)");
  }
  return format;
}

Schema read_schema(const Json& fields) {
  if (!fields.is_array() || fields.empty()) FieldReader::fail("source.schema", "expected a non-empty array");
  std::vector<Field> result;
  std::set<std::string> names;
  for (size_t i = 0; i < fields.size(); ++i) {
    FieldReader column(fields[i], "source.schema[" + std::to_string(i) + "]");
    column.allow_only({"name", "type"});
    const std::string name = column.string("name");
    if (name.empty()) FieldReader::fail(column.field("name"), "must not be empty");
    if (!names.insert(name).second) FieldReader::fail(column.field("name"), "duplicate column '" + name + "'");
    const std::string type_name = column.string("type");
    const auto type = parse_data_type(type_name);
    if (!type) {
      FieldReader::fail(column.field("type"),
                        "unknown type '" + type_name + "' (int64, float64, bool, timestamp, string)");
    }
    result.push_back({name, *type});
  }
  return Schema(std::move(result));
}

std::string line_and_column(std::string_view text, size_t byte) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

// The path of stage `index` of a file: "" for the top level, then "then",
// "then.then", ...
std::string stage_path(size_t index) {
  std::string path;
  for (size_t i = 0; i < index; ++i) path += path.empty() ? "then" : ".then";
  return path;
}

std::string under(const std::string& path, const std::string& field) { return path.empty() ? field : path + "." + field; }

// Reads one stage's operators (the top level, or a "then" object) into
// `builder`; a nested "then" chains the next stage. Returns the number of
// stages read.
size_t read_stage(const FieldReader& stage, const std::string& path, PipelineBuilder& builder) {
  if (!path.empty()) {
    // A later stage: its input is the previous stage's output.
    stage.allow_only({"event_time", "where", "window", "group_by", "aggregates", "select", "join", "top", "then"});
    if (stage.has("event_time")) {
      FieldReader event_time(stage.required("event_time"), stage.field("event_time"));
      event_time.allow_only({"column", "watermark_delay"});
      builder.event_time(event_time.string("column"),
                         event_time.has("watermark_delay") ? event_time.duration("watermark_delay") : 0);
    }
  }
  if (auto where = stage.optional_string("where")) builder.where(*where);

  if (stage.has("window")) {
    FieldReader window(stage.required("window"), stage.field("window"));
    window.allow_only({"type", "size", "slide", "gap", "allowed_lateness"});
    const std::string window_type = window.string("type");
    if (window_type != "tumbling" && window_type != "hopping" && window_type != "session") {
      FieldReader::fail(window.field("type"),
                        "unknown window type '" + window_type + "' (supported: tumbling, hopping, session)");
    }
    if (window_type == "session") {
      if (window.has("size")) FieldReader::fail(window.field("size"), "a session window has a gap, not a size");
      if (window.has("slide")) FieldReader::fail(window.field("slide"), "a session window has a gap, not a slide");
      const int64_t gap = window.duration("gap");
      if (gap <= 0) FieldReader::fail(window.field("gap"), "must be greater than zero");
      builder.session_window(gap);
    } else {
      if (window.has("gap")) FieldReader::fail(window.field("gap"), "only session windows have a gap");
      const int64_t window_size = window.duration("size");
      if (window_size <= 0) FieldReader::fail(window.field("size"), "must be greater than zero");
      if (window_type == "tumbling") {
        if (window.has("slide")) {
          FieldReader::fail(window.field("slide"), "a tumbling window has no slide (use type hopping)");
        }
        builder.tumbling_window(window_size);
      } else {
        const int64_t slide = window.duration("slide");
        if (slide <= 0) FieldReader::fail(window.field("slide"), "must be greater than zero");
        if (slide > window_size) FieldReader::fail(window.field("slide"), "must not exceed window.size");
        builder.hopping_window(window_size, slide);
      }
    }
    if (window.has("allowed_lateness")) builder.allowed_lateness(window.duration("allowed_lateness"));
  }

  // An array of strings, or a failure naming `field`.
  auto strings = [&](const Json& array, const std::string& field, const char* example, bool non_empty) {
    if (!array.is_array() || (non_empty && array.empty())) FieldReader::fail(field, std::string("expected ") + example);
    std::vector<std::string> values;
    for (size_t i = 0; i < array.size(); ++i) {
      if (!array[i].is_string()) FieldReader::fail(field + "[" + std::to_string(i) + "]", "expected a string");
      values.push_back(array[i].get<std::string>());
    }
    return values;
  };

  if (stage.has("group_by")) {
    builder.group_by(strings(stage.required("group_by"), stage.field("group_by"), "an array of column names", false));
  }

  if (stage.has("select")) {
    // A projection (SELECT list without aggregation); the builder refuses it
    // together with aggregates, group_by or a window.
    for (std::string& item : strings(stage.required("select"), stage.field("select"),
                                     "a non-empty array such as [\"auction\", \"price * 0.908 AS euros\"]", true)) {
      builder.select(std::move(item));
    }
  }
  if (stage.has("join")) {
    // {"left": {"where": ..., "key": ..., "columns": [...]}, "right": {...}};
    // the builder refuses it together with aggregates, a select list or a window.
    FieldReader join(stage.required("join"), stage.field("join"));
    join.allow_only({"left", "right", "window"});
    std::optional<int64_t> window_size;
    if (join.has("window")) {
      FieldReader window(join.required("window"), join.field("window"));
      window.allow_only({"type", "size"});
      if (window.string("type") != "tumbling") FieldReader::fail(window.field("type"), "a join window is tumbling");
      window_size = window.duration("size");
    }
    JoinInput inputs[2];
    for (size_t side = 0; side < 2; ++side) {
      const char* name = side == 0 ? "left" : "right";
      FieldReader input(join.required(name), join.field(name));
      input.allow_only({"where", "key", "columns", "time", "until", "distinct"});
      inputs[side].where = input.optional_string("where").value_or("");
      inputs[side].key = input.string("key");
      inputs[side].time = input.optional_string("time").value_or("");
      inputs[side].until = input.optional_string("until").value_or("");
      if (input.has("distinct")) {
        const Json& distinct = input.required("distinct");
        if (!distinct.is_boolean()) FieldReader::fail(input.field("distinct"), "expected true or false");
        inputs[side].distinct = distinct.get<bool>();
      }
      inputs[side].columns =
          strings(input.required("columns"), input.field("columns"), "an array such as [\"id\", \"name AS seller\"]", false);
    }
    builder.join(std::move(inputs[0]), std::move(inputs[1]), window_size);
  }
  if (stage.has("top")) {
    // {"partition_by": [...], "order_by": ["price DESC"], "limit": 1, "ties": true, "columns": [...]}
    FieldReader top(stage.required("top"), stage.field("top"));
    top.allow_only({"partition_by", "order_by", "limit", "ties", "columns"});
    TopRowsClause clause;
    if (top.has("partition_by")) {
      clause.partition_by = strings(top.required("partition_by"), top.field("partition_by"), "an array of column names", false);
    }
    clause.order_by = strings(top.required("order_by"), top.field("order_by"), "an array such as [\"price DESC\"]", true);
    if (top.has("limit")) {
      const Json& limit = top.required("limit");
      if (!limit.is_number_unsigned() || limit.get<uint64_t>() == 0) {
        FieldReader::fail(top.field("limit"), "expected a positive integer");
      }
      clause.limit = limit.get<uint64_t>();
    }
    if (top.has("ties")) {
      const Json& ties = top.required("ties");
      if (!ties.is_boolean()) FieldReader::fail(top.field("ties"), "expected true or false");
      clause.with_ties = ties.get<bool>();
    }
    clause.columns = strings(top.required("columns"), top.field("columns"), "an array such as [\"auction\", \"price\"]", true);
    builder.top_rows(std::move(clause));
  }
  if ((!stage.has("select") && !stage.has("join") && !stage.has("top")) || stage.has("aggregates")) {
    for (std::string& aggregate :
         strings(stage.required("aggregates"), stage.field("aggregates"), "an array such as [\"count(*)\"]", false)) {
      builder.aggregate(std::move(aggregate));
    }
  }
  if (!stage.has("then")) return 1;
  // Each "then" nests one level deeper; bound the depth (and the recursion).
  constexpr size_t kMaxStages = 64;
  const size_t depth = path.empty() ? 1 : 2 + static_cast<size_t>(std::count(path.begin(), path.end(), '.'));
  if (depth >= kMaxStages) FieldReader::fail(stage.field("then"), "at most 64 stages");
  builder.then();
  const std::string next = under(path, "then");
  return 1 + read_stage(FieldReader(stage.required("then"), next), next, builder);
}

LoadedPipeline build_from(const Json& root, const PipelineFileOverrides& overrides) {
  const std::optional<std::string>& output_path = overrides.output_path;
  FieldReader top(root, "");
  top.allow_only({"source", "event_time", "where", "window", "group_by", "aggregates", "select", "join", "top", "then",
                  "sink", "late_sink", "output_mode", "trigger", "max_rows_per_trigger"});
  LoadedPipeline loaded;
  loaded.memory = std::make_unique<MemoryTracker>();
  PipelineBuilder builder;

  std::optional<std::string> event_time_column;
  int64_t delay = 0;
  if (top.has("event_time")) {
    FieldReader event_time(top.required("event_time"), "event_time");
    event_time.allow_only({"column", "watermark_delay", "idle_timeout"});
    event_time_column = event_time.string("column");
    delay = event_time.has("watermark_delay") ? event_time.duration("watermark_delay") : 0;
    if (event_time.has("idle_timeout")) {
      const int64_t idle_timeout = event_time.duration("idle_timeout");
      if (idle_timeout <= 0) FieldReader::fail("event_time.idle_timeout", "must be greater than zero");
      builder.idle_timeout(idle_timeout);
    }
  }

  FieldReader source(top.required("source"), "source");
  source.allow_only({"format", "path", "schema", "partition_by_file"});
  expect_format(source, "source");
  CsvSourceOptions source_options;
  source_options.path = source.string("path");
  if (source.has("partition_by_file")) {
    const Json& flag = source.required("partition_by_file");
    if (!flag.is_boolean()) FieldReader::fail("source.partition_by_file", "expected true or false");
    source_options.partition_by_file = flag.get<bool>();
  }
  source_options.schema = read_schema(source.required("schema"));
  if (event_time_column && source_options.schema.find(*event_time_column)) {
    source_options.not_null_columns = {*event_time_column};
  }

  FieldReader sink(top.required("sink"), "sink");
  sink.allow_only({"format", "path"});
  expect_format(sink, "sink");
  CsvSinkOptions sink_options;
  sink_options.path = output_path.value_or(sink.string("path"));
  if (sink_options.path.empty()) FieldReader::fail("sink.path", "must not be empty");

  OutputMode output_mode = OutputMode::Append;
  if (auto mode = top.optional_string("output_mode")) {
    const std::optional<OutputMode> parsed = parse_output_mode(*mode);
    if (!parsed) FieldReader::fail("output_mode", "unknown output mode '" + *mode + "' (append, update, complete)");
    output_mode = *parsed;
  }
  if (overrides.output_mode) output_mode = *overrides.output_mode;

  std::optional<CsvSinkOptions> late_sink_options;
  if (top.has("late_sink")) {
    FieldReader late_sink(top.required("late_sink"), "late_sink");
    late_sink.allow_only({"format", "path"});
    expect_format(late_sink, "late_sink");
    late_sink_options = CsvSinkOptions{};
    late_sink_options->path = late_sink.string("path");
    if (late_sink_options->path.empty()) FieldReader::fail("late_sink.path", "must not be empty");
    if (late_sink_options->path == sink_options.path) {
      FieldReader::fail("late_sink.path", "must differ from sink.path");
    }
  }

  if (auto trigger = top.optional_string("trigger")) {
    try {
      loaded.trigger = parse_trigger(*trigger);
    } catch (const ConfigError& error) {
      throw ConfigError(std::string("trigger: ") + error.what());
    }
  }
  if (top.has("max_rows_per_trigger")) {
    const Json& rows = top.required("max_rows_per_trigger");
    if (!rows.is_number_unsigned() || rows.get<uint64_t>() == 0) {
      FieldReader::fail("max_rows_per_trigger", "expected a positive integer");
    }
    loaded.max_rows_per_trigger = rows.get<uint64_t>();
  }

  // The first stage's settings go to the builder before a "then" chains the
  // next stage: the source and event time now; the file's operators next.
  // Constructing the source checks that its path exists; the sink creates
  // nothing until the run opens it.
  std::unique_ptr<Source> csv_source;
  try {
    csv_source = std::make_unique<CsvSource>(std::move(source_options), loaded.memory.get());
  } catch (const ConfigError& error) {
    throw ConfigError(std::string("source.path: ") + error.what());
  }
  builder.source(std::move(csv_source));
  if (event_time_column) builder.event_time(*event_time_column, delay);
  const size_t stages = read_stage(top, "", builder);
  // The sinks and the output mode belong to the last stage.
  builder.output_mode(output_mode);
  if (output_mode == OutputMode::Append) {
    builder.sink(std::make_unique<CsvSink>(std::move(sink_options)));
  } else {
    builder.sink(std::make_unique<CsvEpochFilesSink>(std::move(sink_options.path)));
  }
  if (late_sink_options) builder.late_sink(std::make_unique<CsvSink>(std::move(*late_sink_options)));
  try {
    loaded.pipeline = builder.build();
  } catch (const ConfigError& error) {
    // The builder names an earlier stage's field "stages[i]: field"; the
    // file names it by its path ("then.window.size").
    std::string message = error.what();
    size_t stage = stages - 1;
    if (message.rfind("stages[", 0) == 0 && message.find("]: ") != std::string::npos) {
      const size_t close = message.find("]: ");
      stage = std::stoul(message.substr(7, close - 7));
      message = message.substr(close + 3);
    }
    const std::string path = stage_path(stage);
    const bool run_wide = message.rfind("source", 0) == 0 || message.rfind("sink", 0) == 0 ||
                          message.rfind("late_sink", 0) == 0 || message.rfind("output_mode", 0) == 0;
    throw ConfigError(path.empty() || run_wide ? message : path + "." + message);
  }
  return loaded;
}

}  // namespace

LoadedPipeline parse_pipeline_file(std::string_view json_text, const std::string& file_name,
                                   const PipelineFileOverrides& overrides) {
  Json root;
  try {
    root = Json::parse(json_text.begin(), json_text.end());
  } catch (const Json::parse_error& error) {
    std::string message = error.what();
    // nlohmann's text starts with "[json.exception.parse_error.101] parse error at line.."; keep the part after "]".
    const size_t bracket = message.find("] ");
    if (bracket != std::string::npos) message = message.substr(bracket + 2);
    throw ConfigError(file_name + ":" + line_and_column(json_text, error.byte > 0 ? error.byte - 1 : 0) +
                      ": invalid JSON: " + message);
  } catch (const Json::exception& error) {
    // e.g. a number too large for a double ("1e99999"), reported without a position.
    std::string message = error.what();
    const size_t bracket = message.find("] ");
    if (bracket != std::string::npos) message = message.substr(bracket + 2);
    throw ConfigError(file_name + ": invalid JSON: " + message);
  }
  try {
    return build_from(root, overrides);
  } catch (const ConfigError& error) {
    throw ConfigError(file_name + ": " + error.what());
  } catch (const Json::exception& error) {
    throw ConfigError(file_name + ": " + error.what());
  }
}

LoadedPipeline load_pipeline_file(const std::string& path, const PipelineFileOverrides& overrides) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw ConfigError(path + ": cannot open the pipeline file");
  std::ostringstream text;
  text << file.rdbuf();
  return parse_pipeline_file(text.str(), path, overrides);
}

}  // namespace weir
