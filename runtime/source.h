#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/batch.h"
#include "runtime/schema.h"

namespace weir {

// A slice of a source's input cut by Source::next_morsel and later turned
// into a Batch by Source::load. Sources derive from it to remember where the
// rows are (a byte range of a file, a range of generated event ids, ...).
struct SourceMorsel {
  virtual ~SourceMorsel() = default;
  uint64_t first_row_ordinal = 0;  // position of the first row in cut order
  size_t num_rows = 0;             // exact number of rows the morsel holds
  uint32_t partition = 0;          // the partition the rows come from
};

// Where a source's input comes from; the first of Weir's three interfaces
// (source, operator, sink).
//
// Contract (who calls what, on which thread, in what order):
//  * The driver thread calls discover(), seal() and exhausted() between
//    epochs, never while an epoch runs.
//  * During an epoch, next_morsel() is called by one thread at a time, in
//    source order (a serial stage of the morsel pipeline). It cuts exactly
//    the rows it reports in num_rows, at most `max_rows`, in source order:
//    the first_row_ordinal of each morsel continues the previous one.
//    It returns nullptr when no discovered input is left.
//  * load() runs on any worker thread, concurrently for different morsels.
//    It fills `batch` (already cleared, with this source's schema) with the
//    morsel's rows and sets batch.first_row_ordinal and batch.first_line.
//  * Partitions: a source may consist of several partitions, each an
//    ordered sequence of rows of its own (a file of a directory read with
//    partition_by_file; later a Kafka partition). A morsel holds rows of one
//    partition, in that partition's order; morsels of different partitions
//    may be cut in any interleaving (round robin, so that every partition
//    advances). Watermarks and lateness are tracked per partition. Partition
//    indices are dense, start at 0 and never change; partition_count() only
//    grows (discover() may add partitions). A source with one partition
//    keeps the defaults below.
//  * Errors in the data throw InputError naming file, line, column and the
//    offending text. next_morsel() throws for structural errors (an
//    unterminated quote), load() for values (a field that does not parse).
class Source {
 public:
  virtual ~Source() = default;

  virtual std::shared_ptr<const Schema> schema() const = 0;

  // Looks for input that arrived since the last call (new files in a watched
  // directory). A no-op once sealed.
  virtual void discover() = 0;

  // No input will be looked for any more: the source ends where the input
  // discovered so far ends (the available-now and once triggers).
  virtual void seal() = 0;

  // True when the input has an end: no input arrives after what exists now
  // (a single file, an in-memory table, a sealed directory).
  virtual bool bounded() const = 0;
  // True when the source can never yield another row: it is bounded and
  // every discovered row was cut into morsels.
  virtual bool exhausted() const = 0;

  // The partitions discovered so far (driver thread, between epochs).
  virtual size_t partition_count() const { return 1; }
  // True when partition `partition` can never yield another row: its input
  // was cut whole and nothing can be appended to it (a file of a directory
  // read with partition_by_file, once read). A finished partition no longer
  // holds the watermark back. Driver thread, between epochs.
  virtual bool partition_finished(size_t partition) const {
    (void)partition;
    return exhausted();
  }
  // True when partition `partition` has discovered rows that were not cut
  // yet. A partition with nothing to cut for the pipeline's idle timeout
  // stops holding the watermark back. Driver thread, between epochs.
  virtual bool partition_has_input(size_t partition) const {
    (void)partition;
    return !exhausted();
  }

  // Projection pushdown: the pipeline calls this once, on the driver
  // thread, before the first next_morsel(), with read[c] false for each
  // column c that none of its operators reads (read has schema()->size()
  // entries). load() may then fill such a column with NULLs instead of its
  // values, and need not check them: a value that would not parse there is
  // not reported (DuckDB's CSV reader does the same). Record structure is
  // still checked. The default loads every column.
  virtual void skip_unread_columns(const std::vector<bool>& read) { (void)read; }

  virtual std::unique_ptr<SourceMorsel> next_morsel(size_t max_rows) = 0;

  virtual void load(SourceMorsel& morsel, Batch& batch) const = 0;

  // Optional work the serial stage would otherwise do, done ahead on a
  // worker: called by workers before each load(), concurrently with each
  // other and with next_morsel() (a file source reads the next blocks of
  // its file, so that next_morsel() only finds record ends). Never throws:
  // an error is left for next_morsel() to meet in order. Default: nothing.
  virtual void read_ahead() const noexcept {}

  // A short description for summaries and messages ("csv data/bids.csv").
  virtual std::string describe() const = 0;
};

}  // namespace weir
