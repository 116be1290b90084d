#include "ingest/java_random.h"

namespace weir {

int32_t JavaRandom::next_int_rejected(int32_t bound) {
  // Java: for (int u = r; u - (r = u % bound) + m < 0; u = next(31));
  // the first u was rejected by the caller, so draw the next one.
  const int32_t m = bound - 1;
  while (true) {
    const int32_t u = next(31);
    const int32_t r = u % bound;
    if (static_cast<int32_t>(static_cast<uint32_t>(u) - static_cast<uint32_t>(r) + static_cast<uint32_t>(m)) >= 0) {
      return r;
    }
  }
}

}  // namespace weir
