// Session windows through the pipeline: a row that bridges two sessions of
// its key merges them, whether the three rows arrive in one micro-batch or in
// three, on one thread or several; keys never share sessions.
#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "ingest/memory_sink.h"
#include "ingest/memory_source.h"
#include "runtime/errors.h"
#include "runtime/pipeline_builder.h"

namespace weir {
namespace {

struct Event {
  int64_t ts;
  int64_t key;
  int64_t value;
};

std::shared_ptr<const Batch> table_of(const std::vector<Event>& events) {
  auto table = std::make_shared<Batch>(std::make_shared<const Schema>(
      std::vector<Field>{{"ts", DataType::Timestamp}, {"k", DataType::Int64}, {"v", DataType::Int64}}));
  for (const Event& e : events) {
    table->column(0).append_int64(e.ts);
    table->column(1).append_int64(e.key);
    table->column(2).append_int64(e.value);
  }
  table->set_num_rows(events.size());
  return table;
}

// Runs sessions of `gap` per k (count, sum(v)) and returns the rows as
// "start,end,k,count,sum" lines.
std::vector<std::string> run_sessions(const std::vector<Event>& events, int64_t gap, int64_t delay,
                                      uint64_t rows_per_trigger, size_t threads, size_t morsel_rows) {
  auto sink = std::make_unique<MemorySink>();
  MemorySink* sink_view = sink.get();
  PipelineBuilder builder;
  builder.source(std::make_unique<MemorySource>(table_of(events), "events"))
      .event_time("ts", delay)
      .session_window(gap)
      .group_by({"k"})
      .aggregate("count(*) AS n")
      .aggregate("sum(v) AS total")
      .sink(std::move(sink));
  const auto pipeline = builder.build();
  RunOptions options;
  options.trigger = {TriggerKind::ProcessingTime, 0};
  options.max_rows_per_trigger = rows_per_trigger;
  options.threads = threads;
  options.morsel_rows = morsel_rows;
  const RunSummary summary = pipeline->run(options);
  EXPECT_EQ(summary.rows_late, 0u);
  std::vector<std::string> lines;
  for (const Batch& batch : sink_view->batches()) {
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      std::string line;
      for (size_t c = 0; c < batch.num_columns(); ++c) {
        line += (c > 0 ? "," : "") + std::to_string(batch.column(c).int64_data()[r]);
      }
      lines.push_back(line);
    }
  }
  return lines;
}

TEST(SessionWindows, ABridgingRowMergesSessionsAcrossMicroBatches) {
  // Key 1: sessions [1000, 2500) and [3000, 4500) until the row at 2000
  // bridges them into [1000, 4500). Key 2 at 2200 overlaps both in time but
  // is another key. The delay keeps every row on time.
  const std::vector<Event> events = {{1000, 1, 1}, {3000, 1, 10}, {2200, 2, 5}, {2000, 1, 100}, {9000, 1, 1000}};
  const std::vector<std::string> expected = {"2200,3700,2,1,5", "1000,4500,1,3,111", "9000,10500,1,1,1000"};
  for (uint64_t rows_per_trigger : {1, 2, 5}) {
    for (size_t threads : {1, 2}) {
      for (size_t morsel_rows : {1, 3, 1000}) {
        EXPECT_EQ(run_sessions(events, 1500, 5000, rows_per_trigger, threads, morsel_rows), expected)
            << rows_per_trigger << " rows per trigger, " << threads << " threads, morsels of " << morsel_rows;
      }
    }
  }
}

TEST(SessionWindows, RowsExactlyAGapApartStartANewSession) {
  // [t, t + gap) intervals: 1000 + 500 = 1500 does not overlap [1500, 2000).
  const std::vector<Event> events = {{1000, 7, 1}, {1500, 7, 2}, {1999, 7, 4}};
  const std::vector<std::string> expected = {"1000,1500,7,1,1", "1500,2499,7,2,6"};
  EXPECT_EQ(run_sessions(events, 500, 0, 1, 2, 1), expected);
  EXPECT_EQ(run_sessions(events, 500, 0, 3, 1, 1000), expected);
}

TEST(SessionWindows, ASumOverflowNamesTheSessionItHappensIn) {
  // Key 2's session [5000, 6500) sums past int64; key 1's sessions are fine.
  // Emission is column-at-a-time, the error still names the session.
  const int64_t big = std::numeric_limits<int64_t>::max() - 10;
  const std::vector<Event> events = {{1000, 1, 1}, {5000, 2, big}, {5100, 2, big}, {9000, 1, 2}};
  for (size_t threads : {1, 2}) {
    try {
      run_sessions(events, 1500, 0, 100, threads, 2);
      ADD_FAILURE() << "no error";
    } catch (const InputError& error) {
      const std::string message = error.what();
      EXPECT_NE(message.find("sum overflows int64 in total"), std::string::npos) << message;
      EXPECT_NE(message.find("session starting 1970-01-01T00:00:05.000Z"), std::string::npos) << message;
    }
  }
}

// Records each committed epoch's rows as "start,end,k,count,sum" lines.
class EpochLinesSink final : public Sink {
 public:
  void open(std::shared_ptr<const Schema>) override {}
  void write(const Batch& batch) override {
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      const uint32_t row = batch.selection().data()[r];
      std::string line;
      for (size_t c = 0; c < batch.num_columns(); ++c) {
        line += (c > 0 ? "," : "") + std::to_string(batch.column(c).int64_data()[row]);
      }
      pending_.push_back(line);
    }
  }
  void commit_epoch(uint64_t) override { epochs_.push_back(std::move(pending_)), pending_.clear(); }
  void finish() override {}
  void abort() noexcept override {}
  std::string describe() const override { return "epoch lines"; }
  const std::vector<std::vector<std::string>>& epochs() const { return epochs_; }

 private:
  std::vector<std::string> pending_;
  std::vector<std::vector<std::string>> epochs_;
};

TEST(SessionWindows, CompleteOutputWritesEverySessionOpenOrClosedAtEachTrigger) {
  // One row per trigger (delay 5s): key 1 opens [1000, 2500), then
  // [3000, 4500), the row at 2000 merges them; the row at 20000 moves the
  // watermark to 15000, closing [1000, 4500), which complete output still
  // writes.
  const std::vector<Event> events = {{1000, 1, 1}, {3000, 1, 10}, {2000, 1, 100}, {20000, 1, 1000}};
  const std::vector<std::vector<std::string>> expected_first = {
      {"1000,2500,1,1,1"},
      {"1000,2500,1,1,1", "3000,4500,1,1,10"},
      {"1000,4500,1,3,111"},
      {"1000,4500,1,3,111", "20000,21500,1,1,1000"}};
  for (size_t threads : {1, 2}) {
    auto sink = std::make_unique<EpochLinesSink>();
    EpochLinesSink* epochs = sink.get();
    PipelineBuilder builder;
    builder.source(std::make_unique<MemorySource>(table_of(events), "events"))
        .event_time("ts", 5000)
        .session_window(1500)
        .group_by({"k"})
        .aggregate("count(*) AS n")
        .aggregate("sum(v) AS total")
        .output_mode(OutputMode::Complete)
        .sink(std::move(sink));
    RunOptions options;
    options.trigger = {TriggerKind::ProcessingTime, 0};
    options.max_rows_per_trigger = 1;
    options.threads = threads;
    options.morsel_rows = 1;
    const auto pipeline = builder.build();  // owns the sink
    pipeline->run(options);
    ASSERT_GE(epochs->epochs().size(), expected_first.size()) << threads << " threads";
    for (size_t e = 0; e < expected_first.size(); ++e) {
      EXPECT_EQ(epochs->epochs()[e], expected_first[e]) << "epoch " << e << ", " << threads << " threads";
    }
    // The last table is the append result.
    EXPECT_EQ(epochs->epochs().back(), run_sessions(events, 1500, 5000, 1, threads, 1)) << threads << " threads";
  }
}

TEST(SessionWindows, UpdateOutputIsRefused) {
  PipelineBuilder builder;
  builder.source(std::make_unique<MemorySource>(table_of({{1000, 1, 1}}), "events"))
      .event_time("ts", 0)
      .session_window(1500)
      .group_by({"k"})
      .aggregate("count(*) AS n")
      .output_mode(OutputMode::Update)
      .sink(std::make_unique<MemorySink>());
  try {
    builder.build();
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("session windows support append and complete output, not update"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace weir
