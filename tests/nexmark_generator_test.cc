// The Nexmark generator against the test vectors of docs/nexmark.md §11
// (computed with a Java transcription of Beam's generator on OpenJDK 17):
// java.util.Random, single events field by field (Beam bid shape and the Flink
// channel variant), aggregates over the first million events; then the
// determinism of the columnar path and of the CSV dump.
#include <gtest/gtest.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "ingest/java_random.h"
#include "ingest/nexmark_batches.h"
#include "ingest/nexmark_channel_urls.h"
#include "ingest/nexmark_config.h"
#include "ingest/nexmark_csv_dump.h"
#include "ingest/nexmark_generator.h"
#include "runtime/timestamp.h"
#include "tests/column_cells.h"
#include "tests/test_directory.h"

namespace weir {
namespace {

constexpr int64_t kBase = NexmarkConfig::kDefaultBaseTimeMillis;

NexmarkConfig beam_config() {
  NexmarkConfig config;
  config.bid_shape = NexmarkBidShape::Beam;
  return config;
}

NexmarkPerson person(const NexmarkConfig& config, int64_t number) {
  NexmarkPerson out;
  generate_nexmark_person(config, number, out);
  return out;
}
NexmarkAuction auction(const NexmarkConfig& config, int64_t number) {
  NexmarkAuction out;
  generate_nexmark_auction(config, number, out);
  return out;
}
NexmarkBid bid(const NexmarkConfig& config, int64_t number) {
  NexmarkBid out;
  generate_nexmark_bid(config, number, out);
  return out;
}

TEST(JavaRandomTest, MatchesTheJdk) {
  JavaRandom zero(0);
  EXPECT_EQ(zero.next_int(), -1155484576);
  EXPECT_EQ(zero.next_int(10), 8);
  EXPECT_EQ(zero.next_double(), 0.24053641567148587);
  EXPECT_EQ(zero.next_long(), -6688467811848818630);

  JavaRandom answer(42);
  EXPECT_EQ(answer.next_int(), -1170105035);
  EXPECT_EQ(answer.next_int(13), 7);
  EXPECT_EQ(answer.next_int(16), 10);
  EXPECT_EQ(answer.next_double(), 0.047939305137387644);

  JavaRandom large(123456789);
  EXPECT_EQ(large.next_int(1000), 965);
  EXPECT_EQ(large.next_int(1000), 600);
  EXPECT_EQ(large.next_int(), 1962592967);
}

TEST(JavaRandomTest, NextIntOfOneStillDrawsAndSeedsUseLow48Bits) {
  JavaRandom a(7);
  JavaRandom b(7);
  EXPECT_EQ(a.next_int(1), 0);
  b.next(31);
  EXPECT_EQ(a.state(), b.state());
  EXPECT_EQ(JavaRandom(5).state(), JavaRandom(5 + (int64_t{1} << 48)).state());
}

TEST(JavaRandomTest, BoundedDrawsStayInRangeWithRejection) {
  // A bound just above 2^30 rejects about half of the draws: the loop runs.
  JavaRandom random(99);
  const int32_t bound = (1 << 30) + 1;
  for (int i = 0; i < 1000; ++i) {
    const int32_t value = random.next_int(bound);
    ASSERT_GE(value, 0);
    ASSERT_LT(value, bound);
  }
}

TEST(NexmarkConfigTest, IdArithmetic) {
  const NexmarkConfig config;
  EXPECT_EQ(nexmark_event_kind(config, 0), NexmarkEventKind::Person);
  EXPECT_EQ(nexmark_event_kind(config, 1), NexmarkEventKind::Auction);
  EXPECT_EQ(nexmark_event_kind(config, 3), NexmarkEventKind::Auction);
  EXPECT_EQ(nexmark_event_kind(config, 4), NexmarkEventKind::Bid);
  EXPECT_EQ(nexmark_event_kind(config, 49), NexmarkEventKind::Bid);
  EXPECT_EQ(nexmark_event_kind(config, 50), NexmarkEventKind::Person);
  EXPECT_EQ(nexmark_last_base0_person_id(config, 0), 0);
  EXPECT_EQ(nexmark_last_base0_person_id(config, 49), 0);
  EXPECT_EQ(nexmark_last_base0_person_id(config, 50), 1);
  EXPECT_EQ(nexmark_last_base0_auction_id(config, 0), -1);
  EXPECT_EQ(nexmark_last_base0_auction_id(config, 1), 0);
  EXPECT_EQ(nexmark_last_base0_auction_id(config, 3), 2);
  EXPECT_EQ(nexmark_last_base0_auction_id(config, 4), 2);
  EXPECT_EQ(nexmark_last_base0_auction_id(config, 50), 2);
  EXPECT_EQ(nexmark_last_base0_auction_id(config, 51), 3);
}

TEST(NexmarkConfigTest, EventTimes) {
  NexmarkConfig config;
  EXPECT_EQ(nexmark_event_timestamp(config, 0), kBase);
  EXPECT_EQ(nexmark_event_timestamp(config, 9), kBase);
  EXPECT_EQ(nexmark_event_timestamp(config, 10), kBase + 1);
  EXPECT_EQ(nexmark_event_timestamp(config, 123456789), 1436930745678);
  // 10 M events/s: Beam's integer delay would be 0; the double delay advances.
  config.events_per_second = 10'000'000;
  EXPECT_EQ(nexmark_event_timestamp(config, 9'999), kBase);
  EXPECT_EQ(nexmark_event_timestamp(config, 10'000), kBase + 1);
  EXPECT_EQ(nexmark_event_timestamp(config, 25'000'000), kBase + 2500);
}

TEST(NexmarkConfigTest, OutOfOrderGroupsPermuteWithinAGroup) {
  NexmarkConfig config;
  config.out_of_order_group_size = 3;
  const std::vector<int64_t> expected = {0, 2, 1, 3, 5, 4, 6, 8, 7};
  for (int64_t k = 0; k < 9; ++k) EXPECT_EQ(nexmark_event_id(config, k), expected[k]) << k;
  EXPECT_EQ(nexmark_watermark_for_event(config, 5), nexmark_timestamp_for_adjusted_number(config, 3));
  // The content of number 1 is the event with id 2.
  NexmarkConfig in_order = beam_config();
  config.bid_shape = NexmarkBidShape::Beam;
  EXPECT_EQ(auction(config, 1), auction(in_order, 2));
}

TEST(NexmarkConfigTest, ValidateRejectsBadValues) {
  NexmarkConfig config;
  EXPECT_NO_THROW(config.validate());
  config.events_per_second = 0;
  EXPECT_THROW(config.validate(), ConfigError);
  config = NexmarkConfig();
  config.out_of_order_group_size = 0;
  EXPECT_THROW(config.validate(), ConfigError);
  config = NexmarkConfig();
  config.hot_bidders_ratio = 0;
  EXPECT_THROW(config.validate(), ConfigError);
}

TEST(NexmarkGeneratorTest, PersonsMatchTheVectors) {
  const NexmarkConfig config = beam_config();
  const NexmarkPerson p0 = person(config, 0);
  EXPECT_EQ(p0.id, 1000);
  EXPECT_EQ(p0.name, "Peter Jones");
  EXPECT_EQ(p0.email_address, "nhd@xcat.com");
  EXPECT_EQ(p0.credit_card, "7241 7320 9143 4888");
  EXPECT_EQ(p0.city, "Portland");
  EXPECT_EQ(p0.state, "WY");
  EXPECT_EQ(p0.date_time, kBase);
  EXPECT_EQ(p0.extra.size(), 156u);
  EXPECT_EQ(p0.extra.substr(0, 10), "WN_HS_bnpk");
  EXPECT_EQ(p0.extra.substr(0, 21), "WN_HS_bnpkkiwhwana_L^");
  EXPECT_EQ(p0.extra.substr(0, 24), "WN_HS_bnpkkiwhwana_L^`KZ");

  const NexmarkPerson p50 = person(config, 50);
  EXPECT_EQ(p50.id, 1001);
  EXPECT_EQ(p50.name, "Sarah Smith");
  EXPECT_EQ(p50.email_address, "f  y@yumv.com");
  EXPECT_EQ(p50.credit_card, "0892 2755 1923 0591");
  EXPECT_EQ(p50.city, "Los Angeles");
  EXPECT_EQ(p50.state, "ID");
  EXPECT_EQ(p50.date_time, 1436918400005);
  EXPECT_EQ(p50.extra.size(), 153u);

  const NexmarkPerson p = person(config, 100000);
  EXPECT_EQ(p.id, 3000);
  EXPECT_EQ(p.name, "Luke Shultz");
  EXPECT_EQ(p.email_address, "xxaeen@q sp.com");
  EXPECT_EQ(p.credit_card, "5463 9375 6338 6469");
  EXPECT_EQ(p.city, "Boise");
  EXPECT_EQ(p.state, "WA");
  EXPECT_EQ(p.date_time, 1436918410000);
  EXPECT_EQ(p.extra.size(), 148u);
}

TEST(NexmarkGeneratorTest, AuctionsMatchTheVectors) {
  const NexmarkConfig config = beam_config();
  const NexmarkAuction a1 = auction(config, 1);
  EXPECT_EQ(a1.id, 1000);
  EXPECT_EQ(a1.item_name, "wkx mgee");
  EXPECT_EQ(a1.description, "eszpqxtdxrvwmmywkmogoahf");
  EXPECT_EQ(a1.initial_bid, 28873);
  EXPECT_EQ(a1.reserve, 29448);
  EXPECT_EQ(a1.date_time, kBase);
  EXPECT_EQ(a1.expires, 1436918400011);
  EXPECT_EQ(a1.seller, 1000);
  EXPECT_EQ(a1.category, 13);
  EXPECT_EQ(a1.extra.size(), 346u);
  EXPECT_EQ(a1.extra.substr(0, 24), "zcurskufssowmihzpmZHWQM^");

  const NexmarkAuction a2 = auction(config, 2);
  EXPECT_EQ(a2.id, 1001);
  EXPECT_EQ(a2.item_name, "z ck w");
  EXPECT_EQ(a2.description.size(), 89u);
  EXPECT_EQ(a2.description.substr(0, 24), "cwlachrnkfzkygsu edjytot");
  EXPECT_EQ(a2.initial_bid, 25626290);
  EXPECT_EQ(a2.reserve, 28805847);
  EXPECT_EQ(a2.date_time, kBase);
  EXPECT_EQ(a2.expires, 1436918400202);
  EXPECT_EQ(a2.seller, 1000);
  EXPECT_EQ(a2.category, 12);
  EXPECT_EQ(a2.extra.size(), 319u);

  const NexmarkAuction a3 = auction(config, 3);
  EXPECT_EQ(a3.id, 1002);
  EXPECT_EQ(a3.item_name, "gxycmhtobprpd");
  EXPECT_EQ(a3.description.size(), 54u);
  EXPECT_EQ(a3.initial_bid, 267);
  EXPECT_EQ(a3.reserve, 422398);
  EXPECT_EQ(a3.expires, 1436918400001);
  EXPECT_EQ(a3.seller, 1000);
  EXPECT_EQ(a3.category, 10);
  EXPECT_EQ(a3.extra.size(), 407u);
  EXPECT_EQ(a3.extra.substr(0, 24), "JKSLMTmulfbwHKXUXSztthwg");

  const NexmarkAuction a51 = auction(config, 51);
  EXPECT_EQ(a51.id, 1003);
  EXPECT_EQ(a51.item_name, "ap yurxvft");
  EXPECT_EQ(a51.initial_bid, 5037490);
  EXPECT_EQ(a51.reserve, 5980861);
  EXPECT_EQ(a51.expires, 1436918400008);
  EXPECT_EQ(a51.seller, 1000);
  EXPECT_EQ(a51.category, 11);

  const NexmarkAuction a = auction(config, 100001);
  EXPECT_EQ(a.id, 7000);
  EXPECT_EQ(a.item_name, "rlylkc");
  EXPECT_EQ(a.description, "vuxdxqvynibfosx ktht");
  EXPECT_EQ(a.initial_bid, 34626246);
  EXPECT_EQ(a.reserve, 47561063);
  EXPECT_EQ(a.date_time, 1436918410000);
  EXPECT_EQ(a.expires, 1436918410105);
  EXPECT_EQ(a.seller, 3000);
  EXPECT_EQ(a.category, 13);
  EXPECT_EQ(a.extra.size(), 411u);
}

TEST(NexmarkGeneratorTest, BeamBidsMatchTheVectors) {
  const NexmarkConfig config = beam_config();
  struct Expected {
    int64_t number, auction, bidder, price, date_time;
    size_t extra;
  };
  const std::vector<Expected> bids = {
      {4, 1000, 1001, 32530001, kBase, 77},
      {5, 1000, 1009, 468715, kBase, 75},
      {49, 1000, 1001, 545, 1436918400004, 66},
      {100004, 7000, 3001, 39013, 1436918410000, 60},
      {123456789, 7408400, 2470101, 55171, 1436930745678, 72},
  };
  for (const Expected& expected : bids) {
    SCOPED_TRACE(expected.number);
    const NexmarkBid b = bid(config, expected.number);
    EXPECT_EQ(b.auction, expected.auction);
    EXPECT_EQ(b.bidder, expected.bidder);
    EXPECT_EQ(b.price, expected.price);
    EXPECT_EQ(b.date_time, expected.date_time);
    EXPECT_EQ(b.extra.size(), expected.extra);
    EXPECT_EQ(b.channel, "");
    EXPECT_EQ(b.url, "");
  }
  EXPECT_EQ(bid(config, 4).extra.substr(0, 24), "fdiysaV^]NLVsbolvyqwgtic");
}

TEST(NexmarkGeneratorTest, FlinkBidsDrawTheChannelAfterThePrice) {
  const NexmarkConfig config;  // Flink shape is the default
  const NexmarkConfig beam = beam_config();
  struct Expected {
    int64_t number;
    std::string channel;
    size_t extra;
  };
  const std::vector<Expected> bids = {
      {4, "Google", 57},       {5, "Facebook", 73},      {49, "channel-4763", 71},
      {54, "Facebook", 61},    {100004, "Apple", 56},    {123456789, "channel-7554", 75},
  };
  const NexmarkChannelTable& table = nexmark_channel_table();
  for (const Expected& expected : bids) {
    SCOPED_TRACE(expected.number);
    const NexmarkBid b = bid(config, expected.number);
    const NexmarkBid reference = bid(beam, expected.number);
    // The draws before the channel are the Beam ones; the bidder has no double 1000.
    EXPECT_EQ(b.auction, reference.auction);
    EXPECT_EQ(b.bidder, reference.bidder);
    EXPECT_EQ(b.price, reference.price);
    EXPECT_EQ(b.date_time, reference.date_time);
    EXPECT_EQ(b.channel, expected.channel);
    EXPECT_EQ(b.extra.size(), expected.extra);
    EXPECT_TRUE(b.url.starts_with("https://www.nexmark.com/")) << b.url;
    EXPECT_NE(b.url.find("/item.htm?query=1"), std::string::npos) << b.url;
    if (b.channel.starts_with("channel-")) {
      EXPECT_EQ(b.url, table.urls[std::stoi(std::string(b.channel.substr(8)))]);
    }
  }
  EXPECT_EQ(bid(config, 4).url, table.hot_urls[0]);
  EXPECT_EQ(bid(config, 100004).url, table.hot_urls[3]);
}

TEST(NexmarkChannelTest, FlinkChannelIds) {
  EXPECT_EQ(nexmark_flink_channel_id(0), 0);
  EXPECT_EQ(nexmark_flink_channel_id(1), -2147483648);
  EXPECT_EQ(nexmark_flink_channel_id(2), 1073741824);
  EXPECT_EQ(nexmark_flink_channel_id(1235), 887095296);
  EXPECT_EQ(nexmark_flink_channel_id(4763), 649592832);
  EXPECT_EQ(nexmark_flink_channel_id(7554), 1102577664);
}

TEST(NexmarkChannelTest, TheUrlTableIsAFixedFunctionOfItsSeed) {
  const NexmarkChannelTable& table = nexmark_channel_table();
  ASSERT_EQ(table.names.size(), 10000u);
  ASSERT_EQ(table.urls.size(), 10000u);
  EXPECT_EQ(table.names[0], "channel-0");
  EXPECT_EQ(table.names[9999], "channel-9999");
  // Pinned: the scheme is part of Weir's output (docs/nexmark.md, Weir's generator).
  EXPECT_EQ(table.hot_urls[0], "https://www.nexmark.com/izv/xmxz/pnwo/item.htm?query=1");
  EXPECT_EQ(table.urls[4763], "https://www.nexmark.com/lky/_xh/xrf/item.htm?query=1&channel_id=649592832");
  size_t with_id = 0;
  for (int32_t c = 0; c < kNexmarkChannelCount; ++c) {
    const std::string_view url = table.urls[c];
    ASSERT_TRUE(url.starts_with("https://www.nexmark.com/")) << url;
    if (url.find("&channel_id=") != std::string_view::npos) {
      ++with_id;
      ASSERT_TRUE(url.ends_with("&channel_id=" + std::to_string(nexmark_flink_channel_id(c)))) << url;
    }
  }
  // nextInt(10) > 0: about 9 in 10.
  EXPECT_GT(with_id, 8800u);
  EXPECT_LT(with_id, 9200u);
}

// The strongest check: aggregates over event ids 0..999,999 (Beam shape),
// computed through the columnar path.
TEST(NexmarkGeneratorTest, AggregatesOverTheFirstMillionEvents) {
  const NexmarkConfig config = beam_config();
  NexmarkBatches batches;
  append_nexmark_events(config, 0, 1'000'000, batches);
  ASSERT_EQ(batches.person.num_rows(), 20000u);
  ASSERT_EQ(batches.auction.num_rows(), 60000u);
  ASSERT_EQ(batches.bid.num_rows(), 920000u);

  int64_t price = 0, auction_sum = 0, bidder = 0, extra = 0;
  const Batch& bids = batches.bid;
  for (size_t row = 0; row < bids.num_rows(); ++row) {
    auction_sum += bids.column(0).int64_data()[row];
    bidder += bids.column(1).int64_data()[row];
    price += bids.column(2).int64_data()[row];
    extra += static_cast<int64_t>(bids.column(6).string_at(row).size());
  }
  EXPECT_EQ(price, 6659865839701);
  EXPECT_EQ(auction_sum, 28477004074);
  EXPECT_EQ(bidder, 9975213650);
  EXPECT_EQ(extra, 62095010);

  int64_t seller = 0, category = 0, duration = 0, reserve = 0;
  const Batch& auctions = batches.auction;
  for (size_t row = 0; row < auctions.num_rows(); ++row) {
    reserve += auctions.column(4).int64_data()[row];
    duration += auctions.column(6).int64_data()[row] - auctions.column(5).int64_data()[row];
    seller += auctions.column(7).int64_data()[row];
    category += auctions.column(8).int64_data()[row];
  }
  EXPECT_EQ(seller, 650505402);
  EXPECT_EQ(category, 720077);
  EXPECT_EQ(duration, 10022075);
  EXPECT_EQ(reserve, 857978436688);

  // Ids are dense.
  for (size_t row = 0; row < auctions.num_rows(); ++row) {
    ASSERT_EQ(auctions.column(0).int64_data()[row], 1000 + static_cast<int64_t>(row));
  }
  for (size_t row = 0; row < batches.person.num_rows(); ++row) {
    ASSERT_EQ(batches.person.column(0).int64_data()[row], 1000 + static_cast<int64_t>(row));
  }
}

// Every cell of two batches, compared as text.
void expect_same_batch(const Batch& left, const Batch& right) {
  ASSERT_EQ(left.schema(), right.schema());
  ASSERT_EQ(left.num_rows(), right.num_rows());
  std::string left_text, right_text;
  append_nexmark_csv_rows(left, left_text);
  append_nexmark_csv_rows(right, right_text);
  EXPECT_EQ(left_text, right_text);
}

TEST(NexmarkBatchesTest, SchemasAreTheFlinkViews) {
  const NexmarkBatches batches;
  std::string header;
  append_nexmark_csv_header(batches.person.schema(), header);
  append_nexmark_csv_header(batches.auction.schema(), header);
  append_nexmark_csv_header(batches.bid.schema(), header);
  EXPECT_EQ(header,
            "id,name,emailAddress,creditCard,city,state,dateTime,extra\n"
            "id,itemName,description,initialBid,reserve,dateTime,expires,seller,category,extra\n"
            "auction,bidder,price,channel,url,dateTime,extra\n");
  EXPECT_EQ(batches.person.schema().field(6).type, DataType::Timestamp);
  EXPECT_EQ(batches.auction.schema().field(6).type, DataType::Timestamp);
  EXPECT_EQ(batches.bid.schema().field(4).type, DataType::String);
}

TEST(NexmarkBatchesTest, ARangeEqualsTheConcatenationOfItsSubRanges) {
  for (const NexmarkConfig& config : {NexmarkConfig(), beam_config()}) {
    NexmarkBatches whole;
    append_nexmark_events(config, 0, 5000, whole);
    NexmarkBatches pieces;
    for (const auto& [begin, end] : std::vector<std::pair<int64_t, int64_t>>{
             {0, 1}, {1, 49}, {49, 1234}, {1234, 1234}, {1234, 3001}, {3001, 5000}}) {
      append_nexmark_events(config, begin, end, pieces);
    }
    expect_same_batch(whole.person, pieces.person);
    expect_same_batch(whole.auction, pieces.auction);
    expect_same_batch(whole.bid, pieces.bid);
  }
}

TEST(NexmarkBatchesTest, StringColumnsLeftOutAreNullAndTheOthersUnchanged) {
  for (const NexmarkConfig& config : {NexmarkConfig(), beam_config()}) {
    NexmarkBatches whole;
    append_nexmark_events(config, 0, 3000, whole);
    JavaRandom random(7);
    for (int round = 0; round < 8; ++round) {
      NexmarkStoredColumns stored;
      for (uint64_t& mask : stored.of_kind) mask = static_cast<uint64_t>(random.next_int(1 << 10));
      if (round == 0) stored.of_kind = {0, 0, 0};
      // In two ranges: the NULLs of the left-out columns line up with the rows.
      NexmarkBatches partial;
      append_nexmark_events(config, 0, 1234, partial, stored);
      append_nexmark_events(config, 1234, 3000, partial, stored);
      const std::array<const Batch*, 3> full = {&whole.person, &whole.auction, &whole.bid};
      const std::array<const Batch*, 3> part = {&partial.person, &partial.auction, &partial.bid};
      for (size_t kind = 0; kind < 3; ++kind) {
        ASSERT_EQ(part[kind]->num_rows(), full[kind]->num_rows());
        ASSERT_GT(full[kind]->num_rows(), 0u);
        for (size_t c = 0; c < full[kind]->num_columns(); ++c) {
          const bool left_out = full[kind]->schema().field(c).type == DataType::String &&
                                !stored.stores(static_cast<NexmarkEventKind>(kind), c);
          EXPECT_EQ(part[kind]->column(c).size(), full[kind]->num_rows());
          if (left_out) {
            EXPECT_EQ(testing::column_cells(part[kind]->column(c)),
                      testing::Cells(full[kind]->num_rows(), testing::Cell()))
                << "kind " << kind << " column " << c;
          } else {
            EXPECT_EQ(testing::column_cells(part[kind]->column(c)), testing::column_cells(full[kind]->column(c)))
                << "kind " << kind << " column " << c;
          }
        }
      }
    }
  }
}

TEST(NexmarkBatchesTest, RowsEqualTheEventStructs) {
  const NexmarkConfig config;
  NexmarkBatches batches;
  append_nexmark_events(config, 100, 160, batches);
  const NexmarkPerson p = person(config, 100);
  EXPECT_EQ(batches.person.column(0).int64_data()[0], p.id);
  EXPECT_EQ(batches.person.column(2).string_at(0), p.email_address);
  EXPECT_EQ(batches.person.column(7).string_at(0), p.extra);
  const NexmarkAuction a = auction(config, 101);
  EXPECT_EQ(batches.auction.column(2).string_at(0), a.description);
  EXPECT_EQ(batches.auction.column(6).int64_data()[0], a.expires);
  const NexmarkBid b = bid(config, 104);
  EXPECT_EQ(batches.bid.column(3).string_at(0), b.channel);
  EXPECT_EQ(batches.bid.column(4).string_at(0), b.url);
  EXPECT_EQ(batches.bid.column(6).string_at(0), b.extra);
}

TEST(NexmarkCsvTest, TimestampsInTheSqlForm) {
  std::string text;
  format_timestamp_sql(1436918410105, text);
  EXPECT_EQ(text, "2015-07-15 00:00:10.105");
  EXPECT_EQ(parse_timestamp(text), 1436918410105);
}

std::vector<std::string> directory_entries(const std::filesystem::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(NexmarkCsvTest, TheDumpIsTheSameForOneAndTwoThreads) {
  testing::TestDirectory directory;
  const NexmarkConfig config;
  const int64_t events = 100'003;  // several chunks and a partial one
  NexmarkDumpCounts one, two;
  tbb::task_arena(1).execute([&] { one = dump_nexmark_csv(config, events, directory.file("one")); });
  tbb::task_arena(2).execute([&] { two = dump_nexmark_csv(config, events, directory.file("two")); });
  EXPECT_EQ(one.persons, 2001u);
  EXPECT_EQ(one.auctions, 6002u);
  EXPECT_EQ(one.bids, 92000u);
  EXPECT_EQ(two.persons, one.persons);
  EXPECT_EQ(two.bids, one.bids);
  const std::vector<std::string> expected = {"auction.csv", "bid.csv", "person.csv"};
  EXPECT_EQ(directory_entries(directory.path() / "one"), expected);
  EXPECT_EQ(directory_entries(directory.path() / "two"), expected);
  for (const std::string& name : expected) {
    SCOPED_TRACE(name);
    const std::string first = testing::read_file_text(directory.file("one/" + name));
    const std::string second = testing::read_file_text(directory.file("two/" + name));
    EXPECT_FALSE(first.empty());
    EXPECT_TRUE(first == second);
  }
  // The columnar path and the dump agree.
  NexmarkBatches batches;
  append_nexmark_events(config, 0, events, batches);
  std::string bids;
  append_nexmark_csv_header(batches.bid.schema(), bids);
  append_nexmark_csv_rows(batches.bid, bids);
  EXPECT_TRUE(bids == testing::read_file_text(directory.file("one/bid.csv")));
  const std::string persons = testing::read_file_text(directory.file("one/person.csv"));
  EXPECT_TRUE(persons.starts_with(
      "id,name,emailAddress,creditCard,city,state,dateTime,extra\n"
      "1000,Peter Jones,nhd@xcat.com,7241 7320 9143 4888,Portland,WY,2015-07-15 00:00:00.000,WN_HS_bnpk"))
      << persons.substr(0, 200);
}

}  // namespace
}  // namespace weir
