#include "cli/run_summary_printer.h"

#include <fmt/core.h>

namespace weir {

void print_run_summary(const RunSummary& summary, const RunOptions& options, size_t threads, std::FILE* stream) {
  const double seconds = summary.wall_seconds > 0 ? summary.wall_seconds : 1e-9;
  const char* ending = summary.stopped_by_signal == 0 ? "finished" : "interrupted";
  fmt::print(stream, "weir: run {} (trigger {}, {} threads)\n", ending, describe_trigger(options.trigger), threads);
  fmt::print(stream, "  rows read      {}\n", summary.rows_read);
  fmt::print(stream, "  rows late      {} (dropped: their window had closed)\n", summary.rows_late);
  fmt::print(stream, "  rows out       {}\n", summary.rows_out);
  fmt::print(stream, "  micro-batches  {}\n", summary.micro_batches);
  fmt::print(stream, "  wall time      {:.3f} s\n", summary.wall_seconds);
  fmt::print(stream, "  of which        process {:.3f} s, combine {:.3f} s, emit {:.3f} s\n", summary.process_seconds,
             summary.combine_seconds, summary.emit_seconds);
  fmt::print(stream, "  rows/s         {:.0f}\n", static_cast<double>(summary.rows_read) / seconds);
  fmt::print(stream, "  peak memory    {:.1f} MiB\n", static_cast<double>(summary.peak_memory_bytes) / (1 << 20));
}

}  // namespace weir
