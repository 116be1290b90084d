// The `weir` command: `weir run PIPELINE.json [options]`, `weir generate-bids`
// (sample data for the demo and benchmarks), `weir benchmark` (the
// in-memory workloads of perf/compare_duckdb.sh) and `weir nexmark` (the
// Nexmark event generator).
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <thread>

#include "cli/benchmark_command.h"
#include "cli/exit_status.h"
#include "cli/nexmark_command.h"
#include "cli/pipeline_file.h"
#include "cli/run_summary_printer.h"
#include "ingest/bids_generator.h"
#include "memory/raw_allocation.h"
#include "runtime/errors.h"
#include "runtime/trigger.h"

namespace {

std::atomic<int> stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free atomic");

extern "C" void on_stop_signal(int signal_number) { stop_signal.store(signal_number); }

void install_stop_handlers() {
  struct sigaction action = {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  // A second Ctrl-C gets the default behaviour: stop at once.
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

struct RunArguments {
  std::string pipeline_path;
  std::optional<std::string> trigger;
  std::optional<uint64_t> max_rows_per_trigger;
  size_t threads = 0;
  std::optional<size_t> morsel_rows;  // none: the engine's per-stage default
  std::optional<std::string> output;
  std::optional<std::string> output_mode;
  bool quiet = false;
};

int run_pipeline(const RunArguments& arguments) {
  weir::PipelineFileOverrides overrides;
  overrides.output_path = arguments.output;
  if (arguments.output_mode) {
    overrides.output_mode = weir::parse_output_mode(*arguments.output_mode);
    if (!overrides.output_mode) {
      throw weir::ConfigError("--output-mode: unknown output mode '" + *arguments.output_mode +
                              "' (append, update, complete)");
    }
  }
  weir::LoadedPipeline loaded = weir::load_pipeline_file(arguments.pipeline_path, overrides);
  weir::RunOptions options;
  if (arguments.trigger) {
    options.trigger = weir::parse_trigger(*arguments.trigger);
  } else if (loaded.trigger) {
    options.trigger = *loaded.trigger;
  }
  options.max_rows_per_trigger =
      arguments.max_rows_per_trigger ? arguments.max_rows_per_trigger : loaded.max_rows_per_trigger;
  if (options.max_rows_per_trigger && *options.max_rows_per_trigger == 0) {
    throw weir::ConfigError("--max-rows-per-trigger: must be at least 1");
  }
  options.threads = arguments.threads;
  if (arguments.morsel_rows) {
    if (*arguments.morsel_rows == 0) throw weir::ConfigError("--morsel-rows: must be at least 1");
    options.morsel_rows = *arguments.morsel_rows;
  }
  options.stop_signal = &stop_signal;
  options.memory = loaded.memory.get();
  install_stop_handlers();
  const weir::RunSummary summary = loaded.pipeline->run(options);
  const size_t threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  if (!arguments.quiet) weir::print_run_summary(summary, options, threads, stderr);
  if (summary.stopped_by_signal != 0) return 128 + summary.stopped_by_signal;
  return static_cast<int>(weir::ExitStatus::Success);
}

// Runs before any shared library's initializer (and so before mimalloc maps
// its first segment): huge pages for all of the process's memory
// (memory/raw_allocation.h). The CSV tumbling-window benchmark, 8M rows:
// 3,170 page faults at 1 thread and 4,900 at 2 -> 320 and 340;
// docs/performance.md, session 16.
void configure_allocator(int, char**, char**) { weir::back_allocations_with_huge_pages(); }
__attribute__((section(".preinit_array"), used)) void (*const preinit_configure_allocator)(int, char**, char**) =
    configure_allocator;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Weir: one pipeline for batch and streaming; latency is a trigger setting."};
  app.require_subcommand(1);

  RunArguments run_arguments;
  CLI::App* run = app.add_subcommand("run", "Run a pipeline file");
  run->add_option("pipeline", run_arguments.pipeline_path, "The JSON pipeline file")->required();
  run->add_option("--trigger", run_arguments.trigger,
                  "available-now (default), once, or processing-time:<duration> (e.g. processing-time:30s)");
  run->add_option("--max-rows-per-trigger", run_arguments.max_rows_per_trigger,
                  "At most this many input rows per micro-batch");
  run->add_option("--threads", run_arguments.threads, "Worker threads (default: all cores)");
  run->add_option("--morsel-rows", run_arguments.morsel_rows, "Rows per morsel, the unit of parallel work");
  run->add_option("--output", run_arguments.output, "Write the result here instead of the sink's path");
  run->add_option("--output-mode", run_arguments.output_mode,
                  "append (final windows once), update (changed rows per trigger) or complete (whole table per "
                  "trigger); overrides the file's output_mode");
  run->add_flag("--quiet", run_arguments.quiet, "Do not print the summary");

  weir::BidsGeneratorOptions bids;
  std::string bids_output;
  CLI::App* generate = app.add_subcommand("generate-bids", "Write a sample bids CSV (out-of-order event times)");
  generate->add_option("--rows", bids.rows, "Number of rows");
  generate->add_option("--seed", bids.seed, "Random seed (same seed, same file)");
  generate->add_option("--events-per-second", bids.events_per_second, "Event-time rate");
  generate->add_option("--late-fraction", bids.late_fraction, "Fraction of rows late beyond the watermark delay");
  generate->add_option("--auctions", bids.auctions, "Distinct auction ids");
  generate->add_option("--output", bids_output, "CSV file to write")->required();

  weir::BenchmarkArguments benchmark;
  CLI::App* bench = app.add_subcommand(
      "benchmark", "Time an in-memory workload (the perf/ harness compares it with DuckDB)");
  bench
      ->add_option("--workload", benchmark.workload,
                   "ungrouped, group-by, tumbling-window, hopping-window or session-window")
      ->required();
  bench->add_option("--rows", benchmark.rows, "Rows of the synthetic table");
  bench->add_option("--keys", benchmark.keys, "Distinct group keys");
  bench->add_option("--threads", benchmark.threads, "Worker threads (default: all cores)");
  bench->add_option("--morsel-rows", benchmark.morsel_rows, "Rows per morsel");
  bench->add_option("--repeat", benchmark.repeat, "Runs; the best time is reported");
  bench->add_option("--output", benchmark.output, "Write the result of the last run as CSV");

  weir::NexmarkArguments nexmark;
  CLI::App* nexmark_app = app.add_subcommand(
      "nexmark", "Generate Nexmark events (person, auction, bid): dump them as CSV or time the generator");
  nexmark_app->add_option("--dump", nexmark.dump, "Write person.csv, auction.csv and bid.csv into this directory");
  nexmark_app->add_option("--query", nexmark.query,
                          "none: generate the events into memory and print the throughput; q0-q9, q11: run the query");
  nexmark_app->add_option("--events", nexmark.events, "Number of events (event ids 0..N-1)");
  nexmark_app->add_option("--threads", nexmark.threads, "Worker threads (default: all cores)");
  nexmark_app->add_option("--rate", nexmark.rate, "Events per second of event time (default 10000)");
  nexmark_app->add_option("--base-time", nexmark.base_time, "Time of event 0 (default 2015-07-15T00:00:00Z)");
  nexmark_app->add_option("--out-of-order-group-size", nexmark.out_of_order_group_size,
                          "Permute events within groups of this size (default 1: in order)");
  nexmark_app->add_option("--bid-shape", nexmark.bid_shape,
                          "flink (channel and url, the default) or beam (no channel or url draws)");
  nexmark_app->add_option("--output", nexmark.output, "With a query: write its result CSV here");
  nexmark_app->add_option("--trigger", nexmark.trigger,
                          "With a query: available-now (default), once or processing-time:DURATION");
  nexmark_app->add_option("--max-rows-per-trigger", nexmark.max_rows_per_trigger,
                          "With a query: at most this many stream rows per micro-batch");
  nexmark_app->add_option("--morsel-rows", nexmark.morsel_rows, "With a query: rows per morsel");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : static_cast<int>(weir::ExitStatus::BadConfiguration);
  }

  try {
    if (*run) return run_pipeline(run_arguments);
    if (*bench) return weir::run_benchmark_command(benchmark);
    if (*nexmark_app) {
      if (nexmark.query && *nexmark.query != "none") {
        // A query stops like `weir run`: the output keeps what was written.
        nexmark.stop_signal = &stop_signal;
        install_stop_handlers();
      }
      return weir::run_nexmark_command(nexmark);
    }
    if (*generate) {
      weir::write_bids_csv(bids, bids_output);
      return 0;
    }
  } catch (const weir::UserError& error) {
    fmt::print(stderr, "weir: error: {}\n", error.what());
    return error.exit_code();
  } catch (const std::exception& error) {
    fmt::print(stderr, "weir: internal error: {}\n", error.what());
    return static_cast<int>(weir::ExitStatus::InternalError);
  }
  return 0;
}
