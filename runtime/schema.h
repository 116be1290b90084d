#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/data_type.h"

namespace weir {

struct Field {
  std::string name;
  DataType type;
  bool operator==(const Field&) const = default;
};

// An ordered list of named, typed columns. Immutable once built; shared
// read-only between threads.
class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields);

  const std::vector<Field>& fields() const { return fields_; }
  size_t size() const { return fields_.size(); }
  const Field& field(size_t index) const { return fields_[index]; }

  // Index of the column with this exact name, or std::nullopt.
  std::optional<size_t> find(std::string_view name) const;

  bool operator==(const Schema&) const = default;

 private:
  std::vector<Field> fields_;
};

}  // namespace weir
