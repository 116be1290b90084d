#pragma once

#include <cstddef>
#include <cstdint>

#include "memory/aligned_buffer.h"

namespace weir {

// The rows of a batch still in play, as ascending row indices. Filters
// narrow it instead of copying columns.
//
// Contract: owned by one batch, written by the thread processing that batch.
class SelectionVector {
 public:
  explicit SelectionVector(MemoryTracker* tracker = nullptr) : indices_(tracker) {}

  // Selects rows [0, rows).
  void select_all(size_t rows);
  // Resizes to `count` entries; the caller fills them through data().
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
