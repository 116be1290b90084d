#pragma once

#include <cstdint>

namespace weir {

// The configuration of the Nexmark event generator and the arithmetic that
// places an event: its id, its kind, the ids it creates, its event time
// (docs/nexmark.md §1, §2, §3, §5).
//
// Weir's profile (docs/nexmark.md "Weir's generator"): one logical
// generator timeline, first event id = first event number = 0 (as Beam), the
// event id of event number k is its out-of-order adjusted number (k itself
// with the default group size 1), and event time follows the Flink/Feldera
// double inter-event delay, so rates above 2,000,000 events/s still advance.
//
// Contract: NexmarkConfig is a plain value; validate() once (the CLI and
// generate functions' callers do), then every function here is pure and may
// be called from any number of threads at once.

// The kind of an event, by its id: in every block of 50 ids (with the
// default proportions 1:3:46), 1 person, then 3 auctions, then 46 bids. The
// values are Flink's event_type codes.
enum class NexmarkEventKind : int { Person = 0, Auction = 1, Bid = 2 };

// Bids as Beam shapes them (no channel or url; the CSV/batch columns are
// empty strings) or as the Flink suite does (channel and url drawn after the
// price, before extra; docs/nexmark.md §6.5). Only the Beam shape matches
// the §11 aggregate of bid extra lengths.
enum class NexmarkBidShape { Beam, Flink };

struct NexmarkConfig {
  // Fixed by the reference generators (docs/nexmark.md §1.2).
  static constexpr int64_t kFirstPersonId = 1000;
  static constexpr int64_t kFirstAuctionId = 1000;
  static constexpr int64_t kFirstCategoryId = 10;
  static constexpr int32_t kNumCategories = 5;
  static constexpr int64_t kAuctionIdLead = 10;
  static constexpr int64_t kPersonIdLead = 10;
  static constexpr int64_t kHotSellerBatch = 100;   // AuctionGenerator.HOT_SELLER_RATIO
  static constexpr int64_t kHotAuctionBatch = 100;  // BidGenerator.HOT_AUCTION_RATIO
  static constexpr int64_t kHotBidderBatch = 100;   // BidGenerator.HOT_BIDDER_RATIO
  static constexpr int64_t kOutOfOrderMultiplier = 953;
  // Beam's NexmarkUtils.BASE_TIME, 2015-07-15T00:00:00.000Z.
  static constexpr int64_t kDefaultBaseTimeMillis = 1436918400000;

  // Event-time rate in events per second (firstEventRate; the Flink
  // generator ignores nextEventRate). Inter-event delay = 1e6 / rate µs.
  double events_per_second = 10'000;
  int64_t base_time_millis = kDefaultBaseTimeMillis;

  int64_t person_proportion = 1;
  int64_t auction_proportion = 3;
  int64_t bid_proportion = 46;

  int64_t num_in_flight_auctions = 100;
  int64_t num_active_people = 1000;

  // P(hot) = 1 - 1/ratio (the configuration fields, not the batch constants).
  int32_t hot_auction_ratio = 2;
  int32_t hot_sellers_ratio = 4;
  int32_t hot_bidders_ratio = 4;

  // Target average record sizes that size the `extra` field (§6.3).
  int32_t avg_person_byte_size = 200;
  int32_t avg_auction_byte_size = 500;
  int32_t avg_bid_byte_size = 100;

  // Events are permuted within aligned groups of this size (§5.5); 1 = in order.
  int64_t out_of_order_group_size = 1;

  NexmarkBidShape bid_shape = NexmarkBidShape::Flink;

  // Throws ConfigError naming the field when a value is out of range.
  void validate() const;

  int64_t total_proportion() const { return person_proportion + auction_proportion + bid_proportion; }
  // Microseconds of event time between two consecutive event numbers.
  double inter_event_delay_us() const { return 1'000'000.0 / events_per_second; }
};

// The out-of-order adjusted number of event number k:
// (k / n) * n + (k * 953) % n, with n = out_of_order_group_size.
int64_t nexmark_adjusted_event_number(const NexmarkConfig& config, int64_t event_number);

// The id of event number k (= its adjusted number: first event id 0). The
// event's content is a function of its id alone (the per-event Random is
// seeded with it).
inline int64_t nexmark_event_id(const NexmarkConfig& config, int64_t event_number) {
  return config.out_of_order_group_size == 1 ? event_number : nexmark_adjusted_event_number(config, event_number);
}

// The kind of the event with this id (§2.2).
inline NexmarkEventKind nexmark_event_kind(const NexmarkConfig& config, int64_t event_id) {
  const int64_t remainder = event_id % config.total_proportion();
  if (remainder < config.person_proportion) return NexmarkEventKind::Person;
  if (remainder < config.person_proportion + config.auction_proportion) return NexmarkEventKind::Auction;
  return NexmarkEventKind::Bid;
}

// The base-0 id of the last person created at or before this event id (§3.1);
// a person event's own id is this + kFirstPersonId.
int64_t nexmark_last_base0_person_id(const NexmarkConfig& config, int64_t event_id);

// The base-0 id of the last auction created at or before this event id (§3.2);
// an auction event's own id is this + kFirstAuctionId. -1 for event id 0.
int64_t nexmark_last_base0_auction_id(const NexmarkConfig& config, int64_t event_id);

// timestampForEvent (Flink): base time + (int64)(number * delay µs) / 1000,
// in milliseconds. `event_number` is an adjusted number.
int64_t nexmark_timestamp_for_adjusted_number(const NexmarkConfig& config, int64_t adjusted_number);

// The event time (dateTime) of event number k: the time of its adjusted number.
inline int64_t nexmark_event_timestamp(const NexmarkConfig& config, int64_t event_number) {
  return nexmark_timestamp_for_adjusted_number(config, nexmark_adjusted_event_number(config, event_number));
}

// The watermark the reference reports with event number k: the time of the
// first number of its out-of-order group (§5.5).
int64_t nexmark_watermark_for_event(const NexmarkConfig& config, int64_t event_number);

}  // namespace weir
