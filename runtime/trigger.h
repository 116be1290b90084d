#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace weir {

// When micro-batches (epochs) run. A run-time setting only: the code that
// transforms data is the same under every trigger.
//   AvailableNow    take everything available at start, process it (cut into
//                   epochs of at most max_rows_per_trigger rows), then stop.
//   Once            one epoch of everything available at start, then stop.
//   ProcessingTime  start an epoch every interval (bounded by
//                   max_rows_per_trigger); stop when a bounded source is
//                   exhausted, run forever on a watched directory.
enum class TriggerKind { AvailableNow, Once, ProcessingTime };

struct Trigger {
  TriggerKind kind = TriggerKind::AvailableNow;
  int64_t interval_millis = 0;  // ProcessingTime only
};

// Parses "available-now", "once" or "processing-time:<duration>" (e.g.
// "processing-time:30s", "processing-time:250ms"). Throws ConfigError.
Trigger parse_trigger(std::string_view text);

std::string describe_trigger(const Trigger& trigger);

}  // namespace weir
