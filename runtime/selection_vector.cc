#include "runtime/selection_vector.h"

#include <cstring>
#include <new>
#include <numeric>
#include <utility>

#include "memory/raw_allocation.h"

namespace weir {

namespace {

// 0, 1, 2, ...: the selection of every batch of up to kSharedIdentityRows
// rows, built once and never freed (1 MiB), followed by the padding an
// AlignedBuffer promises.
constexpr size_t kSharedIdentityRows = size_t{1} << 18;

const uint32_t* shared_identity() {
  static const uint32_t* const identity = [] {
    const size_t bytes = kSharedIdentityRows * sizeof(uint32_t);
    auto* values = static_cast<uint32_t*>(allocate_raw(bytes + AlignedBuffer::kPaddingBytes, AlignedBuffer::kAlignment));
    if (values == nullptr) throw std::bad_alloc();
    std::iota(values, values + kSharedIdentityRows, uint32_t{0});
    std::memset(reinterpret_cast<uint8_t*>(values) + bytes, 0, AlignedBuffer::kPaddingBytes);
    return values;
  }();
  return identity;
}

}  // namespace

void SelectionVector::select_all(size_t rows) {
  if (rows <= kSharedIdentityRows) {
    indices_.view(reinterpret_cast<const uint8_t*>(shared_identity()), rows * sizeof(uint32_t));
    count_ = rows;
    return;
  }
  resize(rows);
  std::iota(data(), data() + rows, uint32_t{0});
}

void SelectionVector::resize(size_t count) {
  if (count <= count_ && std::as_const(indices_).as<uint32_t>() == shared_identity()) {
    // A prefix of the identity is the identity: still no copy.
    indices_.view(reinterpret_cast<const uint8_t*>(shared_identity()), count * sizeof(uint32_t));
  } else {
    indices_.resize(count * sizeof(uint32_t));
  }
  count_ = count;
}

}  // namespace weir
