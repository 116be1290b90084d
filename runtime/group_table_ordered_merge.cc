// GroupTable::merge_in_key_order: the parallel combine of large group tables.
//
// Every source is first put in key order (a walk of its direct array, a sort
// of (key, group) pairs, or a comparison sort for composite and string keys;
// one source per task). The key space is then cut into ranges at splitter
// keys taken at even positions of the largest source; each range is located
// in every source by binary search, so a range holds the same keys in every
// source. Each range is merged by one task in two passes over its sorted
// inputs: the first counts its distinct keys (a prefix sum over the ranges
// gives each range its first group id), the second writes the groups, in key
// order, into disjoint slices of the new table's vectors. Source state blocks
// are read in sorted order, i.e. at random, with prefetching; the new table is
// written sequentially.
#include <algorithm>
#include <bit>
#include <cstring>

#include "runtime/errors.h"
#include "runtime/group_table.h"

namespace weir {

class GroupTable::OrderedMerge {
 public:
  OrderedMerge(std::vector<std::unique_ptr<GroupTable>> sources, const ParallelFor& parallel_for,
               MemoryTracker* tracker, size_t keys_per_range)
      : parallel_for_(parallel_for), tracker_(tracker), keys_per_range_(std::max<size_t>(keys_per_range, 1)) {
    WEIR_CHECK(!sources.empty());
    const GroupTable& first = *sources.front();
    single_key_ = first.keys_.size() == 1 && first.keys_[0].type != DataType::String;
    for (auto& table : sources) sources_.push_back(Source{std::move(table), {}, {}, 0});
  }

  std::unique_ptr<GroupTable> run() {
    sort_sources();
    choose_ranges();
    count_ranges();
    build_target();
    return std::move(target_);
  }

 private:
  struct Source {
    std::unique_ptr<GroupTable> table;
    std::vector<uint32_t> groups;  // in key order
    std::vector<int64_t> keys;     // single key: groups[i]'s key, for i < ordered
    size_t ordered;                // groups[0, ordered) are merged by ranges; the rest (the NULL key) after
  };

  void run_tasks(size_t count, const std::function<void(size_t)>& body) {
    if (parallel_for_ && count > 1) {
      parallel_for_(count, body);
    } else {
      for (size_t i = 0; i < count; ++i) body(i);
    }
  }

  void sort_sources() {
    run_tasks(sources_.size(), [&](size_t s) {
      Source& source = sources_[s];
      if (single_key_) {
        source.table->sorted_single_keys(source.keys, source.groups);
        source.ordered = source.keys.size();
      } else {
        source.groups = source.table->groups_in_key_order();
        source.ordered = source.groups.size();
      }
    });
  }

  // Three-way comparison of position i of source s with position j of source t.
  int compare(size_t s, size_t i, size_t t, size_t j) const {
    if (single_key_) {
      const int64_t a = sources_[s].keys[i];
      const int64_t b = sources_[t].keys[j];
      return a < b ? -1 : (a > b ? 1 : 0);
    }
    return compare_keys(*sources_[s].table, sources_[s].groups[i], *sources_[t].table, sources_[t].groups[j]);
  }

  void choose_ranges() {
    size_t largest = 0;
    for (size_t s = 0; s < sources_.size(); ++s) {
      if (sources_[s].ordered > sources_[largest].ordered) largest = s;
    }
    // Ranges of keys_per_range_ keys of the largest source (32K by default):
    // enough of them to balance the tasks, few enough that the binary
    // searches stay negligible.
    constexpr size_t kMaxRanges = 1024;
    ranges_ = std::clamp<size_t>(sources_[largest].ordered / keys_per_range_, 1, kMaxRanges);
    const size_t m = sources_.size();
    bounds_.assign((ranges_ + 1) * m, 0);
    for (size_t s = 0; s < m; ++s) bounds_[ranges_ * m + s] = sources_[s].ordered;
    run_tasks(ranges_ - 1, [&](size_t index) {
      const size_t range = index + 1;
      const size_t splitter = range * sources_[largest].ordered / ranges_;
      for (size_t s = 0; s < m; ++s) {
        // First position of source s whose key is >= the splitter key.
        size_t low = 0;
        size_t high = sources_[s].ordered;
        while (low < high) {
          const size_t middle = low + (high - low) / 2;
          if (compare(s, middle, largest, splitter) < 0) {
            low = middle + 1;
          } else {
            high = middle;
          }
        }
        bounds_[range * m + s] = low;
      }
    });
  }

  // Calls visit(matching, positions) for each distinct key of `range` in
  // ascending order; `matching` lists the sources holding it (ascending),
  // positions[s] is that key's position in source s.
  template <typename Visit>
  void walk_range(size_t range, Visit&& visit) const {
    const size_t m = sources_.size();
    std::vector<size_t> positions(bounds_.begin() + range * m, bounds_.begin() + (range + 1) * m);
    const size_t* ends = bounds_.data() + (range + 1) * m;
    std::vector<size_t> matching;
    matching.reserve(m);
    while (true) {
      size_t best = m;
      for (size_t s = 0; s < m; ++s) {
        if (positions[s] < ends[s] && (best == m || compare(s, positions[s], best, positions[best]) < 0)) best = s;
      }
      if (best == m) return;
      matching.clear();
      for (size_t s = 0; s < m; ++s) {
        if (positions[s] < ends[s] && (s == best || compare(s, positions[s], best, positions[best]) == 0)) {
          matching.push_back(s);
        }
      }
      visit(matching, positions);
      for (size_t s : matching) ++positions[s];
    }
  }

  void count_ranges() {
    range_groups_.assign(ranges_ + 1, 0);
    run_tasks(ranges_, [&](size_t range) {
      size_t distinct = 0;
      walk_range(range, [&](const std::vector<size_t>&, const std::vector<size_t>&) { ++distinct; });
      range_groups_[range + 1] = distinct;
    });
    for (size_t range = 0; range < ranges_; ++range) range_groups_[range + 1] += range_groups_[range];
  }

  // Writes group `group` of the target from the sources in `matching` at
  // `positions`: the first one's key and block are copied (its arena moves
  // into the target, so string views stay valid), the others merged in.
  void write_group(uint32_t group, const std::vector<size_t>& matching, const std::vector<size_t>& positions,
                   Arena& arena) {
    GroupTable& target = *target_;
    const size_t width = target.words_per_key();
    const size_t string_count = target.string_key_indices_.size();
    const size_t block_bytes = target.layout_.block_bytes();
    const Source& first_source = sources_[matching[0]];
    const size_t first_position = positions[matching[0]];
    const GroupTable& first = *first_source.table;
    const uint32_t first_group = first_source.groups[first_position];
    uint64_t* words = target.key_words_.data() + size_t{group} * width;
    if (single_key_ && first_position < first_source.ordered) {
      // The key is at hand in the sorted keys: no read of the source's key
      // words or hash (each a cache miss).
      words[0] = static_cast<uint64_t>(first_source.keys[first_position]);
      words[1] = 0;
      target.group_hashes_[group] = hash_key_words(words, 2);
    } else {
      std::memcpy(words, first.key_words_of(first_group), width * sizeof(uint64_t));
      target.group_hashes_[group] = first.group_hashes_[first_group];
    }
    for (size_t i = 0; i < string_count; ++i) {
      target.strings_[size_t{group} * string_count + i] = first.strings_[size_t{first_group} * string_count + i];
    }
    uint8_t* block = target.blocks_.data() + size_t{group} * block_bytes;
    std::memcpy(block, first.block(first_group), block_bytes);
    for (size_t i = 1; i < matching.size(); ++i) {
      const Source& other = sources_[matching[i]];
      target.layout_.merge(block, other.table->block(other.groups[positions[matching[i]]]), arena);
    }
  }

  void build_target() {
    const GroupTable& first = *sources_.front().table;
    target_ = std::make_unique<GroupTable>(first.keys_, first.layout_, tracker_);
    GroupTable& target = *target_;
    bool has_null = false;
    for (const Source& source : sources_) has_null = has_null || source.groups.size() > source.ordered;
    const size_t ordered_groups = range_groups_[ranges_];
    const size_t total = ordered_groups + (has_null ? 1 : 0);
    WEIR_CHECK(total < 0xFFFFFFFEULL);
    target.num_groups_ = total;
    target.key_words_.resize(total * target.words_per_key());
    target.group_hashes_.resize(total);
    target.strings_.resize(total * target.string_key_indices_.size());
    target.blocks_.resize(total * target.layout_.block_bytes());

    std::vector<Arena> range_arenas;
    range_arenas.reserve(ranges_);
    for (size_t range = 0; range < ranges_; ++range) range_arenas.emplace_back(tracker_, 4 * 1024);
    constexpr size_t kPrefetchDistance = 16;
    run_tasks(ranges_, [&](size_t range) {
      auto group = static_cast<uint32_t>(range_groups_[range]);
      const size_t m = sources_.size();
      const size_t* ends = bounds_.data() + (range + 1) * m;
      walk_range(range, [&](const std::vector<size_t>& matching, const std::vector<size_t>& positions) {
        for (size_t s : matching) {
          const size_t ahead = positions[s] + kPrefetchDistance;
          if (ahead < ends[s]) {
            const GroupTable& table = *sources_[s].table;
            const uint32_t ahead_group = sources_[s].groups[ahead];
            if (single_key_) {
              __builtin_prefetch(table.block(ahead_group));
            } else {
              table.prefetch_group(ahead_group);
            }
          }
        }
        write_group(group++, matching, positions, range_arenas[range]);
      });
    });
    if (has_null) {
      // The NULL key of a single-column key sorts last: one group after the ranges.
      std::vector<size_t> matching;
      std::vector<size_t> positions(sources_.size(), 0);
      for (size_t s = 0; s < sources_.size(); ++s) {
        if (sources_[s].groups.size() > sources_[s].ordered) {
          matching.push_back(s);
          positions[s] = sources_[s].ordered;
        }
      }
      write_group(static_cast<uint32_t>(total - 1), matching, positions, target.arena_);
      target.null_group_ = static_cast<uint32_t>(total - 1);
    }

    // The sources' strings and states live on in their arenas.
    uint64_t rows_seen = 0;
    bool direct_eligible = single_key_;
    for (Source& source : sources_) {
      rows_seen += source.table->rows_seen_;
      direct_eligible = direct_eligible && source.table->direct_eligible_;
      target.adopted_arenas_.push_back(std::move(source.table->arena_));
      for (Arena& arena : source.table->adopted_arenas_) target.adopted_arenas_.push_back(std::move(arena));
    }
    for (Arena& arena : range_arenas) target.adopted_arenas_.push_back(std::move(arena));
    target.rows_seen_ = rows_seen;
    target.key_ordered_ = true;
    target.slots_complete_ = false;  // rebuilt if a probe ever needs them
    target.direct_eligible_ = direct_eligible;
    if (direct_eligible && ordered_groups > 0) set_up_direct(ordered_groups);
    sources_.clear();
  }

  // The merged keys are sorted: the first and last non-NULL groups bound
  // the range. Keep direct indexing when the range still qualifies.
  void set_up_direct(size_t ordered_groups) {
    GroupTable& target = *target_;
    const auto low = static_cast<int64_t>(target.key_words_of(0)[0]);
    const auto high = static_cast<int64_t>(target.key_words_of(static_cast<uint32_t>(ordered_groups - 1))[0]);
    target.direct_low_ = low;
    target.direct_high_ = high;
    target.direct_range_known_ = true;
    const __int128 span = static_cast<__int128>(high) - low + 1;
    if (span > static_cast<__int128>(kMaxDirectSpan)) {
      target.direct_eligible_ = false;
      return;
    }
    if (span > (__int128{1} << 16) && span > static_cast<__int128>(64 * target.rows_seen_)) return;
    target.rebuild_direct(low, std::bit_ceil(static_cast<uint64_t>(span)));
  }

  const ParallelFor& parallel_for_;
  MemoryTracker* tracker_;
  size_t keys_per_range_;
  bool single_key_ = false;
  std::vector<Source> sources_;
  size_t ranges_ = 1;
  std::vector<size_t> bounds_;        // (ranges_ + 1) x sources: where each range starts in each source
  std::vector<size_t> range_groups_;  // first group id of each range (prefix sums of distinct keys)
  std::unique_ptr<GroupTable> target_;
};

std::unique_ptr<GroupTable> GroupTable::merge_in_key_order(std::vector<std::unique_ptr<GroupTable>> sources,
                                                           const ParallelFor& parallel_for, MemoryTracker* tracker,
                                                           size_t keys_per_range) {
  return OrderedMerge(std::move(sources), parallel_for, tracker, keys_per_range).run();
}

}  // namespace weir
