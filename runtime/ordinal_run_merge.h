#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "runtime/parallel_for.h"

namespace weir {

// Merges sorted runs of elements whose order (T's operator<) starts with an
// ordinal (ordinal_of(element), a uint64_t) into `out`, sorted, equal
// elements in the order of their runs (a stable merge of the runs in turn).
//
// For a join's epoch of output pairs, one run per key-hash partition: the
// ordinal range is cut into chunks of about `chunk_elements` elements (the
// cuts found in every run by binary search), and each chunk is merged on a
// worker of `parallel_for` (empty: serially) in the cache: its pieces of the
// runs are copied next to each other, then merged pairwise, level by level,
// between the output and a scratch buffer. Every element is written to main
// memory once, instead of once per merge level over the whole output.
//
// Runs on the calling thread (which owns the runs and `out`); the chunk
// bodies write disjoint parts of `out`.
template <typename T, typename OrdinalOf>
void merge_ordinal_runs(const std::vector<std::span<const T>>& runs, std::vector<T>& out, OrdinalOf ordinal_of,
                        const ParallelFor& parallel_for, size_t chunk_elements = 64 * 1024) {
  size_t total = 0;
  uint64_t low = std::numeric_limits<uint64_t>::max();
  uint64_t high = 0;
  for (const std::span<const T>& run : runs) {
    if (run.empty()) continue;
    total += run.size();
    low = std::min(low, ordinal_of(run.front()));
    high = std::max(high, ordinal_of(run.back()));
  }
  out.clear();
  if (total == 0) return;
  out.resize(total);
  // Chunk c holds the ordinals [bounds[c], bounds[c + 1]); the last bound
  // is past `high` (computed in 128 bits: high may be the largest ordinal).
  const size_t chunks = std::max<size_t>(1, total / std::max<size_t>(chunk_elements, 1));
  const unsigned __int128 span = static_cast<unsigned __int128>(high) - low + 1;
  const unsigned __int128 width = (span + chunks - 1) / chunks;
  const unsigned __int128 past_high = static_cast<unsigned __int128>(high) + 1;
  std::vector<unsigned __int128> bounds(chunks + 1);
  for (size_t c = 0; c <= chunks; ++c) bounds[c] = std::min(low + width * c, past_high);  // bounds[chunks] = past_high
  // starts[c * runs + r]: the first element of run r in chunk c.
  const size_t run_count = runs.size();
  std::vector<size_t> starts((chunks + 1) * run_count);
  for (size_t r = 0; r < run_count; ++r) {
    const std::span<const T>& run = runs[r];
    for (size_t c = 0; c <= chunks; ++c) {
      const unsigned __int128 bound = bounds[c];
      starts[c * run_count + r] = static_cast<size_t>(
          std::partition_point(run.begin(), run.end(),
                               [&](const T& element) { return ordinal_of(element) < bound; }) -
          run.begin());
    }
  }
  std::vector<size_t> offsets(chunks + 1, 0);
  for (size_t c = 0; c < chunks; ++c) {
    size_t size = 0;
    for (size_t r = 0; r < run_count; ++r) size += starts[(c + 1) * run_count + r] - starts[c * run_count + r];
    offsets[c + 1] = offsets[c] + size;
  }
  auto merge_chunk = [&](size_t c) {
    T* const destination = out.data() + offsets[c];
    std::vector<size_t> ends;  // the pieces, copied next to each other
    size_t filled = 0;
    for (size_t r = 0; r < run_count; ++r) {
      const size_t first = starts[c * run_count + r];
      const size_t last = starts[(c + 1) * run_count + r];
      if (first == last) continue;
      std::copy(runs[r].begin() + static_cast<std::ptrdiff_t>(first),
                runs[r].begin() + static_cast<std::ptrdiff_t>(last), destination + filled);
      filled += last - first;
      ends.push_back(filled);
    }
    if (ends.size() <= 1) return;
    std::vector<T> scratch(filled);
    T* from = destination;
    T* to = scratch.data();
    while (ends.size() > 1) {
      std::vector<size_t> merged_ends;
      size_t begin = 0;
      for (size_t i = 0; i < ends.size(); i += 2) {
        if (i + 1 < ends.size()) {
          std::merge(from + begin, from + ends[i], from + ends[i], from + ends[i + 1], to + begin);
          merged_ends.push_back(ends[i + 1]);
        } else {
          std::copy(from + begin, from + ends[i], to + begin);
          merged_ends.push_back(ends[i]);
        }
        begin = merged_ends.back();
      }
      ends = std::move(merged_ends);
      std::swap(from, to);
    }
    if (from != destination) std::copy(from, from + filled, destination);
  };
  if (parallel_for && chunks > 1) {
    parallel_for(chunks, merge_chunk);
  } else {
    for (size_t c = 0; c < chunks; ++c) merge_chunk(c);
  }
}

}  // namespace weir
