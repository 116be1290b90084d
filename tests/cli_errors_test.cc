// Runs the `weir` binary as a user would when something is wrong: exit code
// 2 naming the field for a bad pipeline file or command line, 1 with file,
// line, column and text for bad input, no output left behind, and a clean
// stop on SIGINT / SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/cli_fixture.h"
#include "tests/test_directory.h"
#include "tests/weir_process.h"

namespace weir {
namespace {

struct BadPipelineCase {
  std::string from, to, expected_message;
};

TEST_F(CliTest, BadPipelineFilesExitTwoNamingTheField) {
  const std::vector<BadPipelineCase> cases = {
      {R"("group_by": ["auction"])", R"("group_by": ["auctoin"])", "group_by[0]: unknown column 'auctoin'"},
      {"sum(price)", "sum(channel)", "aggregates[1]"},
      {"sum(price)", "summ(price)", "unknown function 'summ'"},
      {R"("size": "10s")", R"("size": "10 seconds")", "window.size: bad duration '10 seconds'"},
      {R"("watermark_delay": "5s")", R"("watermark_delay": "5")", "event_time.watermark_delay"},
      {R"("where": "price >= 1000 AND channel <> 'app'")", R"("where": "pricey >= 1000")", "where:"},
      {R"("column": "ts")", R"("column": "fee")", "event_time.column"},
      {R"("type": "tumbling")", R"("type": "sliding")", "window.type"},
      {R"({"name": "fee", "type": "float64"})", R"({"name": "fee", "type": "double"})", "source.schema[4].type"},
      {R"("where")", R"("wehre")", "wehre: unknown field"},
      {R"("sink": {"format": "csv")", R"("sink": {"format": "parquet")", "sink.format"},
      {R"("aggregates": ["count(*) AS bids", "sum(price) AS volume", "max(price) AS top", "avg(fee) AS avg_fee"],)",
       "", "aggregates: missing"},
      {R"("count(*) AS bids", "sum(price) AS volume")", R"("count(*) AS bids", "sum(price) AS bids")",
       "duplicate output column 'bids'"},
      {R"("group_by": ["auction"],)", R"("group_by": ["auction"] "oops",)", "invalid JSON"},
      {R"("size": "10s")", R"("size": 1e99999)", "invalid JSON: number overflow"},
      {R"("type": "tumbling")", R"("type": "hopping")", "window.slide: missing"},
      {R"("type": "tumbling", "size": "10s")", R"("type": "hopping", "size": "10s", "slide": "20s")",
       "window.slide: must not exceed window.size"},
      {R"("type": "tumbling", "size": "10s")", R"("type": "tumbling", "size": "10s", "slide": "5s")",
       "window.slide: a tumbling window has no slide"},
      {R"("size": "10s")", R"("size": "10s", "allowed_lateness": "soon")", "window.allowed_lateness"},
      {R"("sink": {)", R"("output_mode": "upsert", "sink": {)", "output_mode: unknown output mode 'upsert'"},
      {R"("sink": {)", R"("late_sink": {"format": "csv", "path": ""}, "sink": {)", "late_sink.path"},
      {R"("type": "tumbling", "size": "10s")", R"("type": "session", "size": "10s")", "window.size: a session window"},
      {R"("type": "tumbling", "size": "10s")", R"("type": "session", "gap": "0s")", "window.gap: must be greater"},
      {R"("type": "tumbling", "size": "10s")", R"("type": "session")", "window.gap: missing"},
      {R"("window": {"type": "tumbling", "size": "10s"})",
       R"("output_mode": "update", "window": {"type": "session", "gap": "5s"})",
       "output_mode: session windows support append and complete output, not update"},
      {R"("path": ")", R"("partition_by_file": "yes", "path": ")", "source.partition_by_file: expected true or false"},
      {R"("watermark_delay": "5s")", R"("watermark_delay": "5s", "idle_timeout": "0s")",
       "event_time.idle_timeout: must be greater than zero"},
  };
  for (const BadPipelineCase& c : cases) {
    const std::string path = pipeline({{c.from, c.to}});
    EXPECT_EQ(run({"run", path}), 2) << c.expected_message << "\n" << stderr_text_;
    EXPECT_NE(stderr_text_.find(c.expected_message), std::string::npos)
        << "expected '" << c.expected_message << "' in: " << stderr_text_;
    EXPECT_NE(stderr_text_.find("pipeline.json"), std::string::npos) << stderr_text_;
    EXPECT_FALSE(output_left_behind()) << c.expected_message;
  }
}

TEST_F(CliTest, BadCommandLinesExitTwo) {
  const std::string file = pipeline();
  EXPECT_EQ(run({"run", file, "--trigger", "sometimes"}), 2);
  EXPECT_NE(stderr_text_.find("unknown trigger 'sometimes'"), std::string::npos) << stderr_text_;
  EXPECT_EQ(run({"run", file, "--trigger", "processing-time:fast"}), 2);
  EXPECT_NE(stderr_text_.find("bad duration 'fast'"), std::string::npos) << stderr_text_;
  EXPECT_EQ(run({"run", file, "--threads", "many"}), 2);
  EXPECT_EQ(run({"run", file, "--max-rows-per-trigger", "0"}), 2);
  EXPECT_EQ(run({"run", file, "--no-such-flag"}), 2);
  EXPECT_EQ(run({"run"}), 2);
  EXPECT_EQ(run({"fly"}), 2);
  EXPECT_EQ(run({"run", directory_.file("missing.json")}), 2);
  EXPECT_NE(stderr_text_.find("cannot open the pipeline file"), std::string::npos) << stderr_text_;
  EXPECT_FALSE(output_left_behind());
}

struct BadInputCase {
  std::string row;  // appended as line 8 of the input
  std::string expected_message;
};

TEST_F(CliTest, BadInputExitsOneWithFileLineColumnAndTextAndLeavesNoOutput) {
  const std::vector<BadInputCase> cases = {
      {"2026-01-01T00:00:31Z,2,12x0,web,1", ":8: column 3 (price): cannot parse \"12x0\" as int64"},
      {"2026-01-01T00:00:31Z,2,1200,web", ":8: expected 5 fields, found 4"},
      {",2,1200,web,1", ":8: column 1 (ts)"},
      {"2026-02-30T00:00:31Z,2,1200,web,1", "\"2026-02-30T00:00:31Z\" as timestamp"},
      {"2026-01-01T00:00:31Z,2,1200,\"web,1", ":8: column 4 (channel)"},
  };
  for (const BadInputCase& c : cases) {
    std::string input = testing::read_file_text(directory_.file("bids.csv"));
    input += "2026-01-01T00:00:31Z,3,1300,web,1\n" + c.row + "\n";
    testing::write_file_text(directory_.file("bad.csv"), input);
    const std::string file = pipeline({}, directory_.file("bad.csv"));
    // With one row per micro-batch, earlier windows were written before the error.
    EXPECT_EQ(run({"run", file, "--max-rows-per-trigger", "1"}), 1) << c.row << "\n" << stderr_text_;
    EXPECT_NE(stderr_text_.find(directory_.file("bad.csv")), std::string::npos) << stderr_text_;
    EXPECT_NE(stderr_text_.find(c.expected_message), std::string::npos)
        << "expected '" << c.expected_message << "' in: " << stderr_text_;
    EXPECT_FALSE(output_left_behind()) << c.row;
  }
}

TEST_F(CliTest, Int64SumOverflowIsAnErrorNotAWrap) {
  testing::write_file_text(directory_.file("big.csv"),
             "ts,auction,price,channel,fee\n"
             "2026-01-01T00:00:01Z,1,9223372036854775807,web,1\n"
             "2026-01-01T00:00:02Z,1,1000,web,1\n");
  EXPECT_EQ(run({"run", pipeline({}, directory_.file("big.csv"))}), 1) << stderr_text_;
  EXPECT_NE(stderr_text_.find("sum overflows int64 in volume"), std::string::npos) << stderr_text_;
  EXPECT_NE(stderr_text_.find("window starting 2026-01-01T00:00:00.000Z"), std::string::npos) << stderr_text_;
  EXPECT_FALSE(output_left_behind());
}

TEST_F(CliTest, SigintAndSigtermStopCleanlyWithCompleteOutput) {
  for (const auto& [signal_number, expected_code] : {std::pair{SIGINT, 130}, std::pair{SIGTERM, 143}}) {
    std::filesystem::remove_all(directory_.file("out"));  // nothing from the previous round
    const std::string input_directory = directory_.file("incoming");
    std::filesystem::create_directories(input_directory);
    std::filesystem::copy_file(directory_.file("bids.csv"), input_directory + "/a.csv",
                               std::filesystem::copy_options::overwrite_existing);
    const std::string file = pipeline({}, input_directory);
    // A watched directory under processing-time runs until stopped.
    const pid_t pid =
        testing::start_weir({"run", file, "--trigger", "processing-time:50ms"}, "/dev/null", directory_.file("stderr.txt"));
    // Wait until the first micro-batch is committed (its rows reach the
    // sink's temporary file), however slow the machine.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    bool committed = false;
    while (!committed && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (!std::filesystem::exists(directory_.file("out"))) continue;
      for (const auto& entry : std::filesystem::directory_iterator(directory_.file("out"))) {
        if (entry.path().filename() == "result.csv") continue;  // only the run's temporary file counts
        const std::string text = testing::read_file_text(entry.path().string());
        committed = committed || std::count(text.begin(), text.end(), '\n') == 3;
      }
    }
    ASSERT_TRUE(committed) << "the first micro-batch never reached the sink";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // now idle, waiting for new files
    kill(pid, signal_number);
    EXPECT_EQ(testing::wait_exit_code(pid), expected_code);
    const std::string messages = testing::read_file_text(directory_.file("stderr.txt"));
    EXPECT_NE(messages.find("run interrupted"), std::string::npos) << messages;
    EXPECT_NE(messages.find("rows read      5"), std::string::npos) << messages;
    // Windows closed by the watermark (max 00:00:30 - 5s) were written; the file is complete.
    EXPECT_EQ(testing::read_file_text(output()),
              "window_start,window_end,auction,bids,volume,top,avg_fee\n"
              "2026-01-01T00:00:00.000Z,2026-01-01T00:00:10.000Z,1,2,4000,2500,1\n"
              "2026-01-01T00:00:10.000Z,2026-01-01T00:00:20.000Z,2,1,1000,1000,2\n");
    for (const auto& entry : std::filesystem::directory_iterator(directory_.file("out"))) {
      EXPECT_EQ(entry.path().filename(), "result.csv") << "temporary file left behind";
    }
  }
}

}  // namespace
}  // namespace weir
