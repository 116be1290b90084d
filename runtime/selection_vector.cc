#include "runtime/selection_vector.h"

#include <numeric>

namespace weir {

void SelectionVector::select_all(size_t rows) {
  resize(rows);
  std::iota(data(), data() + rows, uint32_t{0});
}

void SelectionVector::resize(size_t count) {
  indices_.resize(count * sizeof(uint32_t));
  count_ = count;
}

}  // namespace weir
