#pragma once

#include <cstdint>
#include <vector>

#include "ingest/csv_source.h"
#include "runtime/batch.h"

namespace weir {

// Parses the records of one CSV morsel into `batch` (whose columns are the
// source's schema, empty): the column-at-a-time path for windows of text
// without quotes, the record-by-record path for the rest. `not_null[c]`:
// column c must not be NULL; `read[c] == 0`: column c is not read by the
// pipeline and is filled with NULLs, its fields skipped (empty `read`:
// every column is read).
//
// Contract: any worker thread, concurrently for different morsels; reads
// only the morsel's bytes (never at or past its end: the cut stage may be
// filling the rest of the chunk) and immutable state. Throws InputError
// naming the file, line and column for a value that does not parse, a
// NULL in a not-null column, or a record of the wrong shape; the batch is
// then partly filled and must be discarded.
void load_csv_morsel(const CsvMorsel& morsel, const std::vector<uint8_t>& not_null,
                     const std::vector<uint8_t>& read, Batch& batch);

}  // namespace weir
