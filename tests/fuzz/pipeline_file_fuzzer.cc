// libFuzzer target for the pipeline-file parser: any bytes must give a
// pipeline or a ConfigError, never a crash, a hang or another exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cli/pipeline_file.h"
#include "runtime/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    // The sink path is replaced so a valid file never writes anywhere.
    weir::parse_pipeline_file(text, "fuzz.json",
                              weir::PipelineFileOverrides{std::string("/nonexistent-weir-fuzz/out.csv"), {}});
  } catch (const weir::ConfigError&) {
    // Expected for bad pipeline files.
  }
  return 0;
}
