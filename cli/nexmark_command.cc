#include "cli/nexmark_command.h"

#include <fmt/core.h>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "cli/exit_status.h"
#include "cli/nexmark_queries.h"
#include "ingest/csv_sink.h"
#include "ingest/nexmark_source.h"
#include "ingest/nexmark_batches.h"
#include "ingest/nexmark_config.h"
#include "ingest/nexmark_csv_dump.h"
#include "runtime/errors.h"
#include "runtime/pipeline_builder.h"
#include "runtime/timestamp.h"
#include "runtime/trigger.h"

namespace weir {

namespace {

// Events per parallel task of --query none.
constexpr int64_t kChunkEvents = 16'384;

NexmarkConfig make_config(const NexmarkArguments& arguments) {
  NexmarkConfig config;
  config.events_per_second = arguments.rate;
  if (arguments.base_time) {
    const auto base = parse_timestamp(*arguments.base_time);
    if (!base) throw ConfigError("--base-time: not a timestamp: '" + *arguments.base_time + "'");
    config.base_time_millis = *base;
  }
  config.out_of_order_group_size = arguments.out_of_order_group_size;
  if (arguments.bid_shape == "flink") {
    config.bid_shape = NexmarkBidShape::Flink;
  } else if (arguments.bid_shape == "beam") {
    config.bid_shape = NexmarkBidShape::Beam;
  } else {
    throw ConfigError("--bid-shape: unknown shape '" + arguments.bid_shape + "' (flink or beam)");
  }
  config.validate();
  return config;
}

// Generates events [0, events) into per-thread batches that are reused and
// discarded; returns the wall time in seconds. As for a query that reads no
// string column: every event is drawn whole, no string is stored (a query
// stores the string columns it reads on top of this).
double generate_only(const NexmarkConfig& config, int64_t events) {
  const NexmarkStoredColumns no_strings{{0, 0, 0}};
  tbb::enumerable_thread_specific<NexmarkBatches> scratch;
  const int64_t chunks = (events + kChunkEvents - 1) / kChunkEvents;
  const auto started = std::chrono::steady_clock::now();
  tbb::parallel_for(tbb::blocked_range<int64_t>(0, chunks, 1), [&](const tbb::blocked_range<int64_t>& range) {
    NexmarkBatches& batches = scratch.local();
    for (int64_t chunk = range.begin(); chunk < range.end(); ++chunk) {
      batches.clear();
      const int64_t begin = chunk * kChunkEvents;
      append_nexmark_events(config, begin, std::min(events, begin + kChunkEvents), batches, no_strings);
    }
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  uint64_t rows = 0;
  for (const NexmarkBatches& batches : scratch) rows += batches.rows();
  if (rows == 0 && events > 0) throw InternalError("nexmark: no rows generated");
  return seconds;
}

// Counts the rows it is given and drops them (a query timed without --output,
// like Flink's blackhole connector).
class CountingSink final : public Sink {
 public:
  void open(std::shared_ptr<const Schema>) override {}
  void write(const Batch& batch) override { rows_ += batch.selection().size(); }
  void commit_epoch(uint64_t) override {}
  void finish() override {}
  void abort() noexcept override {}
  std::string describe() const override { return "discard"; }

 private:
  uint64_t rows_ = 0;
};

// Generates the query's stream and runs the query on it; returns the summary.
RunSummary run_query(const NexmarkQuery& query, const NexmarkConfig& config, int64_t events,
                     const NexmarkArguments& arguments, size_t threads) {
  PipelineBuilder builder;
  builder.source(std::make_unique<NexmarkSource>(config, query.streams, events));
  query.define(builder);
  if (arguments.output) {
    builder.sink(std::make_unique<CsvSink>(CsvSinkOptions{*arguments.output}));
  } else {
    builder.sink(std::make_unique<CountingSink>());
  }
  std::unique_ptr<Pipeline> pipeline = builder.build();
  RunOptions options;
  if (arguments.trigger) options.trigger = parse_trigger(*arguments.trigger);
  options.max_rows_per_trigger = arguments.max_rows_per_trigger;
  options.threads = threads;
  if (arguments.morsel_rows) options.morsel_rows = *arguments.morsel_rows;
  options.stop_signal = arguments.stop_signal;
  return pipeline->run(options);
}

}  // namespace

int run_nexmark_command(const NexmarkArguments& arguments) {
  if (arguments.dump.has_value() == arguments.query.has_value()) {
    throw ConfigError("nexmark: give exactly one of --dump DIR or --query none");
  }
  const NexmarkQuery* query = nullptr;
  if (arguments.query && *arguments.query != "none") {
    query = find_nexmark_query(*arguments.query);
    if (query == nullptr) {
      throw ConfigError("--query " + *arguments.query + ": not implemented yet (implemented: none, " +
                        nexmark_query_names() + ")");
    }
  }
  if (query == nullptr && (arguments.output || arguments.trigger || arguments.max_rows_per_trigger ||
                           arguments.morsel_rows)) {
    throw ConfigError("--output, --trigger, --max-rows-per-trigger and --morsel-rows need --query q0|q1|...");
  }
  if (!arguments.events) throw ConfigError("--events: required");
  const int64_t events = *arguments.events;
  if (events < 0) throw ConfigError("--events: must not be negative");
  if (arguments.query && events == 0) throw ConfigError("--events: must be at least 1 with --query");
  const NexmarkConfig config = make_config(arguments);
  const size_t threads =
      arguments.threads != 0 ? arguments.threads : std::max(1u, std::thread::hardware_concurrency());
  tbb::task_arena arena(static_cast<int>(threads));

  if (arguments.dump) {
    const auto started = std::chrono::steady_clock::now();
    NexmarkDumpCounts counts;
    arena.execute([&] { counts = dump_nexmark_csv(config, events, *arguments.dump); });
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    fmt::print(stderr, "dumped events={} persons={} auctions={} bids={} threads={} seconds={:.3f}\n", events,
               counts.persons, counts.auctions, counts.bids, threads, seconds);
    return static_cast<int>(ExitStatus::Success);
  }

  if (query != nullptr) {
    const RunSummary summary = run_query(*query, config, events, arguments, threads);
    if (summary.stopped_by_signal != 0) {
      // Not every event was processed: no throughput line.
      fmt::print(stderr, "weir: {} stopped by signal {} after {} rows out{}\n", query->name,
                 summary.stopped_by_signal, summary.rows_out,
                 arguments.output ? "; the output holds a prefix of the result" : "");
      return 128 + summary.stopped_by_signal;
    }
    const double per_second = static_cast<double>(events) / summary.wall_seconds;
    fmt::print("query={} events={} threads={} seconds={:.4f} events_per_s={:.0f} events_per_s_per_core={:.0f} "
               "rows_out={}\n",
               query->name, events, threads, summary.wall_seconds, per_second,
               per_second / static_cast<double>(threads), summary.rows_out);
    return static_cast<int>(ExitStatus::Success);
  }

  double seconds = 0;
  arena.execute([&] { seconds = generate_only(config, events); });
  const double per_second = static_cast<double>(events) / seconds;
  fmt::print("events={} threads={} seconds={:.4f} events_per_s={:.0f} events_per_s_per_core={:.0f}\n", events,
             threads, seconds, per_second, per_second / static_cast<double>(threads));
  return static_cast<int>(ExitStatus::Success);
}

}  // namespace weir
