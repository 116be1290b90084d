// The Nexmark source and the queries of cli/nexmark_queries.h: the source's
// stream equals the generator's batches of the whole range (any morsel size,
// any thread count), its row counts follow the 1:3:46 arithmetic, and every
// query gives the same file under available-now and processing-time triggers,
// 1 and 2 threads and different morsel sizes.
#include <gtest/gtest.h>

#include <memory>
#include <map>
#include <string>
#include <tuple>
#include <algorithm>
#include <vector>

#include "cli/nexmark_queries.h"
#include "ingest/csv_sink.h"
#include "ingest/memory_sink.h"
#include "ingest/nexmark_batches.h"
#include "ingest/nexmark_generator.h"
#include "ingest/nexmark_source.h"
#include "runtime/pipeline_builder.h"
#include "runtime/timestamp.h"
#include "tests/column_cells.h"
#include "tests/test_directory.h"

namespace weir {
namespace {

NexmarkConfig default_config() {
  NexmarkConfig config;
  config.validate();
  return config;
}

TEST(NexmarkSource, KindCountsFollowTheProportions) {
  for (int64_t group : {1, 7, 50, 1000}) {
    NexmarkConfig config = default_config();
    config.out_of_order_group_size = group;
    config.validate();
    int64_t counts[3] = {0, 0, 0};
    for (int64_t number = 0; number <= 5000; ++number) {
      for (int kind = 0; kind < 3; ++kind) {
        ASSERT_EQ(nexmark_kind_count_before(config, static_cast<NexmarkEventKind>(kind), number), counts[kind])
            << "group " << group << " number " << number << " kind " << kind;
      }
      ++counts[static_cast<int>(nexmark_event_kind(config, nexmark_event_id(config, number)))];
    }
  }
  const NexmarkConfig config = default_config();
  EXPECT_EQ(nexmark_kind_count_before(config, NexmarkEventKind::Person, 1'000'000), 20'000);
  EXPECT_EQ(nexmark_kind_count_before(config, NexmarkEventKind::Auction, 1'000'000), 60'000);
  EXPECT_EQ(nexmark_kind_count_before(config, NexmarkEventKind::Bid, 1'000'000), 920'000);
}

// Every row of the stream, as text, through the pipeline with a pass-through select.
std::string stream_as_csv(const NexmarkConfig& config, NexmarkEventKind kind, int64_t events, size_t threads,
                          size_t morsel_rows, const std::string& path) {
  PipelineBuilder builder;
  auto source = std::make_unique<NexmarkSource>(config, kind, events);
  for (const Field& field : source->schema()->fields()) builder.select(field.name);
  builder.source(std::move(source)).sink(std::make_unique<CsvSink>(CsvSinkOptions{path}));
  RunOptions options;
  options.threads = threads;
  options.morsel_rows = morsel_rows;
  builder.build()->run(options);
  return testing::read_file_text(path);
}

TEST(NexmarkSource, TheStreamIsTheGeneratorsBatchWhateverTheCut) {
  testing::TestDirectory directory;
  for (const NexmarkEventKind kind : {NexmarkEventKind::Person, NexmarkEventKind::Auction, NexmarkEventKind::Bid}) {
    NexmarkConfig config = default_config();
    const int64_t events = 7'777;
    NexmarkBatches whole;
    append_nexmark_events(config, 0, events, whole);
    const Batch& expected_batch =
        kind == NexmarkEventKind::Person ? whole.person : kind == NexmarkEventKind::Auction ? whole.auction : whole.bid;
    // The reference file: the whole batch through the CSV sink.
    const std::string reference_path = directory.file("reference.csv");
    {
      CsvSink sink(CsvSinkOptions{reference_path});
      sink.open(expected_batch.schema_pointer());
      sink.write(expected_batch);
      sink.commit_epoch(0);
      sink.finish();
    }
    const std::string expected = testing::read_file_text(reference_path);
    NexmarkSource counter(config, kind, events);
    EXPECT_EQ(counter.total_rows(), static_cast<int64_t>(expected_batch.num_rows()));
    for (const auto& [threads, morsel] : std::vector<std::pair<size_t, size_t>>{{1, 16384}, {2, 1}, {2, 333}, {3, 64}}) {
      EXPECT_EQ(stream_as_csv(config, kind, events, threads, morsel, directory.file("stream.csv")), expected)
          << "kind " << static_cast<int>(kind) << " threads " << threads << " morsel " << morsel;
    }
  }
}

TEST(NexmarkSource, RowOrdinalsCountRowsOfTheKindBeforeTheRange) {
  const NexmarkConfig config = default_config();
  NexmarkSource source(config, NexmarkEventKind::Auction, 1000);
  uint64_t expected_first = 0;
  while (auto morsel = source.next_morsel(5)) {
    EXPECT_EQ(morsel->first_row_ordinal, expected_first);
    EXPECT_LE(morsel->num_rows, 5u);
    EXPECT_GT(morsel->num_rows, 0u);
    Batch batch(source.schema());
    source.load(*morsel, batch);
    EXPECT_EQ(batch.num_rows(), morsel->num_rows);
    EXPECT_EQ(batch.first_row_ordinal, expected_first);
    expected_first += morsel->num_rows;
  }
  EXPECT_EQ(expected_first, 60u);
  EXPECT_TRUE(source.exhausted());
}

std::string run_query(const std::string& name, int64_t events, const RunOptions& options, const std::string& path,
                      uint64_t* rows_out = nullptr) {
  const NexmarkQuery* query = find_nexmark_query(name);
  EXPECT_NE(query, nullptr) << name;
  PipelineBuilder builder;
  builder.source(std::make_unique<NexmarkSource>(default_config(), query->streams, events));
  query->define(builder);
  builder.sink(std::make_unique<CsvSink>(CsvSinkOptions{path}));
  const RunSummary summary = builder.build()->run(options);
  if (rows_out != nullptr) *rows_out = summary.rows_out;
  return testing::read_file_text(path);
}

TEST(NexmarkQueries, SameResultUnderEveryTriggerThreadCountAndMorselSize) {
  testing::TestDirectory directory;
  const int64_t events = 60'000;
  for (const char* name : {"q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q11"}) {
    RunOptions batch;
    batch.threads = 1;
    uint64_t rows_out = 0;
    const std::string expected = run_query(name, events, batch, directory.file("batch.csv"), &rows_out);
    EXPECT_GT(rows_out, 0u) << name;
    RunOptions streaming;
    streaming.trigger = {TriggerKind::ProcessingTime, 0};
    streaming.max_rows_per_trigger = 4'000;
    streaming.threads = 2;
    streaming.morsel_rows = 700;
    EXPECT_EQ(run_query(name, events, streaming, directory.file("stream.csv")), expected) << name;
    RunOptions two_threads;
    two_threads.threads = 2;
    two_threads.morsel_rows = 64;
    EXPECT_EQ(run_query(name, events, two_threads, directory.file("two.csv")), expected) << name;
  }
}

TEST(NexmarkSource, AUnionOfKindsHoldsTheirEventsInOrder) {
  const NexmarkConfig config = default_config();
  const int64_t events = 3'000;
  NexmarkSource source(config, {NexmarkEventKind::Person, NexmarkEventKind::Auction}, events);
  const Schema& schema = *source.schema();
  ASSERT_EQ(schema.field(0).name, "event_type");
  ASSERT_EQ(schema.field(1).name, "dateTime");
  const size_t person_id = *schema.find("person_id");
  const size_t person_state = *schema.find("person_state");
  const size_t auction_id = *schema.find("auction_id");
  const size_t auction_seller = *schema.find("auction_seller");
  EXPECT_FALSE(schema.find("bid_price").has_value());
  EXPECT_EQ(source.total_rows(), nexmark_kind_count_before(config, NexmarkEventKind::Person, events) +
                                     nexmark_kind_count_before(config, NexmarkEventKind::Auction, events));
  std::vector<std::string> expected, seen;
  for (int64_t number = 0; number < events; ++number) {
    const NexmarkEventKind kind = nexmark_event_kind_of_number(config, number);
    if (kind == NexmarkEventKind::Person) {
      NexmarkPerson person;
      generate_nexmark_person(config, number, person);
      expected.push_back(std::string("0,") + std::to_string(person.date_time) + ",p" + std::to_string(person.id) + person.state);
    } else if (kind == NexmarkEventKind::Auction) {
      NexmarkAuction auction;
      generate_nexmark_auction(config, number, auction);
      expected.push_back(std::string("1,") + std::to_string(auction.date_time) + ",a" + std::to_string(auction.id) + "s" +
                         std::to_string(auction.seller));
    }
  }
  uint64_t next_ordinal = 0;
  while (auto morsel = source.next_morsel(77)) {
    Batch batch(source.schema());
    source.load(*morsel, batch);
    EXPECT_EQ(batch.first_row_ordinal, next_ordinal);
    next_ordinal += batch.num_rows();
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      const int64_t type = batch.column(0).int64_data()[r];
      std::string row = std::to_string(type) + "," + std::to_string(batch.column(1).int64_data()[r]) + ",";
      // The other kind's columns are NULL.
      EXPECT_EQ(batch.column(person_id).is_valid(r), type == 0);
      EXPECT_EQ(batch.column(auction_id).is_valid(r), type == 1);
      if (type == 0) {
        row += 'p';
        row += std::to_string(batch.column(person_id).int64_data()[r]);
        row += batch.column(person_state).string_at(r);
      } else {
        row += 'a';
        row += std::to_string(batch.column(auction_id).int64_data()[r]);
        row += 's';
        row += std::to_string(batch.column(auction_seller).int64_data()[r]);
      }
      seen.push_back(row);
    }
  }
  EXPECT_EQ(seen, expected);
}

// Projection pushdown: an unread string column is NULL (the generator does
// not store it), as is any unread column of a union but dateTime; every
// other column is as without the pushdown.
TEST(NexmarkSource, UnreadColumnsAreNullAndTheReadOnesUnchanged) {
  const NexmarkConfig config = default_config();
  const int64_t events = 4'000;
  const std::vector<std::vector<NexmarkEventKind>> streams = {
      {NexmarkEventKind::Bid}, {NexmarkEventKind::Auction, NexmarkEventKind::Bid},
      {NexmarkEventKind::Person, NexmarkEventKind::Auction, NexmarkEventKind::Bid}};
  for (const auto& kinds : streams) {
    for (const int every : {2, 3}) {
      NexmarkSource all(config, kinds, events);
      NexmarkSource some(config, kinds, events);
      std::vector<bool> read(some.schema()->size());
      for (size_t c = 0; c < read.size(); ++c) read[c] = c % every == 0;
      some.skip_unread_columns(read);
      while (auto morsel = all.next_morsel(333)) {
        auto same = some.next_morsel(333);
        ASSERT_NE(same, nullptr);
        Batch expected(all.schema());
        all.load(*morsel, expected);
        Batch batch(some.schema());
        some.load(*same, batch);
        ASSERT_EQ(batch.num_rows(), expected.num_rows());
        for (size_t c = 0; c < read.size(); ++c) {
          const testing::Cells cells = testing::column_cells(batch.column(c));
          const Field& field = some.schema()->field(c);
          const bool left_null = !read[c] && (field.type == DataType::String ||
                                              (kinds.size() > 1 && field.name != "dateTime"));
          if (!left_null) {
            EXPECT_EQ(cells, testing::column_cells(expected.column(c))) << field.name;
          } else {
            EXPECT_EQ(cells, testing::Cells(batch.num_rows(), testing::Cell())) << field.name;
          }
        }
      }
      EXPECT_EQ(some.next_morsel(333), nullptr);
    }
  }
}

TEST(NexmarkQueries, Q3EqualsANestedLoopOverTheGeneratedEventsInStreamOrder) {
  const NexmarkConfig config = default_config();
  const int64_t events = 200'000;
  // Persons of OR, ID or CA and auctions of category 10, with their
  // positions in the person + auction stream.
  struct Seller {
    uint64_t ordinal;
    NexmarkPerson person;
  };
  std::vector<Seller> sellers;
  std::vector<std::tuple<uint64_t, uint64_t, std::string>> pairs;  // later, earlier, row
  uint64_t ordinal = 0;
  std::vector<std::pair<uint64_t, NexmarkAuction>> auctions;
  for (int64_t number = 0; number < events; ++number) {
    const NexmarkEventKind kind = nexmark_event_kind_of_number(config, number);
    if (kind == NexmarkEventKind::Person) {
      NexmarkPerson person;
      generate_nexmark_person(config, number, person);
      if (person.state == "OR" || person.state == "ID" || person.state == "CA") sellers.push_back({ordinal, person});
      ++ordinal;
    } else if (kind == NexmarkEventKind::Auction) {
      NexmarkAuction auction;
      generate_nexmark_auction(config, number, auction);
      if (auction.category == 10) auctions.emplace_back(ordinal, auction);
      ++ordinal;
    }
  }
  for (const auto& [auction_ordinal, auction] : auctions) {
    for (const Seller& seller : sellers) {
      if (seller.person.id != auction.seller) continue;
      pairs.emplace_back(std::max(auction_ordinal, seller.ordinal), std::min(auction_ordinal, seller.ordinal),
                         seller.person.name + "," + seller.person.city + "," + seller.person.state + "," +
                             std::to_string(auction.id));
    }
  }
  std::sort(pairs.begin(), pairs.end());
  std::string expected = "name,city,state,id\n";
  for (const auto& pair : pairs) expected += std::get<2>(pair) + "\n";
  ASSERT_GT(pairs.size(), 100u);

  testing::TestDirectory directory;
  RunOptions options;
  options.threads = 2;
  options.morsel_rows = 1'000;
  EXPECT_EQ(run_query("q3", events, options, directory.file("q3.csv")), expected);
}

TEST(NexmarkQueries, Q8EqualsANestedLoopOverTheGeneratedEventsInStreamOrder) {
  const NexmarkConfig config = default_config();
  const int64_t events = 300'000;
  auto window_of = [](int64_t t) { return t - t % 10'000; };  // times are positive
  // Persons, and the first auction of each (seller, window), with their
  // positions in the person + auction stream.
  std::vector<std::pair<uint64_t, NexmarkPerson>> persons;
  std::map<std::pair<int64_t, int64_t>, uint64_t> first_auction;  // (seller, window) -> ordinal
  uint64_t ordinal = 0;
  for (int64_t number = 0; number < events; ++number) {
    const NexmarkEventKind kind = nexmark_event_kind_of_number(config, number);
    if (kind == NexmarkEventKind::Person) {
      NexmarkPerson person;
      generate_nexmark_person(config, number, person);
      persons.emplace_back(ordinal++, person);
    } else if (kind == NexmarkEventKind::Auction) {
      NexmarkAuction auction;
      generate_nexmark_auction(config, number, auction);
      first_auction.try_emplace({auction.seller, window_of(auction.date_time)}, ordinal++);
    }
  }
  std::vector<std::tuple<uint64_t, uint64_t, std::string>> pairs;  // later, earlier, row
  for (const auto& [person_ordinal, person] : persons) {
    const int64_t window = window_of(person.date_time);
    const auto found = first_auction.find({person.id, window});
    if (found == first_auction.end()) continue;
    pairs.emplace_back(std::max(person_ordinal, found->second), std::min(person_ordinal, found->second),
                       format_timestamp(window) + "," + format_timestamp(window + 10'000) + "," +
                           std::to_string(person.id) + "," + person.name);
  }
  std::sort(pairs.begin(), pairs.end());
  std::string expected = "window_start,window_end,id,name\n";
  for (const auto& pair : pairs) expected += std::get<2>(pair) + "\n";
  ASSERT_GT(pairs.size(), 100u);

  testing::TestDirectory directory;
  RunOptions options;
  options.threads = 2;
  options.morsel_rows = 1'000;
  EXPECT_EQ(run_query("q8", events, options, directory.file("q8.csv")), expected);
}

TEST(NexmarkQueries, ColumnsAndRowCounts) {
  testing::TestDirectory directory;
  RunOptions options;
  options.threads = 2;
  uint64_t rows = 0;
  std::string q0 = run_query("q0", 5'000, options, directory.file("q0.csv"), &rows);
  EXPECT_EQ(q0.substr(0, q0.find('\n')), "auction,bidder,price,dateTime,extra");
  EXPECT_EQ(rows, 4'600u);
  std::string q1 = run_query("q1", 5'000, options, directory.file("q1.csv"), &rows);
  EXPECT_EQ(q1.substr(0, q1.find('\n')), "auction,bidder,price,dateTime,extra");
  EXPECT_EQ(rows, 4'600u);
  std::string q2 = run_query("q2", 50'000, options, directory.file("q2.csv"), &rows);
  EXPECT_EQ(q2.substr(0, q2.find('\n')), "auction,price");
  // Every row's auction is a multiple of 123.
  size_t at = q2.find('\n') + 1;
  size_t checked = 0;
  while (at < q2.size()) {
    const size_t comma = q2.find(',', at);
    EXPECT_EQ(std::stoll(q2.substr(at, comma - at)) % 123, 0);
    at = q2.find('\n', at) + 1;
    ++checked;
  }
  EXPECT_EQ(checked, rows);
  std::string q11 = run_query("q11", 5'000, options, directory.file("q11.csv"), &rows);
  EXPECT_EQ(q11.substr(0, q11.find('\n')), "window_start,window_end,bidder,bid_count");
  EXPECT_EQ(find_nexmark_query("q10"), nullptr);
}

}  // namespace
}  // namespace weir
