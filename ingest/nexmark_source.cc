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
  // A morsel also spans at most max_rows events (but at least its first
  // row's): a stream of rare kinds (persons are 2% of the events) would
  // otherwise generate hundreds of thousands of events per morsel, whose
  // scratch batches outgrow the caches.
  if (static_cast<uint64_t>(low - next_event_) > max_rows) {
    int64_t first_row_end = next_event_ + 1;  // the smallest end holding one row
    int64_t search_high = low;
    while (first_row_end < search_high) {
      const int64_t middle = first_row_end + (search_high - first_row_end) / 2;
      if (rows_before(middle) > next_row_) {
        search_high = middle;
      } else {
        first_row_end = middle + 1;
      }
    }
    low = std::max(next_event_ + static_cast<int64_t>(max_rows), first_row_end);
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
  append_nexmark_events(config_, range.first_event, range.end_event, scratch, stored_);
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
  // The kind of each union row, in event order (events of other kinds skipped).
  std::vector<uint8_t> kinds;
  kinds.reserve(static_cast<size_t>(end_event - first_event));
  for (int64_t number = first_event; number < end_event; ++number) {
    const auto kind = static_cast<uint8_t>(nexmark_event_kind_of_number(config_, number));
    if (std::find(kinds_.begin(), kinds_.end(), static_cast<NexmarkEventKind>(kind)) != kinds_.end()) {
      kinds.push_back(kind);
    }
  }
  const size_t rows = kinds.size();
  Column& event_type = out.column(0);
  event_type.resize_fixed(rows);
  for (size_t r = 0; r < rows; ++r) event_type.int64_data()[r] = kinds[r];
  Column& date_time = out.column(1);
  date_time.resize_fixed(rows);
  size_t next_column = 2;
  // Column by column: a kind's values go to its rows, NULL to the others'.
  std::vector<uint64_t> present((rows + 63) / 64);
  for (const NexmarkEventKind kind : kinds_) {
    const auto k = static_cast<uint8_t>(kind);
    std::fill(present.begin(), present.end(), 0);
    for (size_t r = 0; r < rows; ++r) present[r >> 6] |= static_cast<uint64_t>(kinds[r] == k) << (r & 63);
    const Batch& from = batch_of_kind(generated, kind);
    for (size_t c = 0; c < from.num_columns(); ++c) {
      const Column& source = from.column(c);
      if (from.schema().field(c).name == "dateTime") {
        // Every kind has one: the union's column is never NULL.
        int64_t* values = date_time.int64_data();
        const int64_t* from_values = source.int64_data();
        size_t next = 0;
        for (size_t r = 0; r < rows; ++r) {
          if (kinds[r] == k) values[r] = from_values[next++];
        }
        continue;
      }
      // A column no operator reads is left NULL (skip_unread_columns).
      const size_t column = next_column++;
      if (!read_.empty() && read_[column] == 0) {
        out.column(column).append_nulls(rows);
        continue;
      }
      out.column(column).append_scattered(source, present.data(), rows);
    }
  }
}

void NexmarkSource::skip_unread_columns(const std::vector<bool>& read) {
  WEIR_CHECK(read.size() == schema_->size());
  read_.assign(read.begin(), read.end());
  // The generator leaves out the string columns nobody reads (it still
  // draws their values). Union columns: event_type, dateTime, then each
  // kind's columns but dateTime (union_schema).
  // Kinds outside the stream are generated (the same work as in the
  // published setups) but none of their strings is stored.
  stored_.of_kind = {0, 0, 0};
  for (const NexmarkEventKind kind : kinds_) stored_.of_kind[static_cast<size_t>(kind)] = ~uint64_t{0};
  size_t column = kinds_.size() == 1 ? 0 : 2;
  for (const NexmarkEventKind kind : kinds_) {
    const Schema& schema = *schema_of_kind(kind);
    for (size_t c = 0; c < schema.size(); ++c) {
      if (kinds_.size() > 1 && schema.field(c).name == "dateTime") continue;
      if (read_[column] == 0 && schema.field(c).type == DataType::String) {
        stored_.of_kind[static_cast<size_t>(kind)] &= ~(uint64_t{1} << c);
      }
      ++column;
    }
  }
  WEIR_CHECK(column == read_.size());
}

std::string NexmarkSource::describe() const {
  std::string text = "nexmark ";
  for (size_t k = 0; k < kinds_.size(); ++k) {
    if (k > 0) text += '+';
    text += kind_name(kinds_[k]);
  }
  text += " (";
  text += std::to_string(events_);
  text += " events)";
  return text;
}

}  // namespace weir
