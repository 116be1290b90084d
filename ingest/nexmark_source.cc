#include "ingest/nexmark_source.h"

#include <algorithm>
#include <utility>

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
    : config_(config), kind_(kind), events_(events) {
  WEIR_CHECK(events >= 0);
  switch (kind) {
    case NexmarkEventKind::Person:
      schema_ = nexmark_person_schema();
      break;
    case NexmarkEventKind::Auction:
      schema_ = nexmark_auction_schema();
      break;
    case NexmarkEventKind::Bid:
      schema_ = nexmark_bid_schema();
      break;
  }
  total_rows_ = nexmark_kind_count_before(config_, kind_, events_);
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
      if (nexmark_kind_count_before(config_, kind_, middle) - next_row_ <= budget) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
  }
  const int64_t end_row = nexmark_kind_count_before(config_, kind_, low);
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
  Batch& generated = kind_ == NexmarkEventKind::Person    ? scratch.person
                     : kind_ == NexmarkEventKind::Auction ? scratch.auction
                                                          : scratch.bid;
  WEIR_CHECK(generated.num_rows() == morsel.num_rows);
  // Hand the columns over; the pool batch's (cleared) columns become scratch.
  for (size_t c = 0; c < batch.num_columns(); ++c) std::swap(batch.column(c), generated.column(c));
  generated.clear();
  batch.set_num_rows(morsel.num_rows);
  batch.first_row_ordinal = morsel.first_row_ordinal;
  batch.first_line = 0;
}

std::string NexmarkSource::describe() const {
  const char* name = kind_ == NexmarkEventKind::Person ? "person" : kind_ == NexmarkEventKind::Auction ? "auction" : "bid";
  return std::string("nexmark ") + name + " (" + std::to_string(events_) + " events)";
}

}  // namespace weir
