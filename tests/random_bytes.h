#pragma once

#include <random>
#include <string>

namespace weir::testing {

// `size` bytes drawn from `random` (any byte value).
inline std::string random_bytes(std::mt19937_64& random, size_t size) {
  std::string bytes(size, '\0');
  for (char& byte : bytes) byte = static_cast<char>(random());
  return bytes;
}

}  // namespace weir::testing
