#include "runtime/errors.h"

namespace weir {

void fail_internal_check(const char* condition, const char* file, int line) {
  throw InternalError(std::string("internal check failed: ") + condition + " at " + file + ":" + std::to_string(line));
}

}  // namespace weir
