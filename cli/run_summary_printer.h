#pragma once

#include <cstdio>

#include "runtime/run_options.h"

namespace weir {

// Prints the end-of-run summary (rows read, late, out, micro-batches, wall
// time, rows/s) to `stream`, stderr in the CLI.
void print_run_summary(const RunSummary& summary, const RunOptions& options, size_t threads, std::FILE* stream);

}  // namespace weir
