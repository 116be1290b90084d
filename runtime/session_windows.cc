#include "runtime/session_windows.h"

#include <algorithm>
#include <limits>

#include "runtime/errors.h"

namespace weir {

SessionStore::SessionStore(const std::vector<GroupKeyColumn>& keys, const AggregateStateLayout& layout,
                           int64_t gap_millis, MemoryTracker* tracker)
    : layout_(layout),
      key_layout_(std::vector<AggregateSpec>{}),
      keys_(keys, key_layout_, tracker),
      gap_(gap_millis),
      blocks_(tracker),
      arena_(tracker, 16 * 1024) {
  WEIR_CHECK(gap_ > 0);
}

int64_t SessionStore::end_of(int64_t time) const {
  return time > std::numeric_limits<int64_t>::max() - gap_ ? std::numeric_limits<int64_t>::max() : time + gap_;
}

uint32_t SessionStore::new_block() {
  uint32_t index = 0;
  if (!free_blocks_.empty()) {
    index = free_blocks_.back();
    free_blocks_.pop_back();
  } else {
    WEIR_CHECK(block_count_ < 0xFFFFFFFEU);
    index = block_count_++;
    blocks_.resize(size_t{block_count_} * layout_.block_bytes());
  }
  layout_.initialize(block(index));
  return index;
}

uint32_t SessionStore::insert(uint32_t group, int64_t start, int64_t end) {
  std::vector<Session>& list = sessions_[group];
  // The first session that may overlap: the first whose end is after start
  // (sessions are disjoint and sorted, so ends are sorted too).
  auto first = std::upper_bound(list.begin(), list.end(), start,
                                [](int64_t value, const Session& session) { return value < session.end; });
  auto last = first;
  while (last != list.end() && last->start < end) ++last;
  if (first == last) {
    const uint32_t index = new_block();
    list.insert(first, Session{start, end, index});
    ++open_sessions_;
    return index;
  }
  // [first, last) overlap the new interval: merge them into *first.
  first->start = std::min(first->start, start);
  first->end = std::max(std::prev(last)->end, end);
  for (auto absorbed = std::next(first); absorbed != last; ++absorbed) {
    layout_.merge(block(first->block), block(absorbed->block), arena_);
    free_blocks_.push_back(absorbed->block);
    --open_sessions_;
  }
  const uint32_t index = first->block;
  list.erase(std::next(first), last);
  return index;
}

void SessionStore::consume(const Batch& batch, const uint32_t* rows, size_t count, const int64_t* times,
                           const std::vector<const Column*>& inputs) {
  if (count == 0) return;
  groups_.resize(count);
  keys_.find_or_insert(batch, rows, count, groups_.data(), probe_);
  if (sessions_.size() < keys_.num_groups()) sessions_.resize(keys_.num_groups());
  // Rows by (key, time): each key's rows of the morsel become runs of
  // overlapping intervals, each inserted into the store once.
  order_.resize(count);
  for (uint32_t i = 0; i < count; ++i) order_[i] = i;
  std::sort(order_.begin(), order_.end(), [&](uint32_t a, uint32_t b) {
    if (groups_[a] != groups_[b]) return groups_[a] < groups_[b];
    const int64_t ta = times[rows[a]];
    const int64_t tb = times[rows[b]];
    return ta != tb ? ta < tb : a < b;
  });
  sorted_rows_.resize(count);
  row_blocks_.resize(count);
  size_t run_begin = 0;
  while (run_begin < count) {
    const uint32_t group = groups_[order_[run_begin]];
    const int64_t start = times[rows[order_[run_begin]]];
    int64_t end = end_of(start);
    size_t run_end = run_begin + 1;
    while (run_end < count && groups_[order_[run_end]] == group && times[rows[order_[run_end]]] < end) {
      end = std::max(end, end_of(times[rows[order_[run_end]]]));
      ++run_end;
    }
    // Runs of one key are disjoint and inserted in time order, so a later
    // run never absorbs the block an earlier run of this morsel got.
    const uint32_t index = insert(group, start, end);
    for (size_t i = run_begin; i < run_end; ++i) {
      sorted_rows_[i] = rows[order_[i]];
      row_blocks_[i] = index;
    }
    run_begin = run_end;
  }
  layout_.update(inputs, sorted_rows_.data(), row_blocks_.data(), count, blocks_.data(), arena_);
}

void SessionStore::merge_from(SessionStore& other) {
  std::vector<uint32_t> mapping;
  keys_.map_groups_from(other.keys_, mapping);
  if (sessions_.size() < keys_.num_groups()) sessions_.resize(keys_.num_groups());
  for (uint32_t source_group = 0; source_group < other.sessions_.size(); ++source_group) {
    for (const Session& session : other.sessions_[source_group]) {
      const uint32_t index = insert(mapping[source_group], session.start, session.end);
      layout_.merge(block(index), other.block(session.block), arena_);
    }
  }
  other.sessions_.clear();
  other.free_blocks_.clear();
  other.block_count_ = 0;
  other.open_sessions_ = 0;
  other.blocks_.clear();
}

void SessionStore::take_closed(int64_t closing, const std::function<void(const Closed&)>& visit) {
  std::vector<Closed> closed;
  for (uint32_t group = 0; group < sessions_.size(); ++group) {
    for (const Session& session : sessions_[group]) {
      if (session.end > closing) break;  // sorted by start and by end
      closed.push_back(Closed{session.start, session.end, group, block(session.block)});
    }
  }
  if (closed.empty()) return;
  std::vector<uint32_t> rank(keys_.num_groups());
  const std::vector<uint32_t> key_order = keys_.groups_in_key_order();
  for (uint32_t position = 0; position < key_order.size(); ++position) rank[key_order[position]] = position;
  // By end first: sessions closed by a later watermark end after every
  // session closed before, so this order does not depend on the epochs.
  std::sort(closed.begin(), closed.end(), [&](const Closed& a, const Closed& b) {
    if (a.end != b.end) return a.end < b.end;
    return a.start != b.start ? a.start < b.start : rank[a.group] < rank[b.group];
  });
  for (const Closed& session : closed) visit(session);
  for (std::vector<Session>& list : sessions_) {
    size_t dropped = 0;
    while (dropped < list.size() && list[dropped].end <= closing) {
      free_blocks_.push_back(list[dropped].block);
      ++dropped;
    }
    list.erase(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(dropped));
    open_sessions_ -= dropped;
  }
}

}  // namespace weir
