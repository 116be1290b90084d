#include "ingest/nexmark_generator.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "ingest/java_random.h"
#include "ingest/nexmark_channel_urls.h"
#include "ingest/nexmark_strings.h"
#include "runtime/errors.h"

namespace weir {

namespace {

// PersonGenerator's word lists, in index order (docs/nexmark.md §1.3).
constexpr std::array<std::string_view, 6> kUsStates = {"AZ", "CA", "ID", "OR", "WA", "WY"};
constexpr std::array<std::string_view, 10> kUsCities = {"Phoenix", "Los Angeles", "San Francisco", "Boise",
                                                        "Portland", "Bend",    "Redmond",     "Seattle",
                                                        "Kent",     "Cheyenne"};
constexpr std::array<std::string_view, 11> kFirstNames = {"Peter", "Paul",  "Luke",  "John",   "Saul",  "Vicky",
                                                          "Kate",  "Julie", "Sarah", "Deiter", "Walter"};
constexpr std::array<std::string_view, 9> kLastNames = {"Shultz", "Abrams", "Spencer", "White", "Bartels",
                                                        "Walton", "Smith",  "Jones",   "Noris"};

// Bytes a numeric or timestamp field counts for in the extra sizing (§6.3).
constexpr int64_t kFixedFieldSize = 8;

template <size_t N>
std::string_view pick(const std::array<std::string_view, N>& list, JavaRandom& random) {
  return list[static_cast<size_t>(random.next_int(static_cast<int32_t>(N)))];
}

// PersonGenerator.nextBase0PersonId: a recent person, up to 10 ahead.
int64_t next_base0_person_id(const NexmarkConfig& config, int64_t event_id, JavaRandom& random) {
  const int64_t people = nexmark_last_base0_person_id(config, event_id) + 1;
  const int64_t active = std::min(people, config.num_active_people);
  const int64_t n = next_nexmark_long(random, active + NexmarkConfig::kPersonIdLead);
  return people - active + n;
}

// AuctionGenerator.nextBase0AuctionId: an auction in flight, up to 10 ahead.
int64_t next_base0_auction_id(const NexmarkConfig& config, int64_t event_id, JavaRandom& random) {
  const int64_t max_auction = nexmark_last_base0_auction_id(config, event_id);
  const int64_t min_auction = std::max<int64_t>(max_auction - config.num_in_flight_auctions, 0);
  return min_auction +
         next_nexmark_long(random, max_auction - min_auction + 1 + NexmarkConfig::kAuctionIdLead);
}

// AuctionGenerator.nextAuctionLengthMs: 1 + nextLong(2 * horizon), the
// horizon being the event time until numInFlightAuctions more auctions.
int64_t next_auction_length_ms(const NexmarkConfig& config, int64_t adjusted_number, int64_t timestamp,
                               JavaRandom& random) {
  const int64_t events_for_auctions =
      (config.num_in_flight_auctions * config.total_proportion()) / config.auction_proportion;
  const int64_t future_auction = nexmark_timestamp_for_adjusted_number(config, adjusted_number + events_for_auctions);
  const int64_t horizon_ms = future_auction - timestamp;
  return 1 + next_nexmark_long(random, std::max<int64_t>(horizon_ms * 2, 1));
}

void append_four_digits(int32_t value, std::string& out) {
  const char digits[4] = {static_cast<char>('0' + value / 1000), static_cast<char>('0' + value / 100 % 10),
                          static_cast<char>('0' + value / 10 % 10), static_cast<char>('0' + value % 10)};
  out.append(digits, 4);
}

void check_kind(const NexmarkConfig& config, int64_t event_id, NexmarkEventKind kind) {
  if (nexmark_event_kind(config, event_id) != kind) {
    throw InternalError("nexmark: event id " + std::to_string(event_id) + " is not of the requested kind");
  }
}

}  // namespace

NexmarkExtraDraw generate_nexmark_person_but_extra(const NexmarkConfig& config, int64_t event_number,
                                                   NexmarkPerson& out) {
  const int64_t adjusted = nexmark_adjusted_event_number(config, event_number);
  const int64_t event_id = adjusted;
  check_kind(config, event_id, NexmarkEventKind::Person);
  JavaRandom random(event_id);
  out.id = nexmark_last_base0_person_id(config, event_id) + NexmarkConfig::kFirstPersonId;
  out.name.clear();
  out.name += pick(kFirstNames, random);
  out.name += ' ';
  out.name += pick(kLastNames, random);
  out.email_address.clear();
  append_nexmark_string(random, 7, out.email_address);
  out.email_address += '@';
  append_nexmark_string(random, 5, out.email_address);
  out.email_address += ".com";
  out.credit_card.clear();
  for (int part = 0; part < 4; ++part) {
    if (part > 0) out.credit_card += ' ';
    append_four_digits(random.next_int(10000), out.credit_card);
  }
  out.city.assign(pick(kUsCities, random));
  out.state.assign(pick(kUsStates, random));
  out.date_time = nexmark_timestamp_for_adjusted_number(config, adjusted);
  const auto current_size = static_cast<int64_t>(kFixedFieldSize + out.name.size() + out.email_address.size() +
                                                 out.credit_card.size() + out.city.size() + out.state.size());
  const int32_t length = draw_nexmark_extra_length(random, current_size, config.avg_person_byte_size);
  return {random, length};
}

NexmarkExtraDraw generate_nexmark_auction_but_extra(const NexmarkConfig& config, int64_t event_number,
                                                    NexmarkAuction& out) {
  const int64_t adjusted = nexmark_adjusted_event_number(config, event_number);
  const int64_t event_id = adjusted;
  check_kind(config, event_id, NexmarkEventKind::Auction);
  JavaRandom random(event_id);
  const int64_t timestamp = nexmark_timestamp_for_adjusted_number(config, adjusted);
  out.id = nexmark_last_base0_auction_id(config, event_id) + NexmarkConfig::kFirstAuctionId;
  int64_t seller = 0;
  if (random.next_int(config.hot_sellers_ratio) > 0) {
    seller = (nexmark_last_base0_person_id(config, event_id) / NexmarkConfig::kHotSellerBatch) *
             NexmarkConfig::kHotSellerBatch;
  } else {
    seller = next_base0_person_id(config, event_id, random);
  }
  out.seller = seller + NexmarkConfig::kFirstPersonId;
  out.category = NexmarkConfig::kFirstCategoryId + random.next_int(NexmarkConfig::kNumCategories);
  out.initial_bid = next_nexmark_price(random);
  out.date_time = timestamp;
  out.expires = timestamp + next_auction_length_ms(config, adjusted, timestamp, random);
  out.item_name.clear();
  append_nexmark_string(random, 20, out.item_name);
  out.description.clear();
  append_nexmark_string(random, 100, out.description);
  out.reserve = out.initial_bid + next_nexmark_price(random);
  const auto current_size =
      static_cast<int64_t>(kFixedFieldSize + out.item_name.size() + out.description.size() + 5 * kFixedFieldSize);
  const int32_t length = draw_nexmark_extra_length(random, current_size, config.avg_auction_byte_size);
  return {random, length};
}

NexmarkExtraDraw generate_nexmark_bid_but_extra(const NexmarkConfig& config, int64_t event_number, NexmarkBid& out) {
  const int64_t adjusted = nexmark_adjusted_event_number(config, event_number);
  const int64_t event_id = adjusted;
  check_kind(config, event_id, NexmarkEventKind::Bid);
  JavaRandom random(event_id);
  int64_t auction = 0;
  if (random.next_int(config.hot_auction_ratio) > 0) {
    auction = (nexmark_last_base0_auction_id(config, event_id) / NexmarkConfig::kHotAuctionBatch) *
              NexmarkConfig::kHotAuctionBatch;
  } else {
    auction = next_base0_auction_id(config, event_id, random);
  }
  out.auction = auction + NexmarkConfig::kFirstAuctionId;
  int64_t bidder = 0;
  if (random.next_int(config.hot_bidders_ratio) > 0) {
    bidder = (nexmark_last_base0_person_id(config, event_id) / NexmarkConfig::kHotBidderBatch) *
                 NexmarkConfig::kHotBidderBatch +
             1;
  } else {
    bidder = next_base0_person_id(config, event_id, random);
  }
  // Added once: Flink's channel variant adds it twice (issue nexmark#30); Weir does not.
  out.bidder = bidder + NexmarkConfig::kFirstPersonId;
  out.price = next_nexmark_price(random);
  out.channel = {};
  out.url = {};
  if (config.bid_shape == NexmarkBidShape::Flink) {
    const NexmarkChannelTable& channels = nexmark_channel_table();
    if (random.next_int(kNexmarkHotChannelsRatio) > 0) {
      const auto hot = static_cast<size_t>(random.next_int(static_cast<int32_t>(kNexmarkHotChannels.size())));
      out.channel = kNexmarkHotChannels[hot];
      out.url = channels.hot_urls[hot];
    } else {
      const auto channel = static_cast<size_t>(random.next_int(kNexmarkChannelCount));
      out.channel = channels.names[channel];
      out.url = channels.urls[channel];
    }
  }
  out.date_time = nexmark_timestamp_for_adjusted_number(config, adjusted);
  // The size counts 4 fixed fields only (channel and url are not counted, as in Flink).
  const int32_t length = draw_nexmark_extra_length(random, 4 * kFixedFieldSize, config.avg_bid_byte_size);
  return {random, length};
}

namespace {

template <typename Event>
void write_extra(NexmarkExtraDraw draw, Event& out) {
  out.extra.clear();
  append_nexmark_exact_string(draw.random, draw.length, out.extra);
}

}  // namespace

void generate_nexmark_person(const NexmarkConfig& config, int64_t event_number, NexmarkPerson& out) {
  write_extra(generate_nexmark_person_but_extra(config, event_number, out), out);
}

void generate_nexmark_auction(const NexmarkConfig& config, int64_t event_number, NexmarkAuction& out) {
  write_extra(generate_nexmark_auction_but_extra(config, event_number, out), out);
}

void generate_nexmark_bid(const NexmarkConfig& config, int64_t event_number, NexmarkBid& out) {
  write_extra(generate_nexmark_bid_but_extra(config, event_number, out), out);
}

NexmarkEvent generate_nexmark_event(const NexmarkConfig& config, int64_t event_number) {
  switch (nexmark_event_kind_of_number(config, event_number)) {
    case NexmarkEventKind::Person: {
      NexmarkPerson person;
      generate_nexmark_person(config, event_number, person);
      return person;
    }
    case NexmarkEventKind::Auction: {
      NexmarkAuction auction;
      generate_nexmark_auction(config, event_number, auction);
      return auction;
    }
    case NexmarkEventKind::Bid:
      break;
  }
  NexmarkBid bid;
  generate_nexmark_bid(config, event_number, bid);
  return bid;
}

}  // namespace weir
