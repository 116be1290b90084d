#pragma once

#include <optional>
#include <string_view>

namespace weir {

// What a pipeline writes at each trigger (Spark Structured Streaming's
// output modes).
//   Append    each window's final row, once, when the watermark passes its
//             end + allowed lateness (without a window: the result, when the
//             input ends). The default.
//   Update    the rows whose aggregates changed since the previous trigger,
//             as upserts keyed by window and group keys; the last upsert of
//             each key equals the append result.
//   Complete  the whole result table at every trigger (windows are never
//             dropped from state).
enum class OutputMode { Append, Update, Complete };

std::string_view output_mode_name(OutputMode mode);
// "append", "update" or "complete"; nullopt otherwise.
std::optional<OutputMode> parse_output_mode(std::string_view text);

}  // namespace weir
