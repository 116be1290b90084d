// Speed of the synthetic bids generator (ingest/bids_generator.h), building
// CSV lines in memory (no file I/O): rows/s and bytes/s of CSV produced.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "ingest/bids_generator.h"

namespace weir {
namespace {

void BM_AppendBidsCsvRows(benchmark::State& state) {
  const auto rows = static_cast<uint64_t>(state.range(0));
  const BidsGeneratorOptions options;
  std::string out;
  out.reserve(rows * 64);
  size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    append_bids_csv_rows(options, 0, rows, out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(rows),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AppendBidsCsvRows)->ArgName("rows")->Arg(1 << 20)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace weir
