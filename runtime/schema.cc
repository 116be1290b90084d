#include "runtime/schema.h"

#include <utility>

namespace weir {

Schema::Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}

std::optional<size_t> Schema::find(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return i;
  }
  return std::nullopt;
}

}  // namespace weir
