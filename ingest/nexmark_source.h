#pragma once

#include <oneapi/tbb/enumerable_thread_specific.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ingest/nexmark_batches.h"
#include "ingest/nexmark_config.h"
#include "runtime/source.h"

namespace weir {

// The number of events of `kind` among event numbers [0, number): a closed
// formula per block of total_proportion() ids (1:3:46 by default), plus, with
// out-of-order groups, the ids of the partial group counted one by one.
int64_t nexmark_kind_count_before(const NexmarkConfig& config, NexmarkEventKind kind, int64_t number);

// One stream of the Nexmark model (the person, auction or bid rows of event
// numbers [0, events)) as a Source, for pipelines that generate and process
// in one process (`weir nexmark --query`).
//
// next_morsel cuts ranges of event numbers, in order, holding at most
// max_rows rows of the chosen kind (the other kinds' events of the range are
// skipped) and spanning at most max_rows events unless one row needs more; load() generates the range on the worker thread with
// append_nexmark_events (every kind; the others are dropped) and hands over
// the chosen kind's batch, whose first_row_ordinal is the row's position in
// that stream. Rows are a pure function of the configuration and the event
// number, so the stream is the same whatever the thread count, morsel size
// or trigger.
//
// Several kinds (joins read two streams as one, as the Flink suite's
// `nexmark` table): their events in event-number order, with the columns
// `event_type` (0 person, 1 auction, 2 bid, as Flink's), `dateTime`, then
// each chosen kind's other columns named `<kind>_<column>` (person_id,
// auction_seller, bid_price, ...), NULL in the rows of the other kinds.
//
// Bounded, one partition; discover() and seal() do nothing.
//
// Contract: as Source (runtime/source.h); `config` must be validated.
class NexmarkSource final : public Source {
 public:
  NexmarkSource(const NexmarkConfig& config, NexmarkEventKind kind, int64_t events);
  // `kinds`: at least one, each once, in the order Person, Auction, Bid.
  NexmarkSource(const NexmarkConfig& config, std::vector<NexmarkEventKind> kinds, int64_t events);

  std::shared_ptr<const Schema> schema() const override { return schema_; }
  void discover() override {}
  void seal() override {}
  bool bounded() const override { return true; }
  bool exhausted() const override { return next_row_ == total_rows_; }
  std::unique_ptr<SourceMorsel> next_morsel(size_t max_rows) override;
  void load(SourceMorsel& morsel, Batch& batch) const override;
  // Unread columns are left NULL: a string column nobody reads is not
  // stored by the generator (its values are still drawn: the events are
  // generated whole), and the union does not copy unread columns.
  void skip_unread_columns(const std::vector<bool>& read) override;
  std::string describe() const override;

  // The rows of the chosen kinds among the events.
  int64_t total_rows() const { return total_rows_; }

 private:
  // Rows of the chosen kinds among event numbers [0, number).
  int64_t rows_before(int64_t number) const;
  // Several kinds: the generated events of a morsel as union rows.
  void append_union_rows(const NexmarkBatches& generated, int64_t first_event, int64_t end_event, Batch& out) const;

  NexmarkConfig config_;
  std::vector<NexmarkEventKind> kinds_;
  int64_t events_;
  std::shared_ptr<const Schema> schema_;
  int64_t total_rows_ = 0;
  int64_t next_event_ = 0;  // the first event number not cut yet
  int64_t next_row_ = 0;    // rows of the kind before next_event_
  std::vector<uint8_t> read_;  // per union column, 0: not read (empty: all read)
  NexmarkStoredColumns stored_;  // what the generator stores, from read_
  mutable tbb::enumerable_thread_specific<NexmarkBatches> scratch_;
};

}  // namespace weir
