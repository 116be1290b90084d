#include "ingest/nexmark_batches.h"

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/nexmark_generator.h"
#include "ingest/nexmark_strings.h"
#include "runtime/errors.h"

namespace weir {

namespace {

// Column positions, in the order of the schemas below.
enum PersonColumn : size_t { kPersonId, kPersonName, kPersonEmail, kPersonCard, kPersonCity, kPersonState,
                             kPersonDateTime, kPersonExtra };
enum AuctionColumn : size_t { kAuctionId, kAuctionItemName, kAuctionDescription, kAuctionInitialBid,
                              kAuctionReserve, kAuctionDateTime, kAuctionExpires, kAuctionSeller,
                              kAuctionCategory, kAuctionExtra };
enum BidColumn : size_t { kBidAuction, kBidBidder, kBidPrice, kBidChannel, kBidUrl, kBidDateTime, kBidExtra };

// Typical bytes per row of each string column with the default sizes (0 for
// fixed-width columns), to reserve the byte buffers once per range; an
// estimate only, the columns still grow when it is short.
constexpr std::array<size_t, 8> kPersonBytes = {0, 12, 13, 19, 8, 2, 0, 150};
constexpr std::array<size_t, 10> kAuctionBytes = {0, 11, 50, 0, 0, 0, 0, 0, 0, 400};
constexpr std::array<size_t, 7> kBidBytes = {0, 0, 0, 10, 60, 0, 70};

// The int64 columns of a batch, resized to `rows` more rows, and a cursor.
struct FixedColumns {
  std::vector<int64_t*> data;
  size_t next = 0;
};

FixedColumns grow_fixed_columns(Batch& batch, size_t added_rows) {
  FixedColumns fixed;
  fixed.next = batch.num_rows();
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    Column& column = batch.column(c);
    if (column.type() == DataType::String) {
      fixed.data.push_back(nullptr);
      continue;
    }
    column.resize_fixed(fixed.next + added_rows);
    fixed.data.push_back(column.int64_data());
  }
  return fixed;
}

template <size_t N>
void reserve_string_columns(Batch& batch, size_t added_rows, const std::array<size_t, N>& bytes_per_row,
                            uint64_t stored) {
  for (size_t c = 0; c < N; ++c) {
    Column& column = batch.column(c);
    if (column.type() != DataType::String) continue;
    const auto used = static_cast<size_t>(column.string_offsets()[column.size()]);
    const size_t bytes = ((stored >> c) & 1) != 0 ? added_rows * bytes_per_row[c] : 0;
    column.reserve(column.size() + added_rows, used + bytes);
  }
}

// The `extra` field, its chars written in place into the column.
void append_extra(NexmarkExtraDraw& draw, Column& column) {
  write_nexmark_exact_string(draw.random, draw.length,
                             column.append_string_uninitialized(static_cast<size_t>(draw.length)));
}

}  // namespace

std::shared_ptr<const Schema> nexmark_person_schema() {
  static const auto* const schema = new std::shared_ptr<const Schema>(std::make_shared<const Schema>(std::vector<Field>{
      {"id", DataType::Int64},
      {"name", DataType::String},
      {"emailAddress", DataType::String},
      {"creditCard", DataType::String},
      {"city", DataType::String},
      {"state", DataType::String},
      {"dateTime", DataType::Timestamp},
      {"extra", DataType::String},
  }));
  return *schema;  // never destroyed: workers may outlive static destruction
}

std::shared_ptr<const Schema> nexmark_auction_schema() {
  static const auto* const schema = new std::shared_ptr<const Schema>(std::make_shared<const Schema>(std::vector<Field>{
      {"id", DataType::Int64},
      {"itemName", DataType::String},
      {"description", DataType::String},
      {"initialBid", DataType::Int64},
      {"reserve", DataType::Int64},
      {"dateTime", DataType::Timestamp},
      {"expires", DataType::Timestamp},
      {"seller", DataType::Int64},
      {"category", DataType::Int64},
      {"extra", DataType::String},
  }));
  return *schema;  // never destroyed: workers may outlive static destruction
}

std::shared_ptr<const Schema> nexmark_bid_schema() {
  static const auto* const schema = new std::shared_ptr<const Schema>(std::make_shared<const Schema>(std::vector<Field>{
      {"auction", DataType::Int64},
      {"bidder", DataType::Int64},
      {"price", DataType::Int64},
      {"channel", DataType::String},
      {"url", DataType::String},
      {"dateTime", DataType::Timestamp},
      {"extra", DataType::String},
  }));
  return *schema;  // never destroyed: workers may outlive static destruction
}

NexmarkBatches::NexmarkBatches()
    : person(nexmark_person_schema()), auction(nexmark_auction_schema()), bid(nexmark_bid_schema()) {}

void NexmarkBatches::clear() {
  person.clear();
  auction.clear();
  bid.clear();
}

void append_nexmark_events(const NexmarkConfig& config, int64_t begin, int64_t end, NexmarkBatches& out,
                           const NexmarkStoredColumns& stored) {
  WEIR_CHECK(0 <= begin && begin <= end);
  std::array<size_t, 3> counts = {0, 0, 0};
  for (int64_t number = begin; number < end; ++number) {
    ++counts[static_cast<size_t>(nexmark_event_kind_of_number(config, number))];
  }
  const size_t old_persons = out.person.num_rows();
  const size_t old_auctions = out.auction.num_rows();
  const size_t old_bids = out.bid.num_rows();
  FixedColumns persons = grow_fixed_columns(out.person, counts[0]);
  FixedColumns auctions = grow_fixed_columns(out.auction, counts[1]);
  FixedColumns bids = grow_fixed_columns(out.bid, counts[2]);
  reserve_string_columns(out.person, counts[0], kPersonBytes, stored.of_kind[0]);
  reserve_string_columns(out.auction, counts[1], kAuctionBytes, stored.of_kind[1]);
  reserve_string_columns(out.bid, counts[2], kBidBytes, stored.of_kind[2]);

  // Per kind, the string column each event's value goes to, or nullptr when
  // that column is left out.
  auto target = [&](NexmarkEventKind kind, Batch& batch, size_t column) -> Column* {
    return stored.stores(kind, column) ? &batch.column(column) : nullptr;
  };
  Column* const person_name = target(NexmarkEventKind::Person, out.person, kPersonName);
  Column* const person_email = target(NexmarkEventKind::Person, out.person, kPersonEmail);
  Column* const person_card = target(NexmarkEventKind::Person, out.person, kPersonCard);
  Column* const person_city = target(NexmarkEventKind::Person, out.person, kPersonCity);
  Column* const person_state = target(NexmarkEventKind::Person, out.person, kPersonState);
  Column* const person_extra = target(NexmarkEventKind::Person, out.person, kPersonExtra);
  Column* const item_name = target(NexmarkEventKind::Auction, out.auction, kAuctionItemName);
  Column* const description = target(NexmarkEventKind::Auction, out.auction, kAuctionDescription);
  Column* const auction_extra = target(NexmarkEventKind::Auction, out.auction, kAuctionExtra);
  Column* const channel = target(NexmarkEventKind::Bid, out.bid, kBidChannel);
  Column* const url = target(NexmarkEventKind::Bid, out.bid, kBidUrl);
  Column* const bid_extra = target(NexmarkEventKind::Bid, out.bid, kBidExtra);
  // An `extra` left out is still drawn, into this scratch.
  std::string unstored_extra;
  auto write_extra = [&unstored_extra](NexmarkExtraDraw& draw, Column* column) {
    if (column != nullptr) {
      append_extra(draw, *column);
      return;
    }
    unstored_extra.resize(static_cast<size_t>(draw.length));
    write_nexmark_exact_string(draw.random, draw.length, unstored_extra.data());
  };
  auto append = [](Column* column, std::string_view value) {
    if (column != nullptr) column->append_string(value);
  };

  // One reusable event of each kind: their strings keep their capacity.
  NexmarkPerson person;
  NexmarkAuction auction;
  NexmarkBid bid;
  for (int64_t number = begin; number < end; ++number) {
    switch (nexmark_event_kind_of_number(config, number)) {
      case NexmarkEventKind::Person: {
        NexmarkExtraDraw draw = generate_nexmark_person_but_extra(config, number, person);
        const size_t row = persons.next++;
        persons.data[kPersonId][row] = person.id;
        persons.data[kPersonDateTime][row] = person.date_time;
        append(person_name, person.name);
        append(person_email, person.email_address);
        append(person_card, person.credit_card);
        append(person_city, person.city);
        append(person_state, person.state);
        write_extra(draw, person_extra);
        break;
      }
      case NexmarkEventKind::Auction: {
        NexmarkExtraDraw draw = generate_nexmark_auction_but_extra(config, number, auction);
        const size_t row = auctions.next++;
        auctions.data[kAuctionId][row] = auction.id;
        auctions.data[kAuctionInitialBid][row] = auction.initial_bid;
        auctions.data[kAuctionReserve][row] = auction.reserve;
        auctions.data[kAuctionDateTime][row] = auction.date_time;
        auctions.data[kAuctionExpires][row] = auction.expires;
        auctions.data[kAuctionSeller][row] = auction.seller;
        auctions.data[kAuctionCategory][row] = auction.category;
        append(item_name, auction.item_name);
        append(description, auction.description);
        write_extra(draw, auction_extra);
        break;
      }
      case NexmarkEventKind::Bid: {
        NexmarkExtraDraw draw = generate_nexmark_bid_but_extra(config, number, bid);
        const size_t row = bids.next++;
        bids.data[kBidAuction][row] = bid.auction;
        bids.data[kBidBidder][row] = bid.bidder;
        bids.data[kBidPrice][row] = bid.price;
        bids.data[kBidDateTime][row] = bid.date_time;
        append(channel, bid.channel);
        append(url, bid.url);
        write_extra(draw, bid_extra);
        break;
      }
    }
  }
  // The string columns left out hold NULLs for the rows appended.
  const std::array<Batch*, 3> batches = {&out.person, &out.auction, &out.bid};
  for (size_t kind = 0; kind < batches.size(); ++kind) {
    Batch& batch = *batches[kind];
    for (size_t c = 0; c < batch.num_columns(); ++c) {
      if (batch.column(c).type() == DataType::String && !stored.stores(static_cast<NexmarkEventKind>(kind), c)) {
        batch.column(c).append_nulls(counts[kind]);
      }
    }
  }
  out.person.set_num_rows(old_persons + counts[0]);
  out.auction.set_num_rows(old_auctions + counts[1]);
  out.bid.set_num_rows(old_bids + counts[2]);
}

}  // namespace weir
