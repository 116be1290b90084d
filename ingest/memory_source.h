#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/source.h"

namespace weir {

// Reads a table that is already in memory (one Batch holding every row),
// the way an embedding application hands Weir its data, and the way the
// benchmarks feed the engine without measuring a parser.
//
// Zero copy: morsels start at multiples of 64 rows whenever the requested
// morsel size allows it, and load() then makes each fixed-width column of the
// morsel's batch a view of the table's memory (Column::view_rows). String
// columns, and morsels that cannot start on a 64-row boundary (a morsel or
// trigger budget below 64 rows), are copied.
//
// The table is bounded: discover() and seal() do nothing, the source is
// exhausted once every row was cut.
//
// Partitions: built from several tables (same schema), each is a partition
// of its own (Source's partition contract); morsels are cut from them in
// turn, round robin, so every partition advances.
//
// Contract: as Source (runtime/source.h). The table is shared, never
// written, and outlives every batch loaded from it (the source holds it).
class MemorySource final : public Source {
 public:
  // `name` appears in describe() ("memory <name>").
  MemorySource(std::shared_ptr<const Batch> table, std::string name);
  // One partition per table; at least one table.
  MemorySource(std::vector<std::shared_ptr<const Batch>> partitions, std::string name);

  std::shared_ptr<const Schema> schema() const override;
  void discover() override {}
  void seal() override {}
  bool bounded() const override { return true; }
  bool exhausted() const override;
  size_t partition_count() const override { return partitions_.size(); }
  bool partition_finished(size_t partition) const override;
  bool partition_has_input(size_t partition) const override { return !partition_finished(partition); }
  std::unique_ptr<SourceMorsel> next_morsel(size_t max_rows) override;
  void load(SourceMorsel& morsel, Batch& batch) const override;
  std::string describe() const override { return "memory " + name_; }

 private:
  struct Partition {
    std::shared_ptr<const Batch> table;
    size_t next_row = 0;
  };
  std::vector<Partition> partitions_;
  std::string name_;
  size_t turn_ = 0;  // the partition the next morsel is cut from, if it has rows
  uint64_t next_ordinal_ = 0;
};

}  // namespace weir
