#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/output_mode.h"
#include "memory/memory_tracker.h"
#include "runtime/pipeline.h"
#include "runtime/trigger.h"

namespace weir {

// A pipeline read from a JSON pipeline file (format: docs/user-guide.md),
// with the run defaults the file may carry (the command line overrides them).
struct LoadedPipeline {
  // Counts what the run holds, the CSV source's text chunks included: pass
  // it as RunOptions::memory. Declared first: it outlives the pipeline.
  std::unique_ptr<MemoryTracker> memory;
  std::unique_ptr<Pipeline> pipeline;
  std::optional<Trigger> trigger;
  std::optional<uint64_t> max_rows_per_trigger;

  LoadedPipeline() = default;
  LoadedPipeline(LoadedPipeline&&) = default;
  // Not assignable: replacing `memory` before `pipeline` would leave the
  // old pipeline's source counting in a freed tracker.
  LoadedPipeline& operator=(LoadedPipeline&&) = delete;
};

// Command-line settings that replace the file's.
struct PipelineFileOverrides {
  std::optional<std::string> output_path;  // the sink's path
  std::optional<OutputMode> output_mode;   // the file's output_mode
};

// Parses the JSON text and builds the pipeline through PipelineBuilder.
// `file_name` prefixes every message; `overrides` replace the file's
// settings. The sink is a CSV file in append mode, a directory of one file
// per trigger (CsvEpochFilesSink) in update and complete modes. Throws ConfigError naming the field at fault, e.g.
//   pipeline.json: aggregates[1]: unknown function 'summ' ...
// Relative paths in the file are taken relative to the working directory.
// Safe on any input (fuzzed): only ConfigError escapes for bad text.
LoadedPipeline parse_pipeline_file(std::string_view json_text, const std::string& file_name,
                                   const PipelineFileOverrides& overrides);

// Reads `path` and calls parse_pipeline_file.
LoadedPipeline load_pipeline_file(const std::string& path, const PipelineFileOverrides& overrides);

}  // namespace weir
