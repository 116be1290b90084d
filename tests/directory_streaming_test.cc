// A watched directory under processing-time: files that appear later are
// picked up by later triggers, each read once, and what was emitted when the
// run is stopped equals the batch result for the windows closed by then.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "ingest/csv_epoch_files_sink.h"
#include "ingest/csv_sink.h"
#include "ingest/csv_source.h"
#include "runtime/pipeline_builder.h"
#include "tests/test_directory.h"

namespace weir {
namespace {

// Writes rows ts = first_ms, first_ms + 100, ... (< end_ms) under a hidden
// name, then renames it into the directory, as a well-behaved writer does.
void publish_file(const std::string& directory, const std::string& name, int64_t first_ms, int64_t end_ms,
                  const std::string& extra_rows = "") {
  const std::string hidden = directory + "/." + name + ".tmp";
  {
    std::ofstream out(hidden);
    out << "ts,k\n";
    for (int64_t ts = first_ms; ts < end_ms; ts += 100) out << ts << ',' << (ts / 100) % 2 << '\n';
    out << extra_rows;
  }
  std::filesystem::rename(hidden, directory + "/" + name);
}

size_t lines_in_sink_files(const std::string& directory) {
  size_t lines = 0;
  if (!std::filesystem::exists(directory)) return 0;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    const std::string text = testing::read_file_text(entry.path().string());
    lines = std::max<size_t>(lines, static_cast<size_t>(std::count(text.begin(), text.end(), '\n')));
  }
  return lines;
}

bool wait_for_lines(const std::string& directory, size_t lines) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (lines_in_sink_files(directory) >= lines) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::unique_ptr<Pipeline> make_pipeline(const std::string& input, const std::string& output) {
  CsvSourceOptions source;
  source.path = input;
  source.schema = Schema({{"ts", DataType::Timestamp}, {"k", DataType::Int64}});
  source.not_null_columns = {"ts"};
  return PipelineBuilder()
      .source(std::make_unique<CsvSource>(source))
      .event_time("ts", 2'000)
      .tumbling_window(5'000)
      .group_by({"k"})
      .aggregate("count(*) AS n")
      .aggregate("max(ts) AS last")
      .sink(std::make_unique<CsvSink>(CsvSinkOptions{output}))
      .build();
}

TEST(DirectoryStreamingTest, LaterFilesAreReadByLaterTriggersAndResultsMatchTheBatchRun) {
  testing::TestDirectory directory;
  const std::string input = directory.file("incoming");
  const std::string stream_out = directory.file("stream");
  std::filesystem::create_directories(input);
  publish_file(input, "a.csv", 0, 10'000);

  std::atomic<int> stop{0};
  RunOptions options;
  options.trigger = {TriggerKind::ProcessingTime, 20};
  options.threads = 2;
  options.stop_signal = &stop;
  RunSummary summary;
  auto pipeline = make_pipeline(input, stream_out + "/result.csv");
  std::thread runner([&] { summary = pipeline->run(options); });

  // Watermark 7.9 s closes [0,5): two groups.
  EXPECT_TRUE(wait_for_lines(stream_out, 3));
  publish_file(input, "b.csv", 10'000, 25'000);
  // Watermark 22.9 s closes [5,10), [10,15), [15,20).
  EXPECT_TRUE(wait_for_lines(stream_out, 9));
  // A row for the closed window [0,5) arrives late and is dropped.
  publish_file(input, "c.csv", 25'000, 40'000, "1000,1\n");
  EXPECT_TRUE(wait_for_lines(stream_out, 15));
  stop = SIGINT;
  runner.join();

  EXPECT_EQ(summary.stopped_by_signal, SIGINT);
  EXPECT_EQ(summary.rows_read, 401u);
  EXPECT_EQ(summary.rows_late, 1u);
  EXPECT_GE(summary.micro_batches, 3u);
  const std::string streamed = testing::read_file_text(stream_out + "/result.csv");

  // The batch run over the same files emits every window, including those
  // still open when the stream stopped ([35,40)).
  RunOptions batch_options;
  const RunSummary batch = make_pipeline(input, directory.file("batch.csv"))->run(batch_options);
  EXPECT_EQ(batch.rows_late, 1u);
  const std::string complete = testing::read_file_text(directory.file("batch.csv"));
  ASSERT_EQ(std::count(complete.begin(), complete.end(), '\n'), 17);
  ASSERT_EQ(std::count(streamed.begin(), streamed.end(), '\n'), 15);
  EXPECT_EQ(complete.substr(0, streamed.size()), streamed);
  EXPECT_NE(streamed.find("1970-01-01T00:00:30.000Z,1970-01-01T00:00:35.000Z,1,25,"), std::string::npos) << streamed;
}

// Files a reader sees (not the sink's hidden ones in progress).
size_t files_in(const std::string& directory) {
  if (!std::filesystem::exists(directory)) return 0;
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().filename().string()[0] != '.') ++files;
  }
  return files;
}

bool wait_for_file(const std::string& path) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(path)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

// Triggers that find no new input, or only a file without rows, change
// nothing and write no epoch file (Spark runs no micro-batch then); a
// micro-batch whose only row is late changes no aggregate and writes an
// epoch file with the header alone. The last upsert of each key is still the
// batch result.
TEST(DirectoryStreamingTest, TriggersWithoutNewRowsWriteNothingAndAnEmptyMicroBatchWritesOnlyTheHeader) {
  testing::TestDirectory directory;
  const std::string input = directory.file("incoming");
  const std::string output = directory.file("updates");
  std::filesystem::create_directories(input);
  auto make = [&](const std::string& sink_path, OutputMode mode) {
    CsvSourceOptions source;
    source.path = input;
    source.schema = Schema({{"ts", DataType::Timestamp}, {"k", DataType::Int64}});
    PipelineBuilder builder;
    builder.source(std::make_unique<CsvSource>(source))
        .event_time("ts", 2'000)
        .tumbling_window(5'000)
        .group_by({"k"})
        .aggregate("count(*) AS n")
        .output_mode(mode);
    if (mode == OutputMode::Update) {
      builder.sink(std::make_unique<CsvEpochFilesSink>(sink_path));
    } else {
      builder.sink(std::make_unique<CsvSink>(CsvSinkOptions{sink_path}));
    }
    return builder.build();
  };
  publish_file(input, "a.csv", 0, 10'000);

  std::atomic<int> stop{0};
  RunOptions options;
  options.trigger = {TriggerKind::ProcessingTime, 5};
  options.threads = 2;
  options.stop_signal = &stop;
  RunSummary summary;
  auto pipeline = make(output, OutputMode::Update);
  std::thread runner([&] { summary = pipeline->run(options); });

  ASSERT_TRUE(wait_for_file(CsvEpochFilesSink::epoch_file(output, 0)));
  const std::string first = testing::read_file_text(CsvEpochFilesSink::epoch_file(output, 0));
  // Dozens of triggers with no new input, then one with a file of no rows.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  publish_file(input, "b_empty.csv", 0, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(files_in(output), 1u);
  EXPECT_EQ(testing::read_file_text(CsvEpochFilesSink::epoch_file(output, 0)), first);
  // A row for the window [0, 5), closed at watermark 7.9 s: late.
  publish_file(input, "c_late.csv", 0, 0, "1000,1\n");
  ASSERT_TRUE(wait_for_file(CsvEpochFilesSink::epoch_file(output, 1)));
  EXPECT_EQ(testing::read_file_text(CsvEpochFilesSink::epoch_file(output, 1)), "window_start,window_end,k,n\n");
  publish_file(input, "d.csv", 10'000, 20'000);
  ASSERT_TRUE(wait_for_file(CsvEpochFilesSink::epoch_file(output, 2)));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop = SIGINT;
  runner.join();
  EXPECT_EQ(files_in(output), 3u);
  EXPECT_EQ(summary.rows_read, 201u);
  EXPECT_EQ(summary.rows_late, 1u);

  // The last upsert of each (window, k) equals the batch run's rows.
  std::map<std::string, std::string> last;
  for (uint64_t epoch = 0; epoch < 3; ++epoch) {
    std::istringstream lines(testing::read_file_text(CsvEpochFilesSink::epoch_file(output, epoch)));
    std::string line;
    std::getline(lines, line);  // header
    while (std::getline(lines, line)) last[line.substr(0, line.rfind(','))] = line;
  }
  const RunSummary batch = make(directory.file("batch.csv"), OutputMode::Append)->run(RunOptions{});
  EXPECT_EQ(batch.rows_late, 1u);
  std::istringstream lines(testing::read_file_text(directory.file("batch.csv")));
  std::string line;
  std::getline(lines, line);
  size_t batch_rows = 0;
  while (std::getline(lines, line)) {
    ++batch_rows;
    EXPECT_EQ(last[line.substr(0, line.rfind(','))], line);
  }
  EXPECT_EQ(batch_rows, 8u);
  EXPECT_EQ(last.size(), 8u);
}

}  // namespace
}  // namespace weir
