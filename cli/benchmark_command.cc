#include "cli/benchmark_command.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <memory>
#include <thread>

#include "ingest/csv_sink.h"
#include "ingest/memory_sink.h"
#include "ingest/memory_source.h"
#include "ingest/synthetic_table.h"
#include "runtime/errors.h"
#include "runtime/pipeline_builder.h"

namespace weir {
namespace {

std::unique_ptr<Pipeline> build_workload(const std::string& workload, std::shared_ptr<const Batch> table,
                                         std::unique_ptr<Sink> sink) {
  PipelineBuilder builder;
  builder.source(std::make_unique<MemorySource>(std::move(table), "synthetic")).sink(std::move(sink));
  if (workload == "ungrouped") {
    builder.aggregate("count(v) AS n").aggregate("sum(v) AS total").aggregate("min(v) AS low").aggregate(
        "max(v) AS high");
  } else if (workload == "group-by") {
    builder.where("v >= -400000000").group_by({"k"}).aggregate("count(*) AS n").aggregate("sum(v) AS total").aggregate(
        "max(v) AS high");
  } else if (workload == "tumbling-window") {
    builder.event_time("ts", 5'000).tumbling_window(10'000).group_by({"k"}).aggregate("count(*) AS n").aggregate(
        "sum(v) AS total").aggregate("max(v) AS high");
  } else if (workload == "hopping-window") {
    builder.event_time("ts", 5'000).hopping_window(10'000, 2'000).group_by({"k"}).aggregate("count(*) AS n").aggregate(
        "sum(v) AS total").aggregate("max(v) AS high");
  } else if (workload == "session-window") {
    builder.event_time("ts", 5'000).session_window(1'000).group_by({"k"}).aggregate("count(*) AS n").aggregate(
        "sum(v) AS total").aggregate("max(v) AS high");
  } else {
    throw ConfigError("--workload: unknown workload '" + workload +
                      "' (ungrouped, group-by, tumbling-window, hopping-window or session-window)");
  }
  return builder.build();
}

}  // namespace

int run_benchmark_command(const BenchmarkArguments& arguments) {
  if (arguments.repeat < 1) throw ConfigError("--repeat: must be at least 1");
  if (arguments.morsel_rows && *arguments.morsel_rows == 0) throw ConfigError("--morsel-rows: must be at least 1");
  build_workload(arguments.workload, make_synthetic_table({1, 1}), std::make_unique<MemorySink>());  // validates
  const auto table = make_synthetic_table({arguments.rows, arguments.keys});

  RunOptions options;
  options.threads = arguments.threads;
  if (arguments.morsel_rows) options.morsel_rows = *arguments.morsel_rows;
  double best = std::numeric_limits<double>::infinity();
  std::unique_ptr<MemorySink> result;
  for (int r = 0; r < arguments.repeat; ++r) {
    auto sink = std::make_unique<MemorySink>();
    MemorySink* sink_view = sink.get();
    auto pipeline = build_workload(arguments.workload, table, std::move(sink));
    const auto started = std::chrono::steady_clock::now();
    const RunSummary summary = pipeline->run(options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (summary.rows_read != arguments.rows || summary.rows_late != 0) {
      throw InternalError("benchmark read " + std::to_string(summary.rows_read) + " rows, " +
                          std::to_string(summary.rows_late) + " late");
    }
    best = std::min(best, seconds);
    if (std::getenv("WEIR_BENCHMARK_PHASES") != nullptr) {
      fmt::print(stderr, "run {}: {:.4f} s (process {:.4f}, combine {:.4f}, emit {:.4f})\n", r + 1, seconds,
                 summary.process_seconds, summary.combine_seconds, summary.emit_seconds);
    }
    if (r + 1 == arguments.repeat) {
      // Keep the last result for --output (the pipeline owns the sink).
      if (arguments.output) {
        CsvSink csv({*arguments.output});
        csv.open(sink_view->schema());
        for (const Batch& batch : sink_view->batches()) csv.write(batch);
        csv.commit_epoch(0);
        csv.finish();
      }
    }
  }
  const size_t threads = arguments.threads != 0 ? arguments.threads : std::max(1u, std::thread::hardware_concurrency());
  fmt::print("workload={} rows={} keys={} threads={} seconds={:.4f} rows_per_s={:.0f}\n", arguments.workload,
             arguments.rows, arguments.keys, threads, best, static_cast<double>(arguments.rows) / best);
  return 0;
}

}  // namespace weir
