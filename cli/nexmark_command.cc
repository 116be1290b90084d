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
#include "ingest/nexmark_batches.h"
#include "ingest/nexmark_config.h"
#include "ingest/nexmark_csv_dump.h"
#include "runtime/errors.h"
#include "runtime/timestamp.h"

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
// discarded; returns the wall time in seconds.
double generate_only(const NexmarkConfig& config, int64_t events) {
  tbb::enumerable_thread_specific<NexmarkBatches> scratch;
  const int64_t chunks = (events + kChunkEvents - 1) / kChunkEvents;
  const auto started = std::chrono::steady_clock::now();
  tbb::parallel_for(tbb::blocked_range<int64_t>(0, chunks, 1), [&](const tbb::blocked_range<int64_t>& range) {
    NexmarkBatches& batches = scratch.local();
    for (int64_t chunk = range.begin(); chunk < range.end(); ++chunk) {
      batches.clear();
      const int64_t begin = chunk * kChunkEvents;
      append_nexmark_events(config, begin, std::min(events, begin + kChunkEvents), batches);
    }
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  uint64_t rows = 0;
  for (const NexmarkBatches& batches : scratch) rows += batches.rows();
  if (rows == 0 && events > 0) throw InternalError("nexmark: no rows generated");
  return seconds;
}

}  // namespace

int run_nexmark_command(const NexmarkArguments& arguments) {
  if (arguments.dump.has_value() == arguments.query.has_value()) {
    throw ConfigError("nexmark: give exactly one of --dump DIR or --query none");
  }
  if (arguments.query && *arguments.query != "none") {
    throw ConfigError("--query " + *arguments.query +
                      ": not implemented yet (only 'none', which generates the events and discards them)");
  }
  if (!arguments.events) throw ConfigError("--events: required");
  const int64_t events = *arguments.events;
  if (events < 0) throw ConfigError("--events: must not be negative");
  if (arguments.query && events == 0) throw ConfigError("--events: must be at least 1 with --query none");
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

  double seconds = 0;
  arena.execute([&] { seconds = generate_only(config, events); });
  const double per_second = static_cast<double>(events) / seconds;
  fmt::print("events={} threads={} seconds={:.4f} events_per_s={:.0f} events_per_s_per_core={:.0f}\n", events,
             threads, seconds, per_second, per_second / static_cast<double>(threads));
  return static_cast<int>(ExitStatus::Success);
}

}  // namespace weir
