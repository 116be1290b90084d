// The CSV sink (ingest/csv_sink.h) formatting rows, single threaded, in
// rows per second, written to a file in the temporary directory (page
// cache): what the serial end of `weir run ... --output x.csv` costs.
//
//  * BM_CsvSinkWindowRows: the shape of a windowed aggregation's output
//    (window_start, window_end, key, count, sum, max): 41 windows of 1,000
//    keys, written as 32K-row batches (as emission writes them). The two
//    timestamps repeat for a window's 1,000 rows.
//  * BM_CsvSinkBidRows: the bids' own shape (timestamp, two int64, a
//    string, a float64), every timestamp different: a select-list
//    pipeline's output.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ingest/csv_sink.h"
#include "runtime/batch.h"

namespace weir {
namespace {

constexpr size_t kBatchRows = 32 * 1024;

std::string SinkPath() {
  return (std::filesystem::temp_directory_path() / ("weir_csv_sink_bench_" + std::to_string(getpid()) + ".csv"))
      .string();
}

std::vector<Batch> WindowRowBatches(const std::shared_ptr<const Schema>& schema, size_t windows, size_t keys) {
  std::vector<Batch> batches;
  size_t row = 0;
  for (size_t window = 0; window < windows; ++window) {
    const int64_t start = 1'767'225'600'000 + static_cast<int64_t>(window) * 10'000;
    for (size_t key = 0; key < keys; ++key, ++row) {
      if (row % kBatchRows == 0) batches.emplace_back(schema);
      Batch& batch = batches.back();
      batch.column(0).append_int64(start);
      batch.column(1).append_int64(start + 10'000);
      batch.column(2).append_int64(1000 + static_cast<int64_t>(key));
      batch.column(3).append_int64(static_cast<int64_t>(row % 397) + 1);
      batch.column(4).append_int64(static_cast<int64_t>(row * 7919 % 1'000'003));
      batch.column(5).append_int64(static_cast<int64_t>(row * 104'729 % 50'000));
    }
  }
  for (Batch& batch : batches) batch.set_num_rows(batch.column(0).size());
  return batches;
}

std::vector<Batch> BidRowBatches(const std::shared_ptr<const Schema>& schema, size_t rows) {
  const char* const channels[] = {"apple", "google", "facebook", "baidu", "a, quoted \"one\""};
  std::vector<Batch> batches;
  for (size_t row = 0; row < rows; ++row) {
    if (row % kBatchRows == 0) batches.emplace_back(schema);
    Batch& batch = batches.back();
    batch.column(0).append_int64(1'767'225'600'000 + static_cast<int64_t>(row) * 50 + static_cast<int64_t>(row % 7));
    batch.column(1).append_int64(1000 + static_cast<int64_t>(row % 1000));
    batch.column(2).append_int64(static_cast<int64_t>(row * 7919 % 100'000));
    batch.column(3).append_string(channels[row % 5]);
    batch.column(4).append_float64(static_cast<double>(row % 10'000) * 0.01);
  }
  for (Batch& batch : batches) batch.set_num_rows(batch.column(0).size());
  return batches;
}

void WriteAll(benchmark::State& state, const std::shared_ptr<const Schema>& schema, const std::vector<Batch>& batches,
              size_t rows) {
  const std::string path = SinkPath();
  for (auto _ : state) {
    CsvSink sink(CsvSinkOptions{path});
    sink.open(schema);
    for (const Batch& batch : batches) sink.write(batch);
    sink.commit_epoch(0);
    sink.finish();
  }
  std::filesystem::remove(path);
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * rows), benchmark::Counter::kIsRate);
}

void BM_CsvSinkWindowRows(benchmark::State& state) {
  const auto schema = std::make_shared<const Schema>(std::vector<Field>{{"window_start", DataType::Timestamp},
                                                                        {"window_end", DataType::Timestamp},
                                                                        {"auction", DataType::Int64},
                                                                        {"bids", DataType::Int64},
                                                                        {"volume", DataType::Int64},
                                                                        {"top", DataType::Int64}});
  const std::vector<Batch> batches = WindowRowBatches(schema, 41, 1000);
  WriteAll(state, schema, batches, 41'000);
}
BENCHMARK(BM_CsvSinkWindowRows)->Unit(benchmark::kMillisecond);

void BM_CsvSinkBidRows(benchmark::State& state) {
  const auto schema = std::make_shared<const Schema>(std::vector<Field>{{"ts", DataType::Timestamp},
                                                                        {"auction", DataType::Int64},
                                                                        {"price", DataType::Int64},
                                                                        {"channel", DataType::String},
                                                                        {"fee", DataType::Float64}});
  constexpr size_t kRows = 200'000;
  const std::vector<Batch> batches = BidRowBatches(schema, kRows);
  WriteAll(state, schema, batches, kRows);
}
BENCHMARK(BM_CsvSinkBidRows)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace weir
