#include "runtime/trigger.h"

#include "runtime/duration.h"
#include "runtime/errors.h"

namespace weir {

Trigger parse_trigger(std::string_view text) {
  if (text == "available-now") return {TriggerKind::AvailableNow, 0};
  if (text == "once") return {TriggerKind::Once, 0};
  constexpr std::string_view kPrefix = "processing-time:";
  if (text.substr(0, kPrefix.size()) == kPrefix) {
    const std::string_view duration = text.substr(kPrefix.size());
    const auto millis = parse_duration_millis(duration);
    if (!millis) {
      throw ConfigError("trigger: bad duration '" + std::string(duration) +
                        "' (expected e.g. 30s, 250ms, 1m)");
    }
    return {TriggerKind::ProcessingTime, *millis};
  }
  throw ConfigError("trigger: unknown trigger '" + std::string(text) +
                    "' (expected available-now, once or processing-time:<duration>)");
}

std::string describe_trigger(const Trigger& trigger) {
  switch (trigger.kind) {
    case TriggerKind::AvailableNow:
      return "available-now";
    case TriggerKind::Once:
      return "once";
    case TriggerKind::ProcessingTime:
      return "processing-time:" + std::to_string(trigger.interval_millis) + "ms";
  }
  return "unknown";
}

}  // namespace weir
