#include "runtime/top_rows.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <set>

#include "kernels/key_hash.h"
#include "runtime/errors.h"

namespace weir {
namespace {

constexpr size_t kOutputBatchRows = 64 * 1024;

// A partition's values; NULLs are a value of their own (bit c of `nulls`).
struct PartitionKey {
  std::array<int64_t, TopRowsSpec::kMaxPartitionColumns> values{};
  uint8_t nulls = 0;
  bool operator==(const PartitionKey&) const = default;
};

struct PartitionKeyHash {
  size_t operator()(const PartitionKey& key) const {
    uint64_t words[TopRowsSpec::kMaxPartitionColumns + 1];
    for (size_t i = 0; i < TopRowsSpec::kMaxPartitionColumns; ++i) words[i] = static_cast<uint64_t>(key.values[i]);
    words[TopRowsSpec::kMaxPartitionColumns] = key.nulls;
    return static_cast<size_t>(kernels::HashKeyWordsOne(words, TopRowsSpec::kMaxPartitionColumns + 1));
  }
};

// Output order of partitions: values ascending, NULL after every value.
bool partition_before(const PartitionKey& a, const PartitionKey& b, size_t width) {
  for (size_t c = 0; c < width; ++c) {
    const bool a_null = (a.nulls >> c) & 1;
    const bool b_null = (b.nulls >> c) & 1;
    if (a_null != b_null) return b_null;
    if (!a_null && a.values[c] != b.values[c]) return a.values[c] < b.values[c];
  }
  return false;
}

// A row's rank: per order key a NULL flag (NULL ranks after every value)
// and the value encoded so that unsigned comparison is the ranking (best
// first); then its stream position.
struct RankKey {
  std::array<uint64_t, 2 * TopRowsSpec::kMaxOrderKeys> words{};
  // Order keys compare equal when their words do: the ties of RANK().
  bool same_order(const RankKey& other) const { return words == other.words; }
};

struct Candidate {
  RankKey rank;
  uint64_t ordinal;
  uint32_t row;  // in the table's carried rows
};

bool ranks_before(const RankKey& a, uint64_t a_ordinal, const RankKey& b, uint64_t b_ordinal) {
  if (a.words != b.words) return a.words < b.words;
  return a_ordinal < b_ordinal;
}

// Sets the NULL flag and the encoded value of order key `k`: an
// order-preserving map of the value to uint64, reversed when descending.
void encode_order_value(const Column& column, size_t row, bool descending, size_t k, RankKey& rank) {
  if (!column.is_valid(row)) {
    rank.words[2 * k] = 1;
    return;
  }
  uint64_t bits;
  if (column.type() == DataType::Float64) {
    double value = column.float64_data()[row];
    if (value == 0.0) value = 0.0;  // -0.0 ties with 0.0
    bits = std::bit_cast<uint64_t>(value);
    bits = (bits >> 63) != 0 ? ~bits : bits | (uint64_t{1} << 63);
  } else {
    bits = static_cast<uint64_t>(column.int64_data()[row]) ^ (uint64_t{1} << 63);
  }
  rank.words[2 * k + 1] = descending ? ~bits : bits;
}

}  // namespace

struct TopRows::Table {
  Table(std::shared_ptr<const Schema> carried_schema, MemoryTracker* tracker)
      : carried(std::move(carried_schema), tracker) {}
  struct Partition {
    PartitionKey key;
    uint64_t hash;
    std::vector<Candidate> best;  // in rank order
  };
  Batch carried;  // the candidates' output values (rows no longer ranked stay until compaction)
  std::vector<Partition> partitions;
  size_t live_rows = 0;

  // The index in `partitions` of the partition with `key` (`hash` its
  // PartitionKeyHash), added when new.
  uint32_t find_or_add(const PartitionKey& key, uint64_t hash) {
    if ((partitions.size() + 1) * 2 > slots_.size()) grow();
    const uint64_t tag = hash & 0xFFFFFFFF00000000ULL;
    for (size_t at = hash & mask_;; at = (at + 1) & mask_) {
      const uint64_t entry = slots_[at];
      if (entry == 0) {
        const auto index = static_cast<uint32_t>(partitions.size());
        slots_[at] = tag | (uint64_t{index} + 1);
        partitions.push_back({key, hash, {}});
        return index;
      }
      if ((entry & 0xFFFFFFFF00000000ULL) == tag) {
        const auto index = static_cast<uint32_t>((entry & 0xFFFFFFFFULL) - 1);
        if (partitions[index].key == key) return index;
      }
    }
  }

 private:
  // Open addressing, linear probing: per slot the hash's upper half and the
  // partition's index + 1 (0: empty); at most half full.
  std::vector<uint64_t> slots_;
  size_t mask_ = 0;

  void grow() {
    slots_.assign(slots_.empty() ? 64 : slots_.size() * 2, 0);
    mask_ = slots_.size() - 1;
    for (size_t index = 0; index < partitions.size(); ++index) {
      const uint64_t hash = partitions[index].hash;
      size_t at = hash & mask_;
      while (slots_[at] != 0) at = (at + 1) & mask_;
      slots_[at] = (hash & 0xFFFFFFFF00000000ULL) | (uint64_t{index} + 1);
    }
  }
};

TopRows::LocalState::LocalState(MemoryTracker* tracker) : tracker(tracker) {}
TopRows::GlobalState::GlobalState(MemoryTracker* tracker) : tracker(tracker) {}
TopRows::LocalState::~LocalState() = default;
TopRows::GlobalState::~GlobalState() = default;

TopRows::TopRows(std::shared_ptr<const Schema> input, TopRowsSpec spec) : input_(std::move(input)), spec_(std::move(spec)) {
  const Schema& schema = *input_;
  if (spec_.limit == 0) throw ConfigError("limit: must be at least 1");
  if (spec_.order_by.empty()) throw ConfigError("order_by: missing (rows are ranked by at least one column)");
  if (spec_.order_by.size() > TopRowsSpec::kMaxOrderKeys) {
    throw ConfigError("order_by: at most " + std::to_string(TopRowsSpec::kMaxOrderKeys) + " columns");
  }
  if (spec_.partition_columns.size() > TopRowsSpec::kMaxPartitionColumns) {
    throw ConfigError("partition_by: at most " + std::to_string(TopRowsSpec::kMaxPartitionColumns) + " columns");
  }
  for (const size_t column : spec_.partition_columns) {
    const Field& field = schema.field(column);
    if (!is_int64_backed(field.type)) {
      throw ConfigError("partition_by: '" + field.name + "' is " + std::string(data_type_name(field.type)) +
                        "; partition by int64 or timestamp columns");
    }
  }
  for (const TopRowsSpec::OrderKey& key : spec_.order_by) {
    const Field& field = schema.field(key.column);
    if (!is_int64_backed(field.type) && field.type != DataType::Float64) {
      throw ConfigError("order_by: '" + field.name + "' is " + std::string(data_type_name(field.type)) +
                        "; order by int64, float64 or timestamp columns");
    }
  }
  if (spec_.columns.empty()) throw ConfigError("columns: missing (list the columns to write)");
  WEIR_CHECK(spec_.columns.size() == spec_.names.size());
  std::vector<Field> carried;
  std::vector<Field> output;
  std::set<std::string> names;
  if (spec_.window) {
    output = {{"window_start", DataType::Timestamp}, {"window_end", DataType::Timestamp}};
    names = {"window_start", "window_end"};
  }
  for (size_t c = 0; c < spec_.columns.size(); ++c) {
    if (!names.insert(spec_.names[c]).second) {
      throw ConfigError("columns: duplicate output column '" + spec_.names[c] + "' (name it with AS)");
    }
    carried.push_back({spec_.names[c], schema.field(spec_.columns[c]).type});
    output.push_back(carried.back());
  }
  carried_schema_ = std::make_shared<const Schema>(std::move(carried));
  output_schema_ = std::make_shared<const Schema>(std::move(output));
}

TopRows::~TopRows() = default;

void TopRows::discard(LocalState& local) const { local.windows.clear(); }

std::unique_ptr<TopRows::LocalState> TopRows::make_local_state(MemoryTracker* tracker) const {
  return std::make_unique<LocalState>(tracker);
}

std::unique_ptr<TopRows::GlobalState> TopRows::make_global_state(MemoryTracker* tracker) const {
  return std::make_unique<GlobalState>(tracker);
}

std::unique_ptr<TopRows::Table> TopRows::make_table(MemoryTracker* tracker) const {
  return std::make_unique<Table>(carried_schema_, tracker);
}

namespace {

// Whether a row of rank (rank, ordinal) would be kept by `best`.
bool would_keep(const std::vector<Candidate>& best, size_t limit, bool with_ties, const RankKey& rank,
                uint64_t ordinal) {
  if (best.size() < limit) return true;
  const Candidate& last_kept = best[limit - 1];
  if (with_ties) return !(last_kept.rank.words < rank.words);  // ties with the limit-th stay
  return ranks_before(rank, ordinal, last_kept.rank, last_kept.ordinal);
}

// Inserts a candidate that would_keep() accepted and drops those ranked out.
// Returns how many rows were dropped.
size_t insert_candidate(std::vector<Candidate>& best, size_t limit, bool with_ties, const Candidate& candidate) {
  const auto position = std::upper_bound(best.begin(), best.end(), candidate, [](const Candidate& a, const Candidate& b) {
    return ranks_before(a.rank, a.ordinal, b.rank, b.ordinal);
  });
  best.insert(position, candidate);
  if (best.size() <= limit) return 0;
  size_t keep = limit;
  if (with_ties) {
    // RANK() of a row = 1 + rows ranked strictly before it: the rows tied
    // with the limit-th keep rank <= limit.
    while (keep < best.size() && best[keep].rank.same_order(best[limit - 1].rank)) ++keep;
  }
  const size_t dropped = best.size() - keep;
  best.resize(keep);
  return dropped;
}

void append_carried_row(const Batch& from, const std::vector<size_t>& columns, size_t row, Batch& to) {
  for (size_t c = 0; c < columns.size(); ++c) to.column(c).append_rows(from.column(columns[c]), row, 1);
}

}  // namespace

namespace {

// Rewrites `table`'s carried rows to hold only the ranked ones, when most
// are dropped rows (a long-lived window, e.g. the whole input).
void compact(TopRows::Table& table, const std::shared_ptr<const Schema>& schema, MemoryTracker* tracker);

}  // namespace

void TopRows::consume(const Batch& batch, const SelectionVector& selection, const int64_t* window_starts,
                      LocalState& local) const {
  const size_t width = spec_.partition_columns.size();
  const size_t keys = spec_.order_by.size();
  Table* table = nullptr;
  int64_t table_start = 0;
  // Consecutive rows mostly share their window, and often their partition
  // (always without partition columns): both lookups are skipped then.
  bool have_partition = false;
  PartitionKey partition_key;
  uint32_t partition_index = 0;
  for (size_t i = 0; i < selection.size(); ++i) {
    const uint32_t row = selection[i];
    const int64_t start = window_starts != nullptr ? window_starts[row] : kNoWindowStart;
    if (table == nullptr || start != table_start) {
      std::unique_ptr<Table>& slot = local.windows[start];
      if (!slot) slot = make_table(local.tracker);
      table = slot.get();
      table_start = start;
      have_partition = false;
    }
    PartitionKey key;
    for (size_t c = 0; c < width; ++c) {
      const Column& column = batch.column(spec_.partition_columns[c]);
      if (column.is_valid(row)) {
        key.values[c] = column.int64_data()[row];
      } else {
        key.nulls |= static_cast<uint8_t>(1u << c);
      }
    }
    if (!have_partition || !(key == partition_key)) {
      partition_index = table->find_or_add(key, PartitionKeyHash()(key));
      partition_key = key;
      have_partition = true;
    }
    std::vector<Candidate>& best = table->partitions[partition_index].best;
    Candidate candidate{{}, batch.first_row_ordinal + row, 0};
    for (size_t k = 0; k < keys; ++k) {
      encode_order_value(batch.column(spec_.order_by[k].column), row, spec_.order_by[k].descending, k, candidate.rank);
    }
    if (!would_keep(best, spec_.limit, spec_.with_ties, candidate.rank, candidate.ordinal)) continue;
    candidate.row = static_cast<uint32_t>(table->carried.column(0).size());
    append_carried_row(batch, spec_.columns, row, table->carried);
    table->live_rows += 1 - insert_candidate(best, spec_.limit, spec_.with_ties, candidate);
    // Rows ranked out are dropped from a worker's state too, not only at the
    // combine: e.g. ids arriving in ascending order ranked by id DESC make
    // every row a candidate for a while.
    if (table->carried.column(0).size() > 2 * table->live_rows + 4096) compact(*table, carried_schema_, local.tracker);
  }
}

void TopRows::combine(const std::vector<LocalState*>& locals, GlobalState& global) const {
  std::vector<uint32_t> taken;  // rows of a local table taken into the global one, in order
  for (LocalState* local : locals) {
    for (auto& [start, from] : local->windows) {
      std::unique_ptr<Table>& slot = global.windows[start];
      if (!slot) {
        slot = std::move(from);  // the window's first partial is adopted whole
        continue;
      }
      Table& to = *slot;
      const size_t base = to.carried.column(0).size();
      taken.clear();
      for (const Table::Partition& partition : from->partitions) {
        std::vector<Candidate>& best = to.partitions[to.find_or_add(partition.key, partition.hash)].best;
        for (Candidate candidate : partition.best) {
          if (!would_keep(best, spec_.limit, spec_.with_ties, candidate.rank, candidate.ordinal)) continue;
          taken.push_back(candidate.row);
          candidate.row = static_cast<uint32_t>(base + taken.size() - 1);
          to.live_rows += 1 - insert_candidate(best, spec_.limit, spec_.with_ties, candidate);
        }
      }
      // The taken rows' values, one column at a time.
      for (size_t c = 0; c < to.carried.num_columns(); ++c) {
        to.carried.column(c).append_selected(from->carried.column(c), taken.data(), taken.size());
      }
      if (to.carried.column(0).size() > 2 * to.live_rows + 4096) compact(to, carried_schema_, global.tracker);
    }
    local->windows.clear();
  }
}

namespace {

void compact(TopRows::Table& table, const std::shared_ptr<const Schema>& schema, MemoryTracker* tracker) {
  Batch kept(schema, tracker);
  std::vector<uint32_t> rows;
  for (TopRows::Table::Partition& partition : table.partitions) {
    for (Candidate& candidate : partition.best) {
      rows.push_back(candidate.row);
      candidate.row = static_cast<uint32_t>(rows.size() - 1);
    }
  }
  for (size_t c = 0; c < kept.num_columns(); ++c) {
    kept.column(c).append_selected(table.carried.column(c), rows.data(), rows.size());
  }
  table.carried = std::move(kept);
}

}  // namespace

uint64_t TopRows::emit(GlobalState& global, int64_t watermark, Sink& sink, MemoryTracker* tracker) const {
  Batch out(output_schema_, tracker);
  const size_t first = spec_.window ? 2 : 0;
  const size_t width = spec_.partition_columns.size();
  uint64_t written = 0;
  auto flush = [&] {
    if (out.column(0).size() == 0) return;
    out.set_num_rows(out.column(0).size());
    sink.write(out);
    out.clear();
  };
  while (!global.windows.empty()) {
    auto window = global.windows.begin();
    const int64_t start = window->first;
    if (watermark != std::numeric_limits<int64_t>::max()) {
      if (!spec_.window) break;  // without a window, only the end of input closes it
      const int64_t end = spec_.window->end_of_window_starting(start);
      const int64_t closes_at = end > std::numeric_limits<int64_t>::max() - spec_.allowed_lateness_millis
                                    ? std::numeric_limits<int64_t>::max()
                                    : end + spec_.allowed_lateness_millis;
      if (closes_at > watermark) break;  // windows close in start order
    }
    Table& table = *window->second;
    // Partitions in key order: contiguous (key, index) entries sort with
    // fewer cache misses than indices compared through the partitions.
    std::vector<std::pair<PartitionKey, uint32_t>> order(table.partitions.size());
    for (uint32_t p = 0; p < order.size(); ++p) order[p] = {table.partitions[p].key, p};
    std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
      return partition_before(a.first, b.first, width);
    });
    // The window's rows in output order, written column by column in
    // batches of kOutputBatchRows.
    std::vector<uint32_t> rows;
    for (const auto& [key, p] : order) {
      for (const Candidate& candidate : table.partitions[p].best) rows.push_back(candidate.row);
    }
    for (size_t begin = 0; begin < rows.size();) {
      const size_t count = std::min(rows.size() - begin, kOutputBatchRows - out.column(0).size());
      for (size_t i = 0; i < count && spec_.window; ++i) {
        out.column(0).append_int64(start);
        out.column(1).append_int64(spec_.window->end_of_window_starting(start));
      }
      for (size_t c = 0; c < spec_.columns.size(); ++c) {
        out.column(first + c).append_selected(table.carried.column(c), rows.data() + begin, count);
      }
      written += count;
      begin += count;
      if (out.column(0).size() >= kOutputBatchRows) flush();
    }
    global.windows.erase(window);
  }
  flush();
  return written;
}

}  // namespace weir
