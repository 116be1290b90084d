#include "ingest/nexmark_source.h"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "ingest/nexmark_generator.h"
#include "runtime/errors.h"

namespace weir {
namespace {

struct NexmarkMorsel final : SourceMorsel {
  int64_t first_event = 0;
  int64_t end_event = 0;
};

// The rows of `kind` among ids [0, count) (ids, not numbers: no permutation).
int64_t kind_count_among_ids(const NexmarkConfig& config, NexmarkEventKind kind, int64_t count) {
  int64_t offset = 0;
  int64_t proportion = config.person_proportion;
  if (kind == NexmarkEventKind::Auction) {
    offset = config.person_proportion;
    proportion = config.auction_proportion;
  } else if (kind == NexmarkEventKind::Bid) {
    offset = config.person_proportion + config.auction_proportion;
    proportion = config.bid_proportion;
  }
  const int64_t total = config.total_proportion();
  return (count / total) * proportion + std::clamp<int64_t>(count % total - offset, 0, proportion);
}

const char* kind_name(NexmarkEventKind kind) {
  return kind == NexmarkEventKind::Person ? "person" : kind == NexmarkEventKind::Auction ? "auction" : "bid";
}

std::shared_ptr<const Schema> schema_of_kind(NexmarkEventKind kind) {
  return kind == NexmarkEventKind::Person    ? nexmark_person_schema()
         : kind == NexmarkEventKind::Auction ? nexmark_auction_schema()
                                             : nexmark_bid_schema();
}

template <typename Batches>
auto& batch_of_kind(Batches& batches, NexmarkEventKind kind) {
  return kind == NexmarkEventKind::Person ? batches.person : kind == NexmarkEventKind::Auction ? batches.auction
                                                                                              : batches.bid;
}

// event_type, dateTime, then each kind's other columns as <kind>_<column>.
std::shared_ptr<const Schema> union_schema(const std::vector<NexmarkEventKind>& kinds) {
  std::vector<Field> fields = {{"event_type", DataType::Int64}, {"dateTime", DataType::Timestamp}};
  for (const NexmarkEventKind kind : kinds) {
    for (const Field& field : schema_of_kind(kind)->fields()) {
      if (field.name != "dateTime") fields.push_back({std::string(kind_name(kind)) + "_" + field.name, field.type});
    }
  }
  return std::make_shared<const Schema>(std::move(fields));
}

}  // namespace

int64_t nexmark_kind_count_before(const NexmarkConfig& config, NexmarkEventKind kind, int64_t number) {
  const int64_t group = config.out_of_order_group_size;
  // Whole out-of-order groups hold the same ids as their numbers.
  const int64_t whole = group <= 1 ? number : (number / group) * group;
  int64_t count = kind_count_among_ids(config, kind, whole);
  for (int64_t k = whole; k < number; ++k) {
    count += nexmark_event_kind(config, nexmark_event_id(config, k)) == kind ? 1 : 0;
  }
  return count;
}

NexmarkSource::NexmarkSource(const NexmarkConfig& config, NexmarkEventKind kind, int64_t events)
    : NexmarkSource(config, std::vector<NexmarkEventKind>{kind}, events) {}

NexmarkSource::NexmarkSource(const NexmarkConfig& config, std::vector<NexmarkEventKind> kinds, int64_t events)
    : config_(config), kinds_(std::move(kinds)), events_(events) {
  WEIR_CHECK(events >= 0);
  WEIR_CHECK(!kinds_.empty() && kinds_.size() <= 3);
  for (size_t k = 1; k < kinds_.size(); ++k) WEIR_CHECK(kinds_[k - 1] < kinds_[k]);
  schema_ = kinds_.size() == 1 ? schema_of_kind(kinds_[0]) : union_schema(kinds_);
  total_rows_ = rows_before(events_);
}

int64_t NexmarkSource::rows_before(int64_t number) const {
  int64_t rows = 0;
  for (const NexmarkEventKind kind : kinds_) rows += nexmark_kind_count_before(config_, kind, number);
  return rows;
}

std::unique_ptr<SourceMorsel> NexmarkSource::next_morsel(size_t max_rows) {
  if (max_rows == 0 || exhausted()) return nullptr;
  const int64_t budget = static_cast<int64_t>(std::min<size_t>(max_rows, static_cast<size_t>(total_rows_)));
  // The greatest end with at most `budget` rows of the kind in [next_event_, end).
  int64_t low = next_event_;  // holds: rows(low) - next_row_ <= budget
  int64_t high = events_;
  if (total_rows_ - next_row_ <= budget) {
    low = events_;
  } else {
    while (low < high) {
      const int64_t middle = low + (high - low + 1) / 2;
      if (rows_before(middle) - next_row_ <= budget) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
  }
  const int64_t end_row = rows_before(low);
  auto morsel = std::make_unique<NexmarkMorsel>();
  morsel->first_row_ordinal = static_cast<uint64_t>(next_row_);
  morsel->num_rows = static_cast<size_t>(end_row - next_row_);
  morsel->first_event = next_event_;
  morsel->end_event = low;
  WEIR_CHECK(morsel->num_rows > 0);
  next_event_ = low;
  next_row_ = end_row;
  return morsel;
}

void NexmarkSource::load(SourceMorsel& morsel, Batch& batch) const {
  const auto& range = static_cast<const NexmarkMorsel&>(morsel);
  NexmarkBatches& scratch = scratch_.local();
  scratch.clear();
  append_nexmark_events(config_, range.first_event, range.end_event, scratch);
  if (kinds_.size() > 1) {
    append_union_rows(scratch, range.first_event, range.end_event, batch);
  } else {
    Batch& generated = batch_of_kind(scratch, kinds_[0]);
    WEIR_CHECK(generated.num_rows() == morsel.num_rows);
    // Hand the columns over; the pool batch's (cleared) columns become scratch.
    for (size_t c = 0; c < batch.num_columns(); ++c) std::swap(batch.column(c), generated.column(c));
    generated.clear();
  }
  batch.set_num_rows(morsel.num_rows);
  batch.first_row_ordinal = morsel.first_row_ordinal;
  batch.first_line = 0;
}

void NexmarkSource::append_union_rows(const NexmarkBatches& generated, int64_t first_event, int64_t end_event,
                                      Batch& out) const {
  // Where each kind's columns start in the union (none: not chosen).
  std::array<std::optional<size_t>, 3> first_column;
  size_t next_column = 2;
  for (const NexmarkEventKind kind : kinds_) {
    first_column[static_cast<size_t>(kind)] = next_column;
    next_column += schema_of_kind(kind)->size() - 1;
  }
  std::array<size_t, 3> next_row = {0, 0, 0};
  for (int64_t number = first_event; number < end_event; ++number) {
    const NexmarkEventKind kind = nexmark_event_kind_of_number(config_, number);
    const auto k = static_cast<size_t>(kind);
    const size_t row = next_row[k]++;
    if (!first_column[k]) continue;
    const Batch& from = batch_of_kind(generated, kind);
    out.column(0).append_int64(static_cast<int64_t>(k));
    size_t to = *first_column[k];
    for (size_t c = 0; c < from.num_columns(); ++c) {
      if (from.schema().field(c).name == "dateTime") {
        out.column(1).append_rows(from.column(c), row, 1);
      } else {
        out.column(to++).append_rows(from.column(c), row, 1);
      }
    }
    // The other kinds' columns are NULL in this row.
    for (size_t c = 2; c < out.num_columns(); ++c) {
      if (out.column(c).size() <= out.column(0).size() - 1) out.column(c).append_null();
    }
  }
}

std::string NexmarkSource::describe() const {
  std::string kinds;
  for (const NexmarkEventKind kind : kinds_) kinds += (kinds.empty() ? "" : "+") + std::string(kind_name(kind));
  return "nexmark " + kinds + " (" + std::to_string(events_) + " events)";
}

}  // namespace weir
