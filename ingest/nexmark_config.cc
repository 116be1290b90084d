#include "ingest/nexmark_config.h"

#include <cmath>
#include <cstdint>
#include <string>

#include "runtime/errors.h"

namespace weir {

namespace {

// Java's (long) cast of a double: truncation toward zero, saturating at the
// int64 range, NaN to 0 (a C++ cast would be undefined out of range).
int64_t java_double_to_long(double value) {
  if (std::isnan(value)) return 0;
  if (value >= 9223372036854775807.0) return INT64_MAX;
  if (value <= -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(value);
}

void require(bool condition, const std::string& message) {
  if (!condition) throw ConfigError("nexmark: " + message);
}

}  // namespace

void NexmarkConfig::validate() const {
  require(std::isfinite(events_per_second) && events_per_second > 0, "events per second must be positive");
  require(person_proportion >= 1 && auction_proportion >= 1 && bid_proportion >= 1,
          "person, auction and bid proportions must be at least 1");
  require(total_proportion() <= 1'000'000, "proportions: their sum must be at most 1000000");
  require(num_in_flight_auctions >= 1, "in-flight auctions must be at least 1");
  require(num_active_people >= 1, "active people must be at least 1");
  require(hot_auction_ratio >= 1 && hot_sellers_ratio >= 1 && hot_bidders_ratio >= 1,
          "hot ratios must be at least 1");
  require(avg_person_byte_size >= 0 && avg_auction_byte_size >= 0 && avg_bid_byte_size >= 0,
          "average byte sizes must not be negative");
  require(avg_person_byte_size <= 1'000'000 && avg_auction_byte_size <= 1'000'000 && avg_bid_byte_size <= 1'000'000,
          "average byte sizes must be at most 1000000");
  require(out_of_order_group_size >= 1 && out_of_order_group_size <= 1'000'000'000,
          "out-of-order group size must be between 1 and 1000000000");
}

int64_t nexmark_adjusted_event_number(const NexmarkConfig& config, int64_t event_number) {
  const int64_t n = config.out_of_order_group_size;
  if (n == 1) return event_number;
  // (e * 953) % n: wraps in Java's long exactly as in two's complement.
  const auto product = static_cast<int64_t>(static_cast<uint64_t>(event_number) *
                                            static_cast<uint64_t>(NexmarkConfig::kOutOfOrderMultiplier));
  return (event_number / n) * n + product % n;
}

int64_t nexmark_last_base0_person_id(const NexmarkConfig& config, int64_t event_id) {
  const int64_t total = config.total_proportion();
  const int64_t epoch = event_id / total;
  int64_t offset = event_id % total;
  if (offset >= config.person_proportion) offset = config.person_proportion - 1;
  return epoch * config.person_proportion + offset;
}

int64_t nexmark_last_base0_auction_id(const NexmarkConfig& config, int64_t event_id) {
  const int64_t total = config.total_proportion();
  int64_t epoch = event_id / total;
  int64_t offset = event_id % total;
  if (offset < config.person_proportion) {
    epoch -= 1;
    offset = config.auction_proportion - 1;
  } else if (offset >= config.person_proportion + config.auction_proportion) {
    offset = config.auction_proportion - 1;
  } else {
    offset -= config.person_proportion;
  }
  return epoch * config.auction_proportion + offset;
}

int64_t nexmark_timestamp_for_adjusted_number(const NexmarkConfig& config, int64_t adjusted_number) {
  // Java: baseTime + (long)(eventNumber * interEventDelayUs) / 1000L
  const double micros = static_cast<double>(adjusted_number) * config.inter_event_delay_us();
  return config.base_time_millis + java_double_to_long(micros) / 1000;
}

int64_t nexmark_watermark_for_event(const NexmarkConfig& config, int64_t event_number) {
  const int64_t n = config.out_of_order_group_size;
  return nexmark_timestamp_for_adjusted_number(config, (event_number / n) * n);
}

}  // namespace weir
