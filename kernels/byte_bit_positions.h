#pragma once

#include <cstdint>

namespace weir::kernels {

// For each byte value: the positions of its set bits, ascending, then
// padding (7), and how many bits are set. Kernels that turn a 64-bit "kept"
// mask into row ids store all 8 entries of a byte and advance by the count,
// so padding entries land past the rows kept, where the next byte's entries
// overwrite them. (Highway 1.0.3's CompressStore rebuilds its 1 KiB table on
// the stack at every call under GCC; SelectByBitmask measured 15-30x slower
// with it than with this.) Scalar data: include it outside Highway's
// per-target section.
struct ByteBitPositions {
  uint8_t of[256][8];
  uint8_t count[256];
};

constexpr ByteBitPositions MakeByteBitPositions() {
  ByteBitPositions table{};
  for (unsigned byte = 0; byte < 256; ++byte) {
    unsigned count = 0;
    for (unsigned bit = 0; bit < 8; ++bit) {
      if ((byte >> bit) & 1) table.of[byte][count++] = static_cast<uint8_t>(bit);
    }
    table.count[byte] = static_cast<uint8_t>(count);
    for (unsigned j = count; j < 8; ++j) table.of[byte][j] = 7;
  }
  return table;
}

alignas(64) inline constexpr ByteBitPositions kBytePositions = MakeByteBitPositions();

}  // namespace weir::kernels
