// Runs the `weir` binary as a user would on small pipelines: the summary,
// windows, sessions, late rows, output modes, triggers, select lists, joins,
// top rows and chained stages (errors and stops: cli_errors_test.cc).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ingest/csv_epoch_files_sink.h"
#include "tests/cli_fixture.h"
#include "tests/test_directory.h"

namespace weir {
namespace {

TEST_F(CliTest, RunsThePipelineAndPrintsTheSummary) {
  ASSERT_EQ(run({"run", pipeline()}), 0) << stderr_text_;
  EXPECT_EQ(testing::read_file_text(output()),
            "window_start,window_end,auction,bids,volume,top,avg_fee\n"
            "2026-01-01T00:00:00.000Z,2026-01-01T00:00:10.000Z,1,2,4000,2500,1\n"
            "2026-01-01T00:00:10.000Z,2026-01-01T00:00:20.000Z,2,1,1000,1000,2\n"
            "2026-01-01T00:00:30.000Z,2026-01-01T00:00:40.000Z,2,1,1200,1200,\n");
  EXPECT_NE(stderr_text_.find("rows read      5"), std::string::npos) << stderr_text_;
  EXPECT_NE(stderr_text_.find("rows late      0"), std::string::npos) << stderr_text_;
  EXPECT_NE(stderr_text_.find("rows out       3"), std::string::npos) << stderr_text_;
  EXPECT_NE(stderr_text_.find("micro-batches"), std::string::npos);
  EXPECT_NE(stderr_text_.find("rows/s"), std::string::npos);
}

// The summary's peak memory counts the CSV source's text chunks (2 MiB
// each) as well as batches and state: here the text dominates (long
// unread strings, few rows), so the peak is at least one chunk.
TEST_F(CliTest, PeakMemoryCountsTheCsvTextChunks) {
  std::string text = "ts,auction,price,channel,fee\n";
  const std::string padding(300, 'x');
  for (int row = 0; row < 12'000; ++row) {
    text += "2026-01-01T00:00:" + std::to_string(10 + row % 40) + "Z," + std::to_string(row % 7) + ",100," +
            padding + ",1\n";
  }
  const std::string input = directory_.file("long.csv");
  testing::write_file_text(input, text);
  ASSERT_EQ(run({"run", pipeline({{R"("where": "price >= 1000 AND channel <> 'app'",)", ""}}, input), "--threads",
                 "1"}),
            0)
      << stderr_text_;
  const size_t at = stderr_text_.find("peak memory");
  ASSERT_NE(at, std::string::npos) << stderr_text_;
  const double mebibytes = std::stod(stderr_text_.substr(at + std::string("peak memory").size()));
  EXPECT_GE(mebibytes, 2.0) << stderr_text_;
}

// Hopping windows (10 s every 5 s): each row counts in the two windows that
// hold it. The 00:00:03 row arrives when the watermark is 00:00:07 (12 s -
// 5 s delay): on time for [00:00, 00:10) but late for [-00:05, 00:05), unless
// allowed lateness keeps that window open until 00:05 + 5 s.
TEST_F(CliTest, HoppingWindowsAndAllowedLateness) {
  const std::string header = "window_start,window_end,auction,bids,volume,top,avg_fee\n";
  const std::string tail =
      "2026-01-01T00:00:00.000Z,2026-01-01T00:00:10.000Z,1,3,9000,5000,1\n"
      "2026-01-01T00:00:05.000Z,2026-01-01T00:00:15.000Z,2,1,1000,1000,2\n"
      "2026-01-01T00:00:10.000Z,2026-01-01T00:00:20.000Z,2,1,1000,1000,2\n"
      "2026-01-01T00:00:25.000Z,2026-01-01T00:00:35.000Z,2,1,1200,1200,\n"
      "2026-01-01T00:00:30.000Z,2026-01-01T00:00:40.000Z,2,1,1200,1200,\n";
  const std::pair<std::string, std::string> all_channels = {R"("where": "price >= 1000 AND channel <> 'app'")",
                                                            R"("where": "price >= 1000")"};
  ASSERT_EQ(run({"run", pipeline({all_channels, {R"("type": "tumbling", "size": "10s")",
                                                 R"("type": "hopping", "size": "10s", "slide": "5s")"}})}),
            0)
      << stderr_text_;
  EXPECT_EQ(testing::read_file_text(output()),
            header + "2025-12-31T23:59:55.000Z,2026-01-01T00:00:05.000Z,1,2,4000,2500,1\n" + tail);
  EXPECT_NE(stderr_text_.find("rows late      0"), std::string::npos) << stderr_text_;
  ASSERT_EQ(run({"run",
                 pipeline({all_channels,
                           {R"("type": "tumbling", "size": "10s")",
                            R"("type": "hopping", "size": "10s", "slide": "5s", "allowed_lateness": "5s")"}}),
                 "--trigger", "processing-time:10ms", "--max-rows-per-trigger", "1"}),
            0)
      << stderr_text_;
  EXPECT_EQ(testing::read_file_text(output()),
            header + "2025-12-31T23:59:55.000Z,2026-01-01T00:00:05.000Z,1,3,9000,5000,1\n" + tail);
}

// Session windows (gap 5 s) per auction. The 00:00:03 row arrives when the
// watermark is 00:00:07 (00:00:12 - 5 s delay): late for sessions (its time
// is below the watermark) unless allowed lateness of 5 s keeps it on time.
TEST_F(CliTest, SessionWindowsAndAllowedLateness) {
  const std::string header = "window_start,window_end,auction,bids,volume,top,avg_fee\n";
  const std::string tail =
      "2026-01-01T00:00:12.000Z,2026-01-01T00:00:17.000Z,2,1,1000,1000,2\n"
      "2026-01-01T00:00:30.000Z,2026-01-01T00:00:35.000Z,2,1,1200,1200,\n";
  const std::pair<std::string, std::string> all_channels = {R"("where": "price >= 1000 AND channel <> 'app'")",
                                                            R"("where": "price >= 1000")"};
  ASSERT_EQ(run({"run", pipeline({all_channels, {R"("type": "tumbling", "size": "10s")",
                                                 R"("type": "session", "gap": "5s")"}})}),
            0)
      << stderr_text_;
  EXPECT_EQ(testing::read_file_text(output()),
            header + "2026-01-01T00:00:01.000Z,2026-01-01T00:00:07.000Z,1,2,4000,2500,1\n" + tail);
  EXPECT_NE(stderr_text_.find("rows late      1"), std::string::npos) << stderr_text_;
  ASSERT_EQ(run({"run",
                 pipeline({all_channels,
                           {R"("type": "tumbling", "size": "10s")",
                            R"("type": "session", "gap": "5s", "allowed_lateness": "5s")"}}),
                 "--trigger", "processing-time:10ms", "--max-rows-per-trigger", "1"}),
            0)
      << stderr_text_;
  EXPECT_EQ(testing::read_file_text(output()),
            header + "2026-01-01T00:00:01.000Z,2026-01-01T00:00:08.000Z,1,3,9000,5000,1\n" + tail);
  EXPECT_NE(stderr_text_.find("rows late      0"), std::string::npos) << stderr_text_;
}

// A directory of two files read as one sequence: b.csv's rows come after
// a.csv's 00:00:30 row and are late for the window [00:00, 00:10). With
// partition_by_file each file is a partition judged by its own order, and
// the watermark waits for the slower one: the rows count.
TEST_F(CliTest, PartitionByFileJudgesLatenessPerFile) {
  const std::string input = directory_.file("parts");
  std::filesystem::create_directories(input);
  const std::string header = "ts,auction,price,channel,fee\n";
  testing::write_file_text(input + "/a.csv", header +
                                                 "2026-01-01T00:00:01Z,1,1500,web,1\n"
                                                 "2026-01-01T00:00:12Z,1,1500,web,1\n"
                                                 "2026-01-01T00:00:30Z,1,1500,web,1\n");
  testing::write_file_text(input + "/b.csv", header +
                                                 "2026-01-01T00:00:03Z,1,2000,web,2\n"
                                                 "2026-01-01T00:00:05Z,1,2000,web,3\n");
  const std::string out_header = "window_start,window_end,auction,bids,volume,top,avg_fee\n";
  const std::string later =
      "2026-01-01T00:00:10.000Z,2026-01-01T00:00:20.000Z,1,1,1500,1500,1\n"
      "2026-01-01T00:00:30.000Z,2026-01-01T00:00:40.000Z,1,1,1500,1500,1\n";
  ASSERT_EQ(run({"run", pipeline({}, input)}), 0) << stderr_text_;
  EXPECT_EQ(testing::read_file_text(output()),
            out_header + "2026-01-01T00:00:00.000Z,2026-01-01T00:00:10.000Z,1,1,1500,1500,1\n" + later);
  EXPECT_NE(stderr_text_.find("rows late      2"), std::string::npos) << stderr_text_;
  for (const char* trigger : {"available-now", "once"}) {
    ASSERT_EQ(run({"run", pipeline({{R"("path": ")", R"("partition_by_file": true, "path": ")"}}, input),
                   "--trigger", trigger, "--max-rows-per-trigger", "1"}),
              0)
        << stderr_text_;
    EXPECT_EQ(testing::read_file_text(output()),
              out_header + "2026-01-01T00:00:00.000Z,2026-01-01T00:00:10.000Z,1,3,5500,2000,2\n" + later)
        << trigger;
    EXPECT_NE(stderr_text_.find("rows late      0"), std::string::npos) << stderr_text_;
  }
}

// With no watermark delay the 00:00:03 row arrives after the 00:00:12 row
// closed its window: it is late (before the filter drops it or not), counted,
// and written to the late sink with its reason, under every trigger.
TEST_F(CliTest, LateRowsGoToTheLateSinkWithTheirReason) {
  const std::string late_path = directory_.file("late/late.csv");
  for (const std::vector<std::string>& trigger :
       {std::vector<std::string>{"--trigger", "available-now"},
        std::vector<std::string>{"--trigger", "processing-time:10ms", "--max-rows-per-trigger", "2"}}) {
    std::vector<std::string> arguments = {
        "run", pipeline({{R"("watermark_delay": "5s")", R"("watermark_delay": "0s")"},
                         {R"("sink": {)", R"("late_sink": {"format": "csv", "path": ")" + late_path +
                                              R"("}, "sink": {)"}})};
    arguments.insert(arguments.end(), trigger.begin(), trigger.end());
    ASSERT_EQ(run(arguments), 0) << stderr_text_;
    EXPECT_NE(stderr_text_.find("rows late      1"), std::string::npos) << stderr_text_;
    EXPECT_EQ(testing::read_file_text(late_path),
              "ts,auction,price,channel,fee,reason\n"
              "2026-01-01T00:00:03.000Z,1,5000,app,1,window 2026-01-01T00:00:00.000Z..2026-01-01T00:00:10.000Z "
              "closed at watermark 2026-01-01T00:00:12.000Z\n");
  }
  EXPECT_EQ(run({"run", pipeline({{R"("window": {"type": "tumbling", "size": "10s"},)", ""},
                                  {R"("sink": {)", R"("late_sink": {"format": "csv", "path": ")" + late_path +
                                                       R"("}, "sink": {)"}})}),
            2);
  EXPECT_NE(stderr_text_.find("late_sink: needs a window"), std::string::npos) << stderr_text_;
}

// Update and complete output: one file per trigger in the sink directory;
// the last complete file and the last upsert of every key equal the append
// result. Append over an input that never ends, without a window, is refused.
TEST_F(CliTest, UpdateAndCompleteOutputModes) {
  ASSERT_EQ(run({"run", pipeline()}), 0) << stderr_text_;
  const std::string append = testing::read_file_text(output());
  std::filesystem::remove(output());
  const std::vector<std::string> micro_batches = {"--trigger", "processing-time:10ms", "--max-rows-per-trigger", "2"};
  auto epoch_files = [&]() {
    std::vector<std::string> texts;
    for (uint64_t epoch = 0; std::filesystem::exists(CsvEpochFilesSink::epoch_file(output(), epoch)); ++epoch) {
      texts.push_back(testing::read_file_text(CsvEpochFilesSink::epoch_file(output(), epoch)));
    }
    return texts;
  };
  std::vector<std::string> arguments = {"run", pipeline(), "--output-mode", "complete"};
  arguments.insert(arguments.end(), micro_batches.begin(), micro_batches.end());
  ASSERT_EQ(run(arguments), 0) << stderr_text_;
  std::vector<std::string> files = epoch_files();
  ASSERT_EQ(files.size(), 3u);  // 5 rows, 2 per trigger
  EXPECT_EQ(files.back(), append);
  EXPECT_EQ(files[0],  // after the first two rows: one open window, written anyway
            "window_start,window_end,auction,bids,volume,top,avg_fee\n"
            "2026-01-01T00:00:00.000Z,2026-01-01T00:00:10.000Z,1,2,4000,2500,1\n");

  arguments = {"run", pipeline({{R"("sink": {)", R"("output_mode": "update", "sink": {)"}})};
  arguments.insert(arguments.end(), micro_batches.begin(), micro_batches.end());
  ASSERT_EQ(run(arguments), 0) << stderr_text_;
  files = epoch_files();
  ASSERT_EQ(files.size(), 3u);
  // Rows 1-2 change window 0; rows 3-4 change window 10 s (row 4 is filtered
  // out); row 5 changes window 30 s.
  EXPECT_EQ(files[1],
            "window_start,window_end,auction,bids,volume,top,avg_fee\n"
            "2026-01-01T00:00:10.000Z,2026-01-01T00:00:20.000Z,2,1,1000,1000,2\n");
  EXPECT_EQ(files[2],
            "window_start,window_end,auction,bids,volume,top,avg_fee\n"
            "2026-01-01T00:00:30.000Z,2026-01-01T00:00:40.000Z,2,1,1200,1200,\n");

  EXPECT_EQ(run({"run", pipeline({}), "--output-mode", "sometimes"}), 2);
  EXPECT_NE(stderr_text_.find("--output-mode: unknown output mode 'sometimes'"), std::string::npos) << stderr_text_;

  const std::string input_directory = directory_.file("incoming");
  std::filesystem::create_directories(input_directory);
  std::filesystem::copy_file(directory_.file("bids.csv"), input_directory + "/bids.csv");
  std::filesystem::remove_all(directory_.file("out"));
  const std::string no_window = pipeline({{R"("window": {"type": "tumbling", "size": "10s"},)", ""}}, input_directory);
  EXPECT_EQ(run({"run", no_window, "--trigger", "processing-time:10ms"}), 2);
  EXPECT_NE(stderr_text_.find("output_mode: append writes an aggregation without a window only when the input ends"),
            std::string::npos)
      << stderr_text_;
  EXPECT_FALSE(output_left_behind());
}

TEST_F(CliTest, TriggersGiveTheSameFile) {
  ASSERT_EQ(run({"run", pipeline(), "--trigger", "available-now"}), 0) << stderr_text_;
  const std::string batch = testing::read_file_text(output());
  ASSERT_EQ(run({"run", pipeline(), "--trigger", "processing-time:10ms", "--max-rows-per-trigger", "1",
                 "--threads", "2"}),
            0)
      << stderr_text_;
  EXPECT_EQ(testing::read_file_text(output()), batch);
  EXPECT_NE(stderr_text_.find("micro-batches  5"), std::string::npos) << stderr_text_;
  ASSERT_EQ(run({"run", pipeline(), "--trigger", "once"}), 0) << stderr_text_;
  EXPECT_EQ(testing::read_file_text(output()), batch);
}

// A select list without aggregation: the kept rows, projected, in source
// order, written atomically by the CSV sink; the same file under every
// trigger and thread count.
TEST_F(CliTest, SelectListWritesTheProjectedRowsInSourceOrder) {
  const std::vector<std::pair<std::string, std::string>> edits = {
      {R"("window": {"type": "tumbling", "size": "10s"},)", ""},
      {R"("group_by": ["auction"],)", ""},
      {R"("aggregates": ["count(*) AS bids", "sum(price) AS volume", "max(price) AS top", "avg(fee) AS avg_fee"],)",
       R"("select": ["ts", "auction", "price * 0.5 AS half", "price % 7 AS seven", "fee", "channel"],)"}};
  ASSERT_EQ(run({"run", pipeline(edits)}), 0) << stderr_text_;
  const std::string expected =
      "ts,auction,half,seven,fee,channel\n"
      "2026-01-01T00:00:01.000Z,1,750,2,0.5,web\n"
      "2026-01-01T00:00:02.000Z,1,1250,1,1.5,web\n"
      "2026-01-01T00:00:12.000Z,2,500,6,2,ios\n"
      "2026-01-01T00:00:30.000Z,2,600,3,,web\n";
  EXPECT_EQ(testing::read_file_text(output()), expected);
  EXPECT_NE(stderr_text_.find("rows out       4"), std::string::npos) << stderr_text_;
  ASSERT_EQ(run({"run", pipeline(edits), "--trigger", "processing-time:10ms", "--max-rows-per-trigger", "1",
                 "--threads", "2", "--morsel-rows", "1"}),
            0)
      << stderr_text_;
  EXPECT_EQ(testing::read_file_text(output()), expected);

  // A select list with aggregates is refused, naming the field.
  std::filesystem::remove_all(directory_.file("out"));
  const std::string both = pipeline({{R"("group_by": ["auction"],)", R"("select": ["auction"],)"}});
  EXPECT_EQ(run({"run", both}), 2) << stderr_text_;
  EXPECT_NE(stderr_text_.find("select: "), std::string::npos) << stderr_text_;
  EXPECT_FALSE(output_left_behind());
  const std::string bad = pipeline(
      {{R"("window": {"type": "tumbling", "size": "10s"},)", ""},
       {R"("group_by": ["auction"],)", ""},
       {R"("aggregates": ["count(*) AS bids", "sum(price) AS volume", "max(price) AS top", "avg(fee) AS avg_fee"],)",
        R"("select": ["auction", "pricey"],)"}});
  EXPECT_EQ(run({"run", bad}), 2) << stderr_text_;
  EXPECT_NE(stderr_text_.find("select[1]: unknown column 'pricey'"), std::string::npos) << stderr_text_;
  EXPECT_FALSE(output_left_behind());
}

// A join in the pipeline file: web bids (left) with the other channels'
// bids (right) of the same auction, after the filter.
TEST_F(CliTest, JoinWritesEveryMatchingPairOnce) {
  const std::vector<std::pair<std::string, std::string>> edits = {
      {R"("event_time": {"column": "ts", "watermark_delay": "5s"},)", ""},
      {R"("window": {"type": "tumbling", "size": "10s"},)", ""},
      {R"("group_by": ["auction"],)", ""},
      {R"("aggregates": ["count(*) AS bids", "sum(price) AS volume", "max(price) AS top", "avg(fee) AS avg_fee"],)",
       R"("join": {"left": {"where": "channel = 'web'", "key": "auction", "columns": ["ts AS web_ts", "price"]},
                   "right": {"where": "channel <> 'web'", "key": "auction", "columns": ["channel", "price AS other"]}},)"}};
  const std::string expected = "web_ts,price,channel,other\n2026-01-01T00:00:30.000Z,1200,ios,1000\n";
  ASSERT_EQ(run({"run", pipeline(edits)}), 0) << stderr_text_;
  EXPECT_EQ(testing::read_file_text(output()), expected);
  ASSERT_EQ(run({"run", pipeline(edits), "--trigger", "processing-time:10ms", "--max-rows-per-trigger", "1",
                 "--threads", "2"}),
            0)
      << stderr_text_;
  EXPECT_EQ(testing::read_file_text(output()), expected);

  // A window join of distinct inputs: auction 1's web bids (two, in the
  // window [0 s, 10 s)) with itself, once.
  std::vector<std::pair<std::string, std::string>> windowed = edits;
  windowed[3].second = R"("join": {"window": {"type": "tumbling", "size": "10s"},
      "left": {"where": "channel = 'web'", "key": "auction", "columns": ["price"], "time": "ts", "distinct": true},
      "right": {"where": "channel = 'web'", "key": "auction", "columns": ["fee"], "time": "ts", "distinct": true}},)";
  ASSERT_EQ(run({"run", pipeline(windowed)}), 0) << stderr_text_;
  EXPECT_EQ(testing::read_file_text(output()),
            "window_start,window_end,price,fee\n"
            "2026-01-01T00:00:00.000Z,2026-01-01T00:00:10.000Z,1500,0.5\n"
            "2026-01-01T00:00:30.000Z,2026-01-01T00:00:40.000Z,1200,\n");

  std::filesystem::remove_all(directory_.file("out"));
  std::vector<std::pair<std::string, std::string>> bad = edits;
  bad[3].second = R"("join": {"left": {"key": "auction", "columns": ["price"]}, "right": {"key": "chanel", "columns": []}},)";
  EXPECT_EQ(run({"run", pipeline(bad)}), 2) << stderr_text_;
  EXPECT_NE(stderr_text_.find("join.right.key: unknown column 'chanel'"), std::string::npos) << stderr_text_;
  bad[3].second = R"("join": {"left": {"key": "auction", "columns": ["price"]}, "rigth": {}},)";
  EXPECT_EQ(run({"run", pipeline(bad)}), 2) << stderr_text_;
  EXPECT_NE(stderr_text_.find("join.rigth: unknown field"), std::string::npos) << stderr_text_;
  EXPECT_FALSE(output_left_behind());
}

// A top-N per window, and chained stages ("then"): per-window counts, then
// their sum per auction over the whole input.
TEST_F(CliTest, TopRowsAndChainedStages) {
  const std::string aggregates =
      R"x("aggregates": ["count(*) AS bids", "sum(price) AS volume", "max(price) AS top", "avg(fee) AS avg_fee"],)x";
  const std::vector<std::pair<std::string, std::string>> top = {
      {R"x("group_by": ["auction"],)x", ""},
      {aggregates, R"x("top": {"order_by": ["price DESC"], "columns": ["auction", "price"]},)x"}};
  ASSERT_EQ(run({"run", pipeline(top)}), 0) << stderr_text_;
  const std::string expected_top =
      "window_start,window_end,auction,price\n"
      "2026-01-01T00:00:00.000Z,2026-01-01T00:00:10.000Z,1,2500\n"
      "2026-01-01T00:00:10.000Z,2026-01-01T00:00:20.000Z,2,1000\n"
      "2026-01-01T00:00:30.000Z,2026-01-01T00:00:40.000Z,2,1200\n";
  EXPECT_EQ(testing::read_file_text(output()), expected_top);

  const std::vector<std::pair<std::string, std::string>> chained = {
      {aggregates, aggregates + R"x( "then": {"group_by": ["auction"], "aggregates": ["sum(bids) AS total"]},)x"}};
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{}, {"--trigger", "processing-time:10ms", "--max-rows-per-trigger", "1", "--threads", "2"}}) {
    std::vector<std::string> arguments = {"run", pipeline(chained)};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    ASSERT_EQ(run(arguments), 0) << stderr_text_;
    EXPECT_EQ(testing::read_file_text(output()), "auction,total\n1,2\n2,2\n");
  }

  std::filesystem::remove_all(directory_.file("out"));
  const std::vector<std::pair<std::string, std::string>> bad_cases[] = {
      {{aggregates, aggregates + R"x( "then": {"window": {"type": "tumbling", "size": "0s"}, "aggregates": ["count(*)"]},)x"}},
      {{aggregates, aggregates + R"x( "then": {"group_by": ["nope"], "aggregates": ["count(*)"]},)x"}},
      {{aggregates, R"x("aggregates": ["count(nope)"], "then": {"aggregates": ["count(*)"]},)x"}},
      {{aggregates, aggregates + R"x( "then": {"top": {"order_by": ["bids"], "columns": ["auction"], "limit": 0}},)x"}},
      {{aggregates, aggregates + R"x( "then": {"sink": {}},)x"}},
  };
  const char* expected_messages[] = {"then.window.size: must be greater than zero",
                                     "then.group_by[0]: unknown column 'nope'",
                                     "aggregates[0]: ", "then.top.limit: expected a positive integer",
                                     "then.sink: unknown field"};
  // A chain nested deeper than 64 stages is refused, not recursed into.
  std::string deep = "\"aggregates\": [\"count(*) AS n\"], ";
  for (int i = 0; i < 70; ++i) deep += "\"then\": {\"aggregates\": [\"count(*) AS n\"], ";
  deep += "\"where\": \"true\"" + std::string(70, '}') + ",";
  EXPECT_EQ(run({"run", pipeline({{aggregates, deep}})}), 2) << stderr_text_;
  EXPECT_NE(stderr_text_.find(".then: at most 64 stages"), std::string::npos) << stderr_text_;
  for (size_t i = 0; i < std::size(expected_messages); ++i) {
    EXPECT_EQ(run({"run", pipeline(bad_cases[i])}), 2) << stderr_text_;
    EXPECT_NE(stderr_text_.find(expected_messages[i]), std::string::npos) << i << ": " << stderr_text_;
  }
  EXPECT_FALSE(output_left_behind());
}

}  // namespace
}  // namespace weir
