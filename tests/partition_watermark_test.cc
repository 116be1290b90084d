// Partitioned sources: MemorySource and CsvSource (partition_by_file) cut
// their partitions round robin and report when each is finished; the
// pipeline's watermark is the minimum over the partitions that hold it back,
// and idle_timeout releases a partition that has no input.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ingest/csv_source.h"
#include "ingest/memory_sink.h"
#include "ingest/memory_source.h"
#include "runtime/pipeline_builder.h"
#include "tests/test_directory.h"

namespace weir {
namespace {

std::shared_ptr<const Schema> ts_k_schema() {
  return std::make_shared<const Schema>(std::vector<Field>{{"ts", DataType::Timestamp}, {"k", DataType::Int64}});
}

std::shared_ptr<const Batch> table_of(const std::vector<int64_t>& times, int64_t key) {
  auto table = std::make_shared<Batch>(ts_k_schema());
  for (int64_t t : times) {
    table->column(0).append_int64(t);
    table->column(1).append_int64(key);
  }
  table->set_num_rows(times.size());
  return table;
}

TEST(PartitionedMemorySource, CutsPartitionsInTurnEachInItsOwnOrder) {
  MemorySource source({table_of({1, 2, 3, 4, 5}, 0), table_of({}, 1), table_of({10, 20}, 2)}, "parts");
  ASSERT_EQ(source.partition_count(), 3u);
  EXPECT_TRUE(source.partition_finished(1));  // empty from the start
  std::vector<std::pair<uint32_t, int64_t>> cut;  // (partition, first time of the morsel)
  uint64_t ordinal = 0;
  while (auto morsel = source.next_morsel(2)) {
    EXPECT_EQ(morsel->first_row_ordinal, ordinal);
    ordinal += morsel->num_rows;
    Batch batch(source.schema());
    source.load(*morsel, batch);
    ASSERT_EQ(batch.num_rows(), morsel->num_rows);
    cut.emplace_back(morsel->partition, batch.column(0).int64_data()[0]);
    if (morsel->partition == 2) EXPECT_TRUE(source.partition_finished(2));
  }
  const std::vector<std::pair<uint32_t, int64_t>> expected = {{0, 1}, {2, 10}, {0, 3}, {0, 5}};
  EXPECT_EQ(cut, expected);
  EXPECT_TRUE(source.exhausted());
  EXPECT_TRUE(source.partition_finished(0));
}

TEST(PartitionedCsvSource, EachFileIsAPartitionFinishedOnceReadEvenWhileWatched) {
  testing::TestDirectory directory;
  const std::string input = directory.file("in");
  std::filesystem::create_directories(input);
  for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
           {"a.csv", "ts,k\n1,1\n2,1\n3,1\n"}, {"b.csv", "ts,k\n7,2\n"}}) {
    std::ofstream(input + "/" + name) << text;
  }
  CsvSourceOptions options{input, Schema(ts_k_schema()->fields()), {"ts"}, true};
  CsvSource source(options);
  ASSERT_EQ(source.partition_count(), 2u);
  EXPECT_FALSE(source.bounded());  // a watched directory
  std::vector<std::pair<uint32_t, size_t>> cut;  // (partition, rows)
  while (auto morsel = source.next_morsel(2)) cut.emplace_back(morsel->partition, morsel->num_rows);
  const std::vector<std::pair<uint32_t, size_t>> expected = {{0, 2}, {1, 1}, {0, 1}};
  EXPECT_EQ(cut, expected);
  EXPECT_TRUE(source.partition_finished(0));
  EXPECT_TRUE(source.partition_finished(1));
  EXPECT_FALSE(source.exhausted());  // more files may appear

  std::ofstream(input + "/c.csv") << "ts,k\n5,3\n";
  source.discover();
  ASSERT_EQ(source.partition_count(), 3u);
  EXPECT_FALSE(source.partition_finished(2));
  EXPECT_TRUE(source.partition_has_input(2));

  // Without partition_by_file the directory is one partition that is never
  // finished while it is watched.
  options.partition_by_file = false;
  CsvSource single(options);
  EXPECT_EQ(single.partition_count(), 1u);
  while (single.next_morsel(100)) {
  }
  EXPECT_FALSE(single.partition_finished(0));
  single.seal();
  EXPECT_TRUE(single.partition_finished(0));
}

// Two partitions whose rows are released step by step, one step per
// discover() (so one per processing-time trigger).
class ScriptedSource final : public Source {
 public:
  // steps[i][p]: the event times partition p receives at the i-th discover().
  explicit ScriptedSource(std::vector<std::vector<std::vector<int64_t>>> steps) : steps_(std::move(steps)) {}

  std::shared_ptr<const Schema> schema() const override { return schema_; }
  void discover() override {
    if (next_step_ == steps_.size()) return;
    for (size_t p = 0; p < 2; ++p) {
      for (int64_t t : steps_[next_step_][p]) released_[p].push_back(t);
    }
    ++next_step_;
    // Let processing time pass between triggers (the idle timeout is 1 ms).
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  void seal() override {
    while (next_step_ < steps_.size()) discover();
  }
  bool bounded() const override { return next_step_ == steps_.size(); }
  bool exhausted() const override { return partition_finished(0) && partition_finished(1); }
  size_t partition_count() const override { return 2; }
  bool partition_finished(size_t p) const override { return bounded() && !partition_has_input(p); }
  bool partition_has_input(size_t p) const override { return cut_[p] < released_[p].size(); }

  std::unique_ptr<SourceMorsel> next_morsel(size_t max_rows) override {
    for (size_t tried = 0; tried < 2; ++tried) {
      const size_t p = turn_;
      turn_ = 1 - turn_;
      if (!partition_has_input(p)) continue;
      auto morsel = std::make_unique<Morsel>();
      morsel->partition = static_cast<uint32_t>(p);
      morsel->first = cut_[p];
      morsel->num_rows = std::min(max_rows, released_[p].size() - cut_[p]);
      morsel->first_row_ordinal = ordinal_;
      ordinal_ += morsel->num_rows;
      cut_[p] += morsel->num_rows;
      return morsel;
    }
    return nullptr;
  }
  void load(SourceMorsel& morsel, Batch& batch) const override {
    const auto& scripted = static_cast<const Morsel&>(morsel);
    for (size_t i = 0; i < morsel.num_rows; ++i) {
      batch.column(0).append_int64(released_[morsel.partition][scripted.first + i]);
      batch.column(1).append_int64(static_cast<int64_t>(morsel.partition));
    }
    batch.set_num_rows(morsel.num_rows);
    batch.first_row_ordinal = morsel.first_row_ordinal;
  }
  std::string describe() const override { return "scripted"; }

 private:
  struct Morsel final : SourceMorsel {
    size_t first = 0;
  };
  std::shared_ptr<const Schema> schema_ = ts_k_schema();
  std::vector<std::vector<std::vector<int64_t>>> steps_;
  size_t next_step_ = 0;
  std::vector<int64_t> released_[2];
  size_t cut_[2] = {0, 0};
  size_t turn_ = 0;
  uint64_t ordinal_ = 0;
};

// Counts the rows written before each commit.
class RecordingSink final : public Sink {
 public:
  explicit RecordingSink(std::vector<uint64_t>* rows_at_commit) : rows_at_commit_(rows_at_commit) {}
  void open(std::shared_ptr<const Schema>) override {}
  void write(const Batch& batch) override {
    rows_ += batch.num_rows();
    for (size_t r = 0; r < batch.num_rows(); ++r) counts_.push_back(batch.column(2).int64_data()[r]);
  }
  void commit_epoch(uint64_t) override { rows_at_commit_->push_back(rows_); }
  void finish() override { rows_at_commit_->push_back(1000 + counts_.front()); }  // first window's count
  void abort() noexcept override {}
  std::string describe() const override { return "recording"; }

 private:
  std::vector<uint64_t>* rows_at_commit_;
  uint64_t rows_ = 0;
  std::vector<int64_t> counts_;
};

struct IdleRun {
  std::vector<uint64_t> rows_at_commit;  // then 1000 + the first window's count
  RunSummary summary;
  std::string late_reason;
};

IdleRun run_scripted(bool idle_timeout) {
  // Partition 1 sends one row, then nothing until a row at 3000 at the end.
  auto source = std::make_unique<ScriptedSource>(std::vector<std::vector<std::vector<int64_t>>>{
      {{1000, 2000}, {1500}}, {{12000}, {}}, {{23000}, {}}, {{34000}, {}}, {{}, {3000}}});
  IdleRun run;
  auto late = std::make_unique<MemorySink>();
  MemorySink* late_view = late.get();
  PipelineBuilder builder;
  builder.source(std::move(source))
      .event_time("ts", 0)
      .tumbling_window(10'000)
      .aggregate("count(*) AS n")
      .sink(std::make_unique<RecordingSink>(&run.rows_at_commit))
      .late_sink(std::move(late));
  if (idle_timeout) builder.idle_timeout(1);
  RunOptions options;
  options.trigger = {TriggerKind::ProcessingTime, 0};
  options.threads = 2;
  const auto pipeline = builder.build();  // owns the late sink read below
  run.summary = pipeline->run(options);
  for (const Batch& batch : late_view->batches()) {
    for (size_t r = 0; r < batch.num_rows(); ++r) run.late_reason += std::string(batch.column(2).string_at(r));
  }
  return run;
}

TEST(PartitionWatermark, AQuietPartitionHoldsTheWatermarkUnlessIdleTimeoutReleasesIt) {
  // Without idle_timeout partition 1 (watermark 1500) holds every window
  // open until the input ends; its late row still counts in window 0.
  const IdleRun held = run_scripted(false);
  ASSERT_GE(held.rows_at_commit.size(), 3u);
  for (size_t i = 0; i + 2 < held.rows_at_commit.size(); ++i) EXPECT_EQ(held.rows_at_commit[i], 0u) << i;
  EXPECT_EQ(held.rows_at_commit[held.rows_at_commit.size() - 2], 4u);  // windows 0, 10s, 20s, 30s
  EXPECT_EQ(held.rows_at_commit.back(), 1000u + 4);                    // 1000, 1500, 2000, 3000
  EXPECT_EQ(held.summary.rows_late, 0u);

  // With it, partition 1 stops holding the watermark once quiet: window 0
  // is written early, and partition 1's row at 3000 arrives after that window
  // closed: late, though on time by its own partition's order.
  const IdleRun released = run_scripted(true);
  ASSERT_GE(released.rows_at_commit.size(), 3u);
  EXPECT_GT(released.rows_at_commit[released.rows_at_commit.size() - 3], 0u);
  EXPECT_EQ(released.rows_at_commit[released.rows_at_commit.size() - 2], 4u);
  EXPECT_EQ(released.rows_at_commit.back(), 1000u + 3);
  EXPECT_EQ(released.summary.rows_late, 1u);
  EXPECT_NE(released.late_reason.find("window 1970-01-01T00:00:00"), std::string::npos) << released.late_reason;
}

}  // namespace
}  // namespace weir
