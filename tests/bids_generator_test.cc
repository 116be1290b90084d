#include "ingest/bids_generator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/errors.h"
#include "runtime/timestamp.h"

namespace weir {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class BidsGeneratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() /
                 ("weir-bids-test-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  std::string path(const std::string& name) const { return (directory_ / name).string(); }

  static std::string read_file(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream contents;
    contents << in.rdbuf();
    return contents.str();
  }

  static std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    size_t begin = 0;
    for (size_t end; (end = text.find(separator, begin)) != std::string::npos; begin = end + 1) {
      parts.push_back(text.substr(begin, end - begin));
    }
    parts.push_back(text.substr(begin));
    return parts;
  }

  // The data lines of a generated file (header checked and dropped).
  std::vector<std::string> generate_lines(const BidsGeneratorOptions& options) {
    const std::string file = path("bids.csv");
    write_bids_csv(options, file);
    const std::string contents = read_file(file);
    EXPECT_FALSE(contents.empty());
    EXPECT_EQ(contents.back(), '\n');
    std::vector<std::string> lines = split(contents.substr(0, contents.size() - 1), '\n');
    EXPECT_EQ(lines.front(), "ts,auction,price,channel,fee");
    lines.erase(lines.begin());
    return lines;
  }

  fs::path directory_;
};

TEST_F(BidsGeneratorTest, WritesHeaderAndRequestedRowCount) {
  BidsGeneratorOptions options;
  options.rows = 12'345;
  const std::vector<std::string> lines = generate_lines(options);
  EXPECT_EQ(lines.size(), 12'345u);
  EXPECT_FALSE(fs::exists(path("bids.csv") + ".weir-tmp"));
}

TEST_F(BidsGeneratorTest, ZeroRowsWritesOnlyTheHeader) {
  BidsGeneratorOptions options;
  options.rows = 0;
  write_bids_csv(options, path("empty.csv"));
  EXPECT_EQ(read_file(path("empty.csv")), "ts,auction,price,channel,fee\n");
}

TEST_F(BidsGeneratorTest, SameSeedSameBytesOtherSeedOtherBytes) {
  BidsGeneratorOptions options;
  options.rows = 50'000;
  write_bids_csv(options, path("a.csv"));
  write_bids_csv(options, path("b.csv"));
  options.seed = 43;
  write_bids_csv(options, path("c.csv"));
  const std::string a = read_file(path("a.csv"));
  EXPECT_EQ(a, read_file(path("b.csv")));
  EXPECT_NE(a, read_file(path("c.csv")));
  EXPECT_EQ(a.size() > 50'000 * 30, true);
}

TEST_F(BidsGeneratorTest, RangesConcatenateToTheWholeFile) {
  BidsGeneratorOptions options;
  options.rows = 70'000;  // more than one write chunk
  const std::string file =
      read_file((write_bids_csv(options, path("whole.csv")), path("whole.csv")));
  std::string pieces = std::string(kBidsCsvHeader) + "\n";
  append_bids_csv_rows(options, 0, 1, pieces);
  append_bids_csv_rows(options, 1, 40'000, pieces);
  append_bids_csv_rows(options, 40'001, 29'999, pieces);
  EXPECT_EQ(file, pieces);
}

TEST_F(BidsGeneratorTest, FieldsStayInTheirDomains) {
  BidsGeneratorOptions options;
  options.rows = 100'000;
  options.auctions = 50;
  const std::vector<std::string> lines = generate_lines(options);
  const std::set<std::string> channels = {"web", "app", "ios", "android"};
  size_t null_channels = 0, null_fees = 0, first_auction = 0;
  std::set<int64_t> auctions;
  for (const std::string& line : lines) {
    const std::vector<std::string> fields = split(line, ',');
    ASSERT_EQ(fields.size(), 5u) << line;
    ASSERT_TRUE(parse_timestamp(fields[0]).has_value()) << line;
    ASSERT_EQ(fields[0].size(), 24u) << line;  // 2026-01-01T00:00:00.000Z
    const int64_t auction = std::stoll(fields[1]);
    ASSERT_GE(auction, 1000);
    ASSERT_LT(auction, 1050);
    auctions.insert(auction);
    if (auction == 1000) ++first_auction;
    const int64_t price = std::stoll(fields[2]);
    ASSERT_GE(price, 100);
    ASSERT_LE(price, 100'000);
    if (fields[3].empty()) {
      ++null_channels;
    } else {
      ASSERT_TRUE(channels.count(fields[3])) << line;
    }
    if (fields[4].empty()) {
      ++null_fees;
    } else {
      const size_t dot = fields[4].find('.');
      ASSERT_NE(dot, std::string::npos) << line;
      ASSERT_EQ(fields[4].size() - dot, 3u) << line;  // two decimals
      ASSERT_LE(std::stod(fields[4]), static_cast<double>(price) * 0.05) << line;
    }
  }
  EXPECT_NEAR(static_cast<double>(null_channels) / lines.size(), 0.01, 0.003);
  EXPECT_NEAR(static_cast<double>(null_fees) / lines.size(), 0.01, 0.003);
  EXPECT_EQ(auctions.size(), 50u);
  // Skewed: the first id gets about 50^(-1/3) = 27% of the bids.
  EXPECT_NEAR(static_cast<double>(first_auction) / lines.size(), 0.27, 0.02);
}

TEST_F(BidsGeneratorTest, DisorderMatchesTheOptions) {
  BidsGeneratorOptions options;
  options.rows = 300'000;
  const std::vector<std::string> lines = generate_lines(options);
  const int64_t delay = 5000;  // a watermark delay above max_out_of_order_millis
  int64_t running_max = std::numeric_limits<int64_t>::min();
  size_t out_of_order = 0, behind_by_half_bound = 0, late_beyond_delay = 0;
  for (const std::string& line : lines) {
    const int64_t ts = *parse_timestamp(line.substr(0, line.find(',')));
    if (running_max != std::numeric_limits<int64_t>::min()) {
      if (ts < running_max) ++out_of_order;
      if (ts < running_max - options.max_out_of_order_millis / 2) ++behind_by_half_bound;
      if (ts < running_max - delay) ++late_beyond_delay;
      // Only late rows trail by more than the jitter bound.
      if (ts < running_max - options.max_out_of_order_millis) {
        ASSERT_LT(ts, running_max - delay) << line;
      }
    }
    running_max = std::max(running_max, ts);
  }
  const double rows = static_cast<double>(lines.size());
  // Nearly every row trails the maximum (jitter 0..4 s against 1 ms of
  // progress per 100 rows), about half by more than 2 s.
  EXPECT_GT(out_of_order / rows, 0.98);
  EXPECT_NEAR(behind_by_half_bound / rows, 0.5, 0.02);
  // Late rows: late_fraction of 300,000 = 300 expected (sd about 17).
  EXPECT_NEAR(late_beyond_delay / rows, options.late_fraction, 0.0003);
  // Event time advanced at events_per_second: 3 s for 300,000 rows.
  EXPECT_NEAR(running_max - options.start_millis, 3000, 5);
}

TEST_F(BidsGeneratorTest, InOrderWhenJitterAndLatenessAreOff) {
  BidsGeneratorOptions options;
  options.rows = 20'000;
  options.max_out_of_order_millis = 0;
  options.late_fraction = 0.0;
  options.events_per_second = 1000;
  const std::vector<std::string> lines = generate_lines(options);
  for (size_t i = 0; i < lines.size(); ++i) {
    ASSERT_EQ(*parse_timestamp(lines[i].substr(0, lines[i].find(','))),
              options.start_millis + static_cast<int64_t>(i));
  }
}

TEST_F(BidsGeneratorTest, RejectsInvalidOptionsAndUnwritablePaths) {
  BidsGeneratorOptions options;
  options.rows = 10;
  options.events_per_second = 0;
  EXPECT_THROW(write_bids_csv(options, path("x.csv")), ConfigError);
  options.events_per_second = 1;
  options.late_fraction = 1.5;
  EXPECT_THROW(write_bids_csv(options, path("x.csv")), ConfigError);
  options.late_fraction = 0.0;
  EXPECT_THROW(write_bids_csv(options, path("missing-directory/x.csv")), ConfigError);
  EXPECT_FALSE(fs::exists(path("x.csv")));
}

}  // namespace
}  // namespace weir
