#pragma once

#include <cstddef>
#include <cstdint>

#include "memory/aligned_buffer.h"

namespace weir {

// The rows of a batch still in play, as ascending row indices. Filters
// narrow it instead of copying columns.
//
// select_all() writes nothing: the vector views a process-wide, read-only
// 0, 1, 2, ... array (batches of up to 256K rows), so a morsel that no
// filter narrows costs no selection writes (they were a quarter of the
// ungrouped scan's time). The mutable data() copies the view into the
// vector's own memory first (copy on write), so writing through it is
// always safe; a pointer from the const data() stays valid either way.
//
// Contract: owned by one batch, written by the thread processing that batch.
class SelectionVector {
 public:
  explicit SelectionVector(MemoryTracker* tracker = nullptr) : indices_(tracker) {}

  // Selects rows [0, rows).
  void select_all(size_t rows);
  // Resizes to `count` entries, keeping the first ones; the caller fills
  // the rest through data().
  void resize(size_t count);

  uint32_t* data() { return indices_.as<uint32_t>(); }
  const uint32_t* data() const { return indices_.as<uint32_t>(); }
  size_t size() const { return count_; }
  uint32_t operator[](size_t i) const { return data()[i]; }

 private:
  AlignedBuffer indices_;
  size_t count_ = 0;
};

}  // namespace weir
