#include "runtime/session_windows.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "runtime/errors.h"

namespace weir {

namespace {

// The layout of the key tables: no aggregates. Shared by every store, so a
// key table can move from one store to another (swap_contents).
const AggregateStateLayout& keys_only_layout() {
  // Never destroyed: TBB workers that read it may outlive static destruction.
  static const AggregateStateLayout* const layout = new AggregateStateLayout(std::vector<AggregateSpec>{});
  return *layout;
}

// Runs body(i) for i in [0, count) on the workers of `parallel_for`, or
// serially when there is none.
void run_chunks(const ParallelFor& parallel_for, size_t count, const std::function<void(size_t)>& body) {
  if (parallel_for && count > 1) {
    parallel_for(count, body);
    return;
  }
  for (size_t i = 0; i < count; ++i) body(i);
}

// Orders sessions that end together by start, stably (their keys stay in
// order). Such runs are short and mostly sorted already.
void sort_by_start(SessionStore::Closed* first, SessionStore::Closed* last) {
  auto by_start = [](const SessionStore::Closed& a, const SessionStore::Closed& b) { return a.start < b.start; };
  if (std::is_sorted(first, last, by_start)) return;
  constexpr std::ptrdiff_t kInsertionSortMax = 64;
  if (last - first > kInsertionSortMax) {
    std::stable_sort(first, last, by_start);
    return;
  }
  for (SessionStore::Closed* next = first + 1; next < last; ++next) {
    const SessionStore::Closed moving = *next;
    SessionStore::Closed* hole = next;
    for (; hole > first && moving.start < (hole - 1)->start; --hole) *hole = *(hole - 1);
    *hole = moving;
  }
}

// Chunks of keys collected in parallel: at most this many, of at least
// kMinChunkKeys keys each.
constexpr size_t kCollectChunks = 16;
constexpr size_t kMinChunkKeys = 4096;

}  // namespace

SessionStore::SessionStore(const std::vector<GroupKeyColumn>& keys, const AggregateStateLayout& layout,
                           int64_t gap_millis, MemoryTracker* tracker)
    : layout_(layout),
      tracker_(tracker),
      keys_(std::make_unique<GroupTable>(keys, keys_only_layout(), tracker)),
      gap_(gap_millis),
      arena_(tracker, 16 * 1024) {
  WEIR_CHECK(gap_ > 0);
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
  // Event time mostly grows: most intervals come after the last session.
  if (list.empty() || list.back().end <= start) {
    const uint32_t index = new_block();
    list.push_back(Session{start, end, index});
    ++open_sessions_;
    return index;
  }
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
  if (sessions_.size() < keys_->num_groups()) sessions_.resize(keys_->num_groups());
  // Rows by (key, time): each key's rows of the morsel become runs of
  // overlapping intervals, each inserted into the store once.
  order_rows_by_group_and_time(rows, count, times);
  sorted_rows_.resize(count);
  row_blocks_.resize(count);
  // Each run reads the tail of its key's session list: a cache miss, as
  // keys are many. Prefetch the list header, then its tail, runs ahead.
  constexpr size_t kHeaderAhead = 16;
  constexpr size_t kTailAhead = 8;
  auto prefetch_ahead = [&](size_t position) {
    if (position + kHeaderAhead < count) __builtin_prefetch(&sessions_[groups_[order_[position + kHeaderAhead]]]);
    if (position + kTailAhead < count) {
      const std::vector<Session>& list = sessions_[groups_[order_[position + kTailAhead]]];
      if (!list.empty()) __builtin_prefetch(&list.back());
      if (list.size() > 4) __builtin_prefetch(&list.back() - 4);
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

void SessionStore::swap_contents(SessionStore& other) {
  std::swap(keys_, other.keys_);
  std::swap(sessions_, other.sessions_);
  std::swap(block_segments_, other.block_segments_);
  std::swap(free_blocks_, other.free_blocks_);
  std::swap(block_count_, other.block_count_);
  std::swap(open_sessions_, other.open_sessions_);
  std::swap(arena_, other.arena_);
  std::swap(absorbed_arenas_, other.absorbed_arenas_);
}

void SessionStore::merge_from(SessionStore& other, const ParallelFor& parallel_for) {
  if (other.open_sessions_ > open_sessions_) swap_contents(other);
  if (other.open_sessions_ > 0) absorb(other, parallel_for);
  // `other` keeps the block segments it still has for reuse.
  other.sessions_.clear();
  other.free_blocks_.clear();
  other.block_count_ = 0;
  other.open_sessions_ = 0;
  other.arena_.reset();
  other.absorbed_arenas_.clear();
}

void SessionStore::absorb(SessionStore& other, const ParallelFor& parallel_for) {
  std::vector<uint32_t> mapping;
  keys_->map_groups_from(*other.keys_, mapping);
  if (sessions_.size() < keys_->num_groups()) sessions_.resize(keys_->num_groups());
  // Other's string states stay in its arenas, which this store takes over.
  absorbed_arenas_.push_back(std::move(other.arena_));
  for (Arena& arena : other.absorbed_arenas_) absorbed_arenas_.push_back(std::move(arena));
  other.absorbed_arenas_.clear();
  // Segments are taken over when other's blocks in use fill at least one and
  // would not fit in our free blocks (which keeps a long-running store's
  // memory bounded: freed blocks are reused before segments pile up).
  const size_t other_blocks_in_use = other.block_count_ - other.free_blocks_.size();
  const bool adopt = other.block_count_ >= kSegmentBlocks && other_blocks_in_use > free_blocks_.size();
  uint32_t shift = 0;
  std::vector<uint32_t> renumbered;
  if (adopt) {
    shift = adopt_segments(other);
  } else {
    copy_blocks(other, renumbered);
  }

  open_sessions_ += other.open_sessions_;
  // Keys merge independently: chunks of other's keys on the workers, each
  // with its own freed blocks, scratch and arena (for string states that a
  // merge copies), folded in afterwards. `mapping` is one to one, so chunks
  // write disjoint session lists.
  const size_t source_groups = other.sessions_.size();
  const size_t chunks = parallel_for ? std::clamp<size_t>(source_groups / kMinChunkKeys, 1, kCollectChunks) : 1;
  struct MergeChunk {
    explicit MergeChunk(MemoryTracker* tracker) : arena(tracker, 16 * 1024) {}
    std::vector<uint32_t> freed;
    std::vector<Session> scratch;
    Arena arena;
  };
  std::vector<MergeChunk> merges;
  merges.reserve(chunks);
  for (size_t c = 0; c < chunks; ++c) merges.emplace_back(tracker_);
  run_chunks(parallel_for, chunks, [&](size_t c) {
    MergeChunk& merge = merges[c];
    for (size_t source_group = source_groups * c / chunks; source_group < source_groups * (c + 1) / chunks;
         ++source_group) {
      std::vector<Session>& incoming = other.sessions_[source_group];
      if (incoming.empty()) continue;
      for (Session& session : incoming) session.block = adopt ? session.block + shift : renumbered[session.block];
      std::vector<Session>& list = sessions_[mapping[source_group]];
      if (list.empty()) {
        list.swap(incoming);
      } else {
        merge_sessions(list, incoming, merge.scratch, merge.freed, merge.arena);
      }
    }
  });
  for (MergeChunk& merge : merges) {
    free_blocks_.insert(free_blocks_.end(), merge.freed.begin(), merge.freed.end());
    open_sessions_ -= merge.freed.size();
    if (merge.arena.bytes_reserved() > 0) absorbed_arenas_.push_back(std::move(merge.arena));
  }
}

uint32_t SessionStore::adopt_segments(SessionStore& other) {
  const size_t block_bytes = layout_.block_bytes();
  // Our last segment is completed (its unused blocks become free ones), and
  // segments kept for reuse beyond it are released: other's go right after.
  if ((block_count_ & kSegmentMask) != 0) {
    block_segments_[block_count_ >> kSegmentShift].resize(size_t{kSegmentBlocks} * block_bytes);
    const uint32_t completed = ((block_count_ >> kSegmentShift) + 1) << kSegmentShift;
    for (uint32_t index = block_count_; index < completed; ++index) free_blocks_.push_back(index);
    block_count_ = completed;
  }
  block_segments_.erase(block_segments_.begin() + (block_count_ >> kSegmentShift), block_segments_.end());
  WEIR_CHECK(other.block_count_ < 0xFFFFFFFEU - block_count_);
  const uint32_t shift = block_count_;
  const size_t other_segments = (size_t{other.block_count_} + kSegmentMask) >> kSegmentShift;
  for (size_t segment = 0; segment < other_segments; ++segment) {
    block_segments_.push_back(std::move(other.block_segments_[segment]));
  }
  other.block_segments_.clear();
  block_count_ += other.block_count_;
  for (const uint32_t free_block : other.free_blocks_) free_blocks_.push_back(free_block + shift);
  return shift;
}

void SessionStore::copy_blocks(SessionStore& other, std::vector<uint32_t>& renumbered) {
  std::vector<uint8_t> is_free(other.block_count_, 0);
  for (const uint32_t free_block : other.free_blocks_) is_free[free_block] = 1;
  renumbered.resize(other.block_count_);
  const size_t block_bytes = layout_.block_bytes();
  for (uint32_t source_block = 0; source_block < other.block_count_; ++source_block) {
    if (is_free[source_block]) continue;
    const uint32_t index = take_block();
    std::memcpy(block(index), other.block(source_block), block_bytes);
    renumbered[source_block] = index;
  }
}

void SessionStore::merge_sessions(std::vector<Session>& list, const std::vector<Session>& incoming,
                                  std::vector<Session>& merged, std::vector<uint32_t>& freed, Arena& arena) {
  merged.clear();
  merged.reserve(list.size() + incoming.size());
  size_t from_list = 0;
  size_t from_incoming = 0;
  while (from_list < list.size() || from_incoming < incoming.size()) {
    const bool take_list = from_incoming == incoming.size() ||
                           (from_list < list.size() && list[from_list].start <= incoming[from_incoming].start);
    const Session next = take_list ? list[from_list++] : incoming[from_incoming++];
    if (merged.empty() || merged.back().end <= next.start) {
      merged.push_back(next);
      continue;
    }
    Session& current = merged.back();  // starts no later than next and overlaps it
    current.end = std::max(current.end, next.end);
    layout_.merge(block(current.block), block(next.block), arena);
    freed.push_back(next.block);
  }
  list.swap(merged);
}


template <typename Action>
void SessionStore::for_each_closed(const std::vector<uint32_t>& key_order, size_t begin, size_t end, int64_t closing,
                                   Action&& action) const {
  for (size_t i = begin; i < end; ++i) {
    const uint32_t group = key_order[i];
    if (group >= sessions_.size()) continue;
    for (const Session& session : sessions_[group]) {
      if (session.end > closing) break;  // sorted by start and by end
      action(group, session);
    }
  }
}

size_t SessionStore::collect_closed(int64_t closing, ClosedSessions& closed, const ParallelFor& parallel_for) const {
  closed.clear();
  if (open_sessions_ == 0) return 0;
  // Keys in key order, cut into chunks: each chunk's sessions are gathered
  // on a worker, and chunk after chunk they stay in key order, so a stable
  // order by (end, start) yields (end, start, key). By end first: sessions
  // closed by a later watermark end after every session closed before, so
  // this order does not depend on the epochs.
  const std::vector<uint32_t> key_order = keys_->groups_in_key_order();
  auto first_key = [&](size_t chunk, size_t chunks) { return key_order.size() * chunk / chunks; };
  const size_t chunks = std::clamp<size_t>(key_order.size() / kMinChunkKeys, 1, kCollectChunks);
  struct ChunkScan {
    size_t count = 0;
    int64_t min_end = std::numeric_limits<int64_t>::max();
    int64_t max_end = std::numeric_limits<int64_t>::min();
  };
  std::vector<ChunkScan> scans(chunks);
  run_chunks(parallel_for, chunks, [&](size_t c) {
    ChunkScan scan;
    for_each_closed(key_order, first_key(c, chunks), first_key(c + 1, chunks), closing,
                    [&](uint32_t, const Session& session) {
                      ++scan.count;
                      scan.min_end = std::min(scan.min_end, session.end);
                      scan.max_end = std::max(scan.max_end, session.end);
                    });
    scans[c] = scan;
  });
  size_t count = 0;
  int64_t min_end = std::numeric_limits<int64_t>::max();
  int64_t max_end = std::numeric_limits<int64_t>::min();
  for (const ChunkScan& scan : scans) {
    count += scan.count;
    min_end = std::min(min_end, scan.min_end);
    max_end = std::max(max_end, scan.max_end);
  }
  if (count == 0) return 0;

  // Not zero-filled: every entry is written below, on the workers, who also
  // take the page faults.
  closed.resize(count);
  auto closed_of = [&](uint32_t group, const Session& session) {
    return Closed{session.start, session.end, group, 0, block(session.block)};
  };
  const uint64_t end_span = static_cast<uint64_t>(max_end) - static_cast<uint64_t>(min_end);
  // A counting sort by end places each session directly when the ends span
  // fewer milliseconds than there are sessions; one histogram per chunk, as
  // many chunks as keep the histograms within twice the sessions.
  const size_t counting_chunks = end_span < count ? std::min(chunks, std::max<size_t>(1, 2 * count / (end_span + 1)))
                                                  : 0;
  if (counting_chunks == 0) {
    std::vector<size_t> offsets(chunks + 1, 0);
    for (size_t c = 0; c < chunks; ++c) offsets[c + 1] = offsets[c] + scans[c].count;
    run_chunks(parallel_for, chunks, [&](size_t c) {
      size_t next = offsets[c];
      for_each_closed(key_order, first_key(c, chunks), first_key(c + 1, chunks), closing,
                      [&](uint32_t group, const Session& session) { closed[next++] = closed_of(group, session); });
    });
    std::stable_sort(closed.begin(), closed.end(), [](const Closed& a, const Closed& b) {
      return a.end != b.end ? a.end < b.end : a.start < b.start;
    });
  } else {
    const size_t buckets = end_span + 1;
    std::vector<std::vector<uint32_t>> positions(counting_chunks);
    run_chunks(parallel_for, counting_chunks, [&](size_t c) {
      positions[c].assign(buckets, 0);
      for_each_closed(key_order, first_key(c, counting_chunks), first_key(c + 1, counting_chunks), closing,
                      [&](uint32_t, const Session& session) { ++positions[c][session.end - min_end]; });
    });
    uint32_t running = 0;  // by end, then chunk after chunk
    for (size_t bucket = 0; bucket < buckets; ++bucket) {
      for (std::vector<uint32_t>& chunk_positions : positions) {
        const uint32_t sessions = chunk_positions[bucket];
        chunk_positions[bucket] = running;
        running += sessions;
      }
    }
    run_chunks(parallel_for, counting_chunks, [&](size_t c) {
      for_each_closed(key_order, first_key(c, counting_chunks), first_key(c + 1, counting_chunks), closing,
                      [&](uint32_t group, const Session& session) {
                        closed[positions[c][session.end - min_end]++] = closed_of(group, session);
                      });
    });
    // Each run of one end by start; a range of `closed` per chunk, each
    // sorting the runs that begin in it.
    run_chunks(parallel_for, chunks, [&](size_t c) {
      size_t begin = count * c / chunks;
      const size_t end = count * (c + 1) / chunks;
      while (begin > 0 && begin < end && closed[begin - 1].end == closed[begin].end) ++begin;
      while (begin < end) {
        size_t run_end = begin + 1;
        while (run_end < count && closed[run_end].end == closed[begin].end) ++run_end;
        sort_by_start(closed.data() + begin, closed.data() + run_end);
        begin = run_end;
      }
    });
  }
  return count;
}

void SessionStore::drop_closed(int64_t closing, size_t count) {
  if (count == open_sessions_) {
    // Every session closed (the end of the input): start afresh.
    for (std::vector<Session>& list : sessions_) list.clear();
    free_blocks_.clear();
    block_count_ = 0;  // the block segments are kept for reuse
    open_sessions_ = 0;
    arena_.reset();
    absorbed_arenas_.clear();
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
