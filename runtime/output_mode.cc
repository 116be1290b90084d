#include "runtime/output_mode.h"

namespace weir {

std::string_view output_mode_name(OutputMode mode) {
  switch (mode) {
    case OutputMode::Append:
      return "append";
    case OutputMode::Update:
      return "update";
    case OutputMode::Complete:
      return "complete";
  }
  return "append";
}

std::optional<OutputMode> parse_output_mode(std::string_view text) {
  if (text == "append") return OutputMode::Append;
  if (text == "update") return OutputMode::Update;
  if (text == "complete") return OutputMode::Complete;
  return std::nullopt;
}

}  // namespace weir
