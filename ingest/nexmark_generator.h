#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "ingest/java_random.h"
#include "ingest/nexmark_config.h"

namespace weir {

// The Nexmark event generator, event by event (docs/nexmark.md §6): every
// event is a pure function of the configuration and its event number. Event
// number k has id nexmark_event_id(config, k) (k itself unless out-of-order
// groups are configured), its kind follows from the id (§2.2), and its fields
// are drawn, in the reference order, from a fresh java.util.Random seeded
// with the id (Apache Beam's Generator.nextEvent), so any range of events can
// be generated on any thread in any order with the same result.
//
// Field names follow the Flink DDL (§7); times are Weir timestamps (int64
// milliseconds UTC). For the columnar form see ingest/nexmark_batches.h.
//
// Contract: pure functions; thread-safe. The in-place forms reuse the
// string capacity of `out` (no allocation per event once warm); they require
// the event to be of the right kind (checked: InternalError).

struct NexmarkPerson {
  int64_t id = 0;
  std::string name;
  std::string email_address;
  std::string credit_card;
  std::string city;
  std::string state;
  int64_t date_time = 0;
  std::string extra;
  bool operator==(const NexmarkPerson&) const = default;
};

struct NexmarkAuction {
  int64_t id = 0;
  std::string item_name;
  std::string description;
  int64_t initial_bid = 0;
  int64_t reserve = 0;
  int64_t date_time = 0;
  int64_t expires = 0;
  int64_t seller = 0;
  int64_t category = 0;
  std::string extra;
  bool operator==(const NexmarkAuction&) const = default;
};

// `channel` and `url` are empty in NexmarkBidShape::Beam.
struct NexmarkBid {
  int64_t auction = 0;
  int64_t bidder = 0;
  int64_t price = 0;
  // Views of the static channel and URL tables (nexmark_channel_urls.h):
  // valid for the whole run, never copied per bid.
  std::string_view channel;
  std::string_view url;
  int64_t date_time = 0;
  std::string extra;
  bool operator==(const NexmarkBid&) const = default;
};

using NexmarkEvent = std::variant<NexmarkPerson, NexmarkAuction, NexmarkBid>;

// The kind of event number k.
inline NexmarkEventKind nexmark_event_kind_of_number(const NexmarkConfig& config, int64_t event_number) {
  return nexmark_event_kind(config, nexmark_event_id(config, event_number));
}

void generate_nexmark_person(const NexmarkConfig& config, int64_t event_number, NexmarkPerson& out);
void generate_nexmark_auction(const NexmarkConfig& config, int64_t event_number, NexmarkAuction& out);
void generate_nexmark_bid(const NexmarkConfig& config, int64_t event_number, NexmarkBid& out);

// The same without the last field, `extra` (left untouched): they return its
// draw, the event's JavaRandom positioned after every other field and the
// extra's length, so a producer can write the chars in place with
// write_nexmark_exact_string(draw.random, draw.length, ...).
struct NexmarkExtraDraw {
  JavaRandom random;
  int32_t length;
};
NexmarkExtraDraw generate_nexmark_person_but_extra(const NexmarkConfig& config, int64_t event_number,
                                                   NexmarkPerson& out);
NexmarkExtraDraw generate_nexmark_auction_but_extra(const NexmarkConfig& config, int64_t event_number,
                                                    NexmarkAuction& out);
NexmarkExtraDraw generate_nexmark_bid_but_extra(const NexmarkConfig& config, int64_t event_number, NexmarkBid& out);

// Event number k, whatever its kind.
NexmarkEvent generate_nexmark_event(const NexmarkConfig& config, int64_t event_number);

}  // namespace weir
