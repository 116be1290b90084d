#pragma once

#include <cstddef>
#include <vector>

#include "runtime/pipeline_fragment.h"

namespace weir {

// The columns of the source that a pipeline fragment's operators read:
// read[c] is true when the event-time column, the filter, the aggregation
// (keys, aggregate inputs, session time), the top-N, the select list or the
// join (predicates, keys, times, bounds, carried columns) refers to column
// c, and for every column when late rows are kept (they carry the source's
// columns). What Source::skip_unread_columns is given (projection pushdown).
//
// Contract: `fragment`'s parts are built against a schema of
// `source_columns` columns; pure.
std::vector<bool> source_columns_read(const PipelineFragment& fragment, size_t source_columns);

}  // namespace weir
