#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/pipeline.h"
#include "runtime/trigger.h"

namespace weir {

// A pipeline read from a JSON pipeline file (format: docs/user-guide.md),
// with the run defaults the file may carry (the command line overrides them).
struct LoadedPipeline {
  std::unique_ptr<Pipeline> pipeline;
  std::optional<Trigger> trigger;
  std::optional<uint64_t> max_rows_per_trigger;
};

// Parses the JSON text and builds the pipeline through PipelineBuilder.
// `file_name` prefixes every message; `output_path`, when given, replaces the
// sink's path. Throws ConfigError naming the field at fault, e.g.
//   pipeline.json: aggregates[1]: unknown function 'summ' ...
// Relative paths in the file are taken relative to the working directory.
// Safe on any input (fuzzed): only ConfigError escapes for bad text.
LoadedPipeline parse_pipeline_file(std::string_view json_text, const std::string& file_name,
                                   const std::optional<std::string>& output_path);

// Reads `path` and calls parse_pipeline_file.
LoadedPipeline load_pipeline_file(const std::string& path, const std::optional<std::string>& output_path);

}  // namespace weir
