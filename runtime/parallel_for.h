#pragma once

#include <cstddef>
#include <functional>

namespace weir {

// Runs body(0..count-1), possibly on several worker threads, and returns when
// every call has returned (EpochExecutor::parallel_for provides one). Calls
// with different indexes may run concurrently: they must write disjoint
// memory. Whatever the bodies wrote is visible to the caller afterwards.
// An empty ParallelFor means "run serially on the calling thread".
using ParallelFor = std::function<void(size_t count, const std::function<void(size_t)>& body)>;

}  // namespace weir
