#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace weir {

// `weir nexmark`: the Nexmark event generator (ingest/nexmark_generator.h,
// docs/nexmark.md) from the command line.
//
//   weir nexmark --dump DIR --events N [--threads T]
//       writes DIR/person.csv, DIR/auction.csv and DIR/bid.csv
//       (ingest/nexmark_csv_dump.h); prints one line on stderr:
//       dumped events=N persons=P auctions=A bids=B threads=T seconds=S
//   weir nexmark --query none --events N [--threads T]
//       generates the N events into columnar batches, discards them, and
//       prints on stdout:
//       events=N threads=T seconds=S events_per_s=X events_per_s_per_core=Y
//   weir nexmark --query q0|q1|q2|q3|q8|q11 --events N [--threads T]
//               [--trigger T] [--max-rows-per-trigger R] [--morsel-rows M]
//               [--output PATH]
//       generates the query's stream (cli/nexmark_queries.h) and runs the
//       query on it in one process; prints on stdout
//       query=qN events=N threads=T seconds=S events_per_s=X
//       events_per_s_per_core=Y rows_out=R
//       (events counts every generated event, as the published figures do);
//       with --output the result is written there as CSV (atomically).
//   Other --query values are refused (exit 2: not implemented yet).
//
// Common options: --rate (events per second of event time, default 10000),
// --base-time (default 2015-07-15T00:00:00Z), --out-of-order-group-size
// (default 1), --bid-shape flink|beam (default flink). Output is the same for
// any --threads. Bad arguments throw ConfigError (exit 2).
//
// Contract: called once from main() on the main thread; generation runs on a
// oneTBB arena of --threads slots (0 = all cores).
struct NexmarkArguments {
  std::optional<std::string> dump;
  std::optional<std::string> query;
  std::optional<int64_t> events;
  size_t threads = 0;
  double rate = 10'000;
  std::optional<std::string> base_time;
  int64_t out_of_order_group_size = 1;
  std::string bid_shape = "flink";
  // With a query (q0, q1, q2, q3, q8, q11): where the result CSV goes (none: the
  // rows are counted and dropped), and the run options of `weir run`.
  std::optional<std::string> output;
  std::optional<std::string> trigger;
  std::optional<uint64_t> max_rows_per_trigger;
  std::optional<size_t> morsel_rows;
  // Set by main for a query: SIGINT/SIGTERM stop the run as in `weir run`.
  const std::atomic<int>* stop_signal = nullptr;
};

// Returns the exit status.
int run_nexmark_command(const NexmarkArguments& arguments);

}  // namespace weir
