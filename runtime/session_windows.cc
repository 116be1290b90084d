#include "runtime/session_windows.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "runtime/errors.h"

namespace weir {

namespace {

// The layout of the key tables: no aggregates (shared by every store).
const AggregateStateLayout& keys_only_layout() {
  // Never destroyed: TBB workers that read it may outlive static destruction.
  static const AggregateStateLayout* const layout = new AggregateStateLayout(std::vector<AggregateSpec>{});
  return *layout;
}

}  // namespace

SessionStore::SessionStore(const std::vector<GroupKeyColumn>& keys, const AggregateStateLayout& layout,
                           int64_t gap_millis, MemoryTracker* tracker, uint64_t max_direct_span)
    : layout_(layout),
      tracker_(tracker),
      keys_(std::make_unique<GroupTable>(keys, keys_only_layout(), tracker)),
      gap_(gap_millis),
      arena_(tracker, 16 * 1024) {
  WEIR_CHECK(gap_ > 0);
  keys_->limit_direct_span(max_direct_span);
}

int64_t SessionStore::end_of(int64_t time) const {
  return time > std::numeric_limits<int64_t>::max() - gap_ ? std::numeric_limits<int64_t>::max() : time + gap_;
}

uint32_t SessionStore::take_block() {
  if (!free_blocks_.empty()) {
    const uint32_t index = free_blocks_.back();
    free_blocks_.pop_back();
    return index;
  }
  WEIR_CHECK(block_count_ < 0xFFFFFFFEU);
  const uint32_t index = block_count_++;
  const uint32_t segment = index >> kSegmentShift;
  const size_t block_bytes = layout_.block_bytes();
  if (segment == block_segments_.size()) {
    block_segments_.emplace_back(tracker_);
    if (segment > 0) block_segments_.back().reserve(size_t{kSegmentBlocks} * block_bytes);
  }
  AlignedBuffer& buffer = block_segments_[segment];
  const size_t used_bytes = size_t{(index & kSegmentMask) + 1} * block_bytes;
  if (buffer.size() < used_bytes) buffer.resize(used_bytes);
  return index;
}

uint32_t SessionStore::new_block() {
  const uint32_t index = take_block();
  layout_.initialize(block(index));
  return index;
}

uint32_t SessionStore::insert(uint32_t group, int64_t start, int64_t end) {
  std::vector<Session>& list = sessions_[group];
  Session& last = last_sessions_[group];
  // Event time mostly grows: most intervals come after the last session,
  // or overlap it alone (the sessions before it end at or before its
  // start). Both are decided on the dense copy of the last session, without
  // reading the list's tail (a cache miss per key).
  if (list.empty() || last.end <= start) {
    const uint32_t index = new_block();
    list.push_back(Session{start, end, index});
    last = list.back();  // after the push, which may throw
    ++open_sessions_;
    return index;
  }
  if (start >= last.start) {
    if (end > last.end) {
      last.end = end;
      list.back().end = end;
    }
    return last.block;
  }
  const uint32_t index = insert_before_last(list, start, end);
  last = list.back();
  return index;
}

uint32_t SessionStore::insert_before_last(std::vector<Session>& list, int64_t start, int64_t end) {
  // The first session that may overlap: the first whose end is after start
  // (sessions are disjoint and sorted, so ends are sorted too). Rows are
  // only a little out of order: look back from the last session a few steps
  // (memory consume() prefetched), then search.
  constexpr int kStepsBack = 6;
  auto first = std::prev(list.end());
  for (int step = 0; step < kStepsBack && first != list.begin() && std::prev(first)->end > start; ++step) --first;
  if (first != list.begin() && std::prev(first)->end > start) {
    first = std::upper_bound(list.begin(), first, start,
                             [](int64_t value, const Session& session) { return value < session.end; });
  }
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
  keys_->find_or_insert(batch, rows, count, groups_.data(), probe_);
  if (sessions_.size() < keys_->num_groups()) {
    sessions_.resize(keys_->num_groups());
    last_sessions_.resize(keys_->num_groups());
  }
  // Rows by (key, time): each key's rows of the morsel become runs of
  // overlapping intervals, each inserted into the store once.
  order_rows_by_group_and_time(rows, count, times);
  sorted_rows_.resize(count);
  row_blocks_.resize(count);
  // Each run reads its key's last session and list header (dense arrays,
  // but larger than the cache when keys are many), and writes the list's
  // tail: prefetched runs ahead.
  constexpr size_t kHeaderAhead = 16;
  constexpr size_t kTailAhead = 8;
  auto prefetch_ahead = [&](size_t position) {
    if (position + kHeaderAhead < count) {
      const uint32_t group = groups_[order_[position + kHeaderAhead]];
      __builtin_prefetch(&sessions_[group]);
      __builtin_prefetch(&last_sessions_[group]);
    }
    if (position + kTailAhead < count) {
      const std::vector<Session>& list = sessions_[groups_[order_[position + kTailAhead]]];
      if (!list.empty()) __builtin_prefetch(&list.back(), 1);
    }
  };
  size_t run_begin = 0;
  while (run_begin < count) {
    prefetch_ahead(run_begin);
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
  update_blocks(inputs, count);
}

void SessionStore::order_rows_by_group_and_time(const uint32_t* rows, size_t count, const int64_t* times) {
  // A stable LSD radix sort by group, kRadixBits at a time over the bits
  // the group ids use: rows of one group stay in arrival order.
  constexpr uint32_t kRadixBits = 11;
  constexpr uint32_t kBuckets = uint32_t{1} << kRadixBits;
  const uint32_t max_group = *std::max_element(groups_.begin(), groups_.begin() + static_cast<std::ptrdiff_t>(count));
  order_.resize(count);
  for (uint32_t i = 0; i < count; ++i) order_[i] = i;
  radix_scratch_.resize(count);
  uint32_t histogram[kBuckets];
  for (uint32_t shift = 0; shift == 0 || (max_group >> shift) != 0; shift += kRadixBits) {
    std::fill(std::begin(histogram), std::end(histogram), 0U);
    for (size_t i = 0; i < count; ++i) ++histogram[(groups_[order_[i]] >> shift) & (kBuckets - 1)];
    uint32_t running = 0;
    for (uint32_t& bucket : histogram) {
      const uint32_t rows_in_bucket = bucket;
      bucket = running;
      running += rows_in_bucket;
    }
    for (size_t i = 0; i < count; ++i) {
      radix_scratch_[histogram[(groups_[order_[i]] >> shift) & (kBuckets - 1)]++] = order_[i];
    }
    order_.swap(radix_scratch_);
  }
  // Then each group's rows by time. Event time nearly grows, so short runs
  // take an insertion sort; long unsorted ones a comparison sort (ties by
  // arrival, as the radix passes left them).
  auto earlier = [&](uint32_t a, uint32_t b) {
    const int64_t ta = times[rows[a]];
    const int64_t tb = times[rows[b]];
    return ta != tb ? ta < tb : a < b;
  };
  constexpr size_t kInsertionSortMax = 16;
  size_t run_begin = 0;
  while (run_begin < count) {
    const uint32_t group = groups_[order_[run_begin]];
    size_t run_end = run_begin + 1;
    while (run_end < count && groups_[order_[run_end]] == group) ++run_end;
    uint32_t* first = order_.data() + run_begin;
    uint32_t* last = order_.data() + run_end;
    if (run_end - run_begin <= kInsertionSortMax) {
      for (uint32_t* next = first + 1; next < last; ++next) {
        const uint32_t moving = *next;
        uint32_t* hole = next;
        for (; hole > first && earlier(moving, *(hole - 1)); --hole) *hole = *(hole - 1);
        *hole = moving;
      }
    } else if (!std::is_sorted(first, last, earlier)) {
      std::sort(first, last, earlier);
    }
    run_begin = run_end;
  }
}

void SessionStore::update_blocks(const std::vector<const Column*>& inputs, size_t count) {
  const auto [lowest, highest] = std::minmax_element(row_blocks_.begin(), row_blocks_.begin() + count);
  const uint32_t first_segment = *lowest >> kSegmentShift;
  const uint32_t last_segment = *highest >> kSegmentShift;
  if (first_segment == last_segment) {
    for (size_t i = 0; i < count; ++i) row_blocks_[i] &= kSegmentMask;
    layout_.update(inputs, sorted_rows_.data(), row_blocks_.data(), count, block_segments_[first_segment].data(),
                   arena_);
    return;
  }
  // Rows by segment (a counting sort), then one update per segment.
  const size_t segments = last_segment - first_segment + 1;
  segment_starts_.assign(segments + 1, 0);
  for (size_t i = 0; i < count; ++i) ++segment_starts_[(row_blocks_[i] >> kSegmentShift) - first_segment + 1];
  for (size_t s = 1; s <= segments; ++s) segment_starts_[s] += segment_starts_[s - 1];
  segment_rows_.resize(count);
  segment_blocks_.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const uint32_t position = segment_starts_[(row_blocks_[i] >> kSegmentShift) - first_segment]++;
    segment_rows_[position] = sorted_rows_[i];
    segment_blocks_[position] = row_blocks_[i] & kSegmentMask;
  }
  size_t begin = 0;  // segment_starts_[s] is now the end of segment s's rows
  for (size_t s = 0; s < segments; ++s) {
    const size_t end = segment_starts_[s];
    if (end > begin) {
      layout_.update(inputs, segment_rows_.data() + begin, segment_blocks_.data() + begin, end - begin,
                     block_segments_[first_segment + s].data(), arena_);
    }
    begin = end;
  }
}

void SessionStore::drop_closed(int64_t closing, size_t count) {
  if (count == open_sessions_) {
    // Every session closed (the end of the input): start afresh.
    for (std::vector<Session>& list : sessions_) list.clear();
    free_blocks_.clear();
    block_count_ = 0;  // the block segments are kept for reuse
    open_sessions_ = 0;
    arena_.reset();
    return;
  }
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
