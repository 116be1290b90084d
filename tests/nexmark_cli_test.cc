// `weir nexmark` run as a user would: the --dump files (headers, row counts,
// no temporary file left), --query none's line, and exit code 2 for bad or
// not yet implemented arguments.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/test_directory.h"
#include "tests/weir_process.h"

namespace weir {
namespace {

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

Outcome run_weir(const std::vector<std::string>& arguments, const testing::TestDirectory& scratch) {
  const std::string out_path = scratch.file("stdout.txt");
  const std::string err_path = scratch.file("stderr.txt");
  Outcome outcome;
  outcome.exit_code = testing::wait_exit_code(testing::start_weir(arguments, out_path, err_path));
  outcome.out = testing::read_file_text(out_path);
  outcome.err = testing::read_file_text(err_path);
  return outcome;
}

size_t count_lines(const std::string& text) { return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')); }

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

TEST(NexmarkCliTest, DumpWritesThreeFilesWithTheFlinkHeaders) {
  testing::TestDirectory scratch;
  const std::string directory = scratch.file("dump");
  const Outcome outcome = run_weir({"nexmark", "--dump", directory, "--events", "10000", "--threads", "2"}, scratch);
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"auction.csv", "bid.csv", "person.csv"}));  // no temporary file
  const std::string persons = testing::read_file_text(directory + "/person.csv");
  const std::string auctions = testing::read_file_text(directory + "/auction.csv");
  const std::string bids = testing::read_file_text(directory + "/bid.csv");
  EXPECT_EQ(first_line(persons), "id,name,emailAddress,creditCard,city,state,dateTime,extra");
  EXPECT_EQ(first_line(auctions), "id,itemName,description,initialBid,reserve,dateTime,expires,seller,category,extra");
  EXPECT_EQ(first_line(bids), "auction,bidder,price,channel,url,dateTime,extra");
  EXPECT_EQ(count_lines(persons), 1u + 200);
  EXPECT_EQ(count_lines(auctions), 1u + 600);
  EXPECT_EQ(count_lines(bids), 1u + 9200);
  EXPECT_NE(outcome.err.find("persons=200 auctions=600 bids=9200"), std::string::npos) << outcome.err;

  // The same bytes with one thread.
  const std::string single = scratch.file("single");
  ASSERT_EQ(run_weir({"nexmark", "--dump", single, "--events", "10000", "--threads", "1"}, scratch).exit_code, 0);
  EXPECT_TRUE(testing::read_file_text(single + "/bid.csv") == bids);
  EXPECT_TRUE(testing::read_file_text(single + "/auction.csv") == auctions);
  EXPECT_TRUE(testing::read_file_text(single + "/person.csv") == persons);
}

TEST(NexmarkCliTest, QueryNonePrintsTheThroughput) {
  testing::TestDirectory scratch;
  const Outcome outcome = run_weir({"nexmark", "--query", "none", "--events", "20000", "--threads", "2"}, scratch);
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_TRUE(outcome.out.starts_with("events=20000 threads=2 seconds=")) << outcome.out;
  EXPECT_NE(outcome.out.find(" events_per_s="), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find(" events_per_s_per_core="), std::string::npos) << outcome.out;
}

TEST(NexmarkCliTest, BadOrUnimplementedArgumentsExitTwo) {
  testing::TestDirectory scratch;
  const std::string directory = scratch.file("dump");
  const std::vector<std::vector<std::string>> cases = {
      {"nexmark", "--query", "q10", "--events", "100"},
      {"nexmark", "--events", "100"},
      {"nexmark", "--query", "none"},
      {"nexmark", "--query", "none", "--dump", directory, "--events", "100"},
      {"nexmark", "--query", "none", "--events", "-1"},
      {"nexmark", "--query", "none", "--events", "ten"},
      {"nexmark", "--query", "none", "--events", "100", "--bid-shape", "spark"},
      {"nexmark", "--query", "none", "--events", "100", "--rate", "0"},
      {"nexmark", "--query", "none", "--events", "100", "--base-time", "yesterday"},
      {"nexmark", "--dump", directory, "--events", "100", "--unknown-option"},
      {"nexmark", "--query", "none", "--events", "100", "--output", scratch.file("none.csv")},
      {"nexmark", "--query", "q1", "--events", "100", "--trigger", "sometimes"},
  };
  for (const auto& arguments : cases) {
    std::string line;
    for (const std::string& argument : arguments) line += argument + " ";
    SCOPED_TRACE(line);
    const Outcome outcome = run_weir(arguments, scratch);
    EXPECT_EQ(outcome.exit_code, 2) << outcome.err;
    EXPECT_FALSE(outcome.err.empty());
  }
  EXPECT_FALSE(std::filesystem::exists(directory));
  const Outcome q10 = run_weir({"nexmark", "--query", "q10", "--events", "100"}, scratch);
  EXPECT_NE(q10.err.find("not implemented yet"), std::string::npos) << q10.err;
  EXPECT_FALSE(std::filesystem::exists(scratch.file("none.csv")));
}

// A query generates and processes in one process, prints its line, and with
// --output writes the same CSV for every trigger and thread count.
TEST(NexmarkCliTest, QueriesPrintTheirLineAndWriteTheSameCsvUnderEveryTrigger) {
  testing::TestDirectory scratch;
  for (const char* query : {"q0", "q1", "q2", "q11"}) {
    SCOPED_TRACE(query);
    const std::string batch_path = scratch.file(std::string(query) + "-batch.csv");
    const Outcome batch = run_weir(
        {"nexmark", "--query", query, "--events", "30000", "--threads", "1", "--output", batch_path}, scratch);
    ASSERT_EQ(batch.exit_code, 0) << batch.err;
    EXPECT_TRUE(batch.out.starts_with("query=" + std::string(query) + " events=30000 threads=1 seconds="))
        << batch.out;
    EXPECT_NE(batch.out.find(" events_per_s_per_core="), std::string::npos) << batch.out;
    const std::string stream_path = scratch.file(std::string(query) + "-stream.csv");
    const Outcome stream = run_weir({"nexmark", "--query", query, "--events", "30000", "--threads", "2",
                                     "--trigger", "processing-time:1ms", "--max-rows-per-trigger", "3000",
                                     "--morsel-rows", "500", "--output", stream_path},
                                    scratch);
    ASSERT_EQ(stream.exit_code, 0) << stream.err;
    const std::string expected = testing::read_file_text(batch_path);
    EXPECT_GT(count_lines(expected), 1u);
    EXPECT_EQ(testing::read_file_text(stream_path), expected);
  }
  const Outcome q0 = run_weir({"nexmark", "--query", "q0", "--events", "1000"}, scratch);
  ASSERT_EQ(q0.exit_code, 0) << q0.err;
  EXPECT_NE(q0.out.find("rows_out=920"), std::string::npos) << q0.out;
}

}  // namespace
}  // namespace weir
