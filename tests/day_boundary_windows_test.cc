// Windows that span midnight (and a year's end): hopping windows whose size
// is no multiple of their slide, a session, and day-long tumbling windows,
// each against a brute-force reference, under one trigger and under a
// micro-batch per row.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ingest/memory_sink.h"
#include "ingest/memory_source.h"
#include "runtime/pipeline_builder.h"
#include "runtime/timestamp.h"

namespace weir {
namespace {

constexpr int64_t kNewYear2026 = 1767225600000;  // 2026-01-01T00:00:00.000Z

// Rows every 700 ms from 23:59:50 to 00:00:10 (event times in order).
std::vector<int64_t> times_around_midnight() {
  std::vector<int64_t> times;
  for (int64_t t = kNewYear2026 - 10'000; t < kNewYear2026 + 10'000; t += 700) times.push_back(t);
  return times;
}

std::shared_ptr<const Batch> table_of(const std::vector<int64_t>& times) {
  auto table = std::make_shared<Batch>(
      std::make_shared<const Schema>(std::vector<Field>{{"ts", DataType::Timestamp}, {"k", DataType::Int64}}));
  for (const int64_t t : times) {
    table->column(0).append_int64(t);
    table->column(1).append_int64(1);
  }
  table->set_num_rows(times.size());
  return table;
}

// "start..end count" per output row, times formatted.
using Windows = std::vector<std::string>;

std::string window_line(int64_t start, int64_t end, int64_t count) {
  return format_timestamp(start) + ".." + format_timestamp(end) + " " + std::to_string(count);
}

Windows run(const std::vector<int64_t>& times, const std::function<void(PipelineBuilder&)>& window,
            uint64_t rows_per_trigger) {
  auto sink = std::make_unique<MemorySink>();
  MemorySink* rows = sink.get();
  PipelineBuilder builder;
  builder.source(std::make_unique<MemorySource>(table_of(times), "events")).event_time("ts", 0);
  window(builder);
  builder.group_by({"k"}).aggregate("count(*) AS n").sink(std::move(sink));
  const auto pipeline = builder.build();
  RunOptions options;
  if (rows_per_trigger > 0) {
    options.trigger = {TriggerKind::ProcessingTime, 0};
    options.max_rows_per_trigger = rows_per_trigger;
  }
  options.threads = 2;
  options.morsel_rows = 3;
  pipeline->run(options);
  Windows lines;
  for (const Batch& batch : rows->batches()) {
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      lines.push_back(window_line(batch.column(0).int64_data()[r], batch.column(1).int64_data()[r],
                                  batch.column(3).int64_data()[r]));
    }
  }
  return lines;
}

// Windows [start, start + size) at every multiple of slide, by start.
Windows hopping_reference(const std::vector<int64_t>& times, int64_t size, int64_t slide) {
  std::map<int64_t, int64_t> counts;
  for (const int64_t t : times) {
    for (int64_t start = t - t % slide; start > t - size; start -= slide) ++counts[start];
  }
  Windows lines;
  for (const auto& [start, count] : counts) lines.push_back(window_line(start, start + size, count));
  return lines;
}

TEST(DayBoundaryWindows, HoppingWindowsWhoseSizeIsNoMultipleOfTheSlideSpanMidnight) {
  const std::vector<int64_t> times = times_around_midnight();
  const Windows expected = hopping_reference(times, 10'000, 3'000);
  // The window that starts on the old year's last day and ends on the new one's.
  ASSERT_NE(std::find(expected.begin(), expected.end(),
                      window_line(kNewYear2026 - 3'000, kNewYear2026 + 7'000, 15)),
            expected.end());
  for (uint64_t rows_per_trigger : {0, 1, 7}) {
    EXPECT_EQ(run(times, [](PipelineBuilder& b) { b.hopping_window(10'000, 3'000); }, rows_per_trigger), expected)
        << rows_per_trigger << " rows per trigger";
  }
}

TEST(DayBoundaryWindows, DayLongTumblingWindowsSplitAtMidnightAndASessionSpansIt) {
  const std::vector<int64_t> times = times_around_midnight();
  const int64_t day = 86'400'000;
  const Windows days = {window_line(kNewYear2026 - day, kNewYear2026, 15),
                        window_line(kNewYear2026, kNewYear2026 + day, 14)};
  // Rows 700 ms apart with a 5 s gap: one session over both days.
  const Windows session = {window_line(times.front(), times.back() + 5'000, 29)};
  ASSERT_EQ(times.size(), 29u);
  for (uint64_t rows_per_trigger : {0, 1, 7}) {
    EXPECT_EQ(run(times, [&](PipelineBuilder& b) { b.tumbling_window(day); }, rows_per_trigger), days);
    EXPECT_EQ(run(times, [](PipelineBuilder& b) { b.session_window(5'000); }, rows_per_trigger), session);
  }
  EXPECT_EQ(format_timestamp(kNewYear2026 - 1), "2025-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace weir
