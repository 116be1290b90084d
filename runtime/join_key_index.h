#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/key_hash.h"

namespace weir {

// A stream join's key: the key column's value and the window start (0
// without a window).
struct JoinKey {
  int64_t key;
  int64_t window;
  bool operator==(const JoinKey&) const = default;

  uint64_t hash() const {
    const uint64_t words[2] = {static_cast<uint64_t>(key), static_cast<uint64_t>(window)};
    return kernels::HashKeyWordsOne(words, 2);
  }
};

// Maps a join key to a uint32 value (StreamJoin: the newest row of the key
// + 1): open addressing with linear probing in one flat array, so a lookup
// is a hash and a few adjacent slots, and an insert allocates nothing but
// an occasional doubling. Keys are never erased; StreamJoin rebuilds the
// index when it compacts its state.
//
// Contract: one owner thread at a time (a partition's combine).
class JoinKeyIndex {
 public:
  // The value of `key`, or nullptr.
  const uint32_t* find(const JoinKey& key) const {
    if (slots_.empty()) return nullptr;
    for (size_t at = slot_of(key);; at = (at + 1) & mask_) {
      const Slot& slot = slots_[at];
      if (slot.value == 0) return nullptr;
      if (slot.key == key) return &slot.value;
    }
  }

  bool contains(const JoinKey& key) const { return find(key) != nullptr; }

  // The value of `key` (*inserted = false), or a new slot for it holding 0
  // (*inserted = true) that the caller must set to a non-zero value.
  uint32_t& find_or_insert(const JoinKey& key, bool* inserted) {
    if ((size_ + 1) * 4 > slots_.size() * 3) grow();
    for (size_t at = slot_of(key);; at = (at + 1) & mask_) {
      Slot& slot = slots_[at];
      if (slot.value == 0) {
        slot.key = key;
        ++size_;
        *inserted = true;
        return slot.value;
      }
      if (slot.key == key) {
        *inserted = false;
        return slot.value;
      }
    }
  }

  void clear() {
    slots_.clear();
    size_ = 0;
    mask_ = 0;
  }

  size_t size() const { return size_; }

 private:
  struct Slot {
    JoinKey key{0, 0};
    uint32_t value = 0;  // 0: an empty slot (values are never 0)
  };

  size_t slot_of(const JoinKey& key) const { return static_cast<size_t>(key.hash()) & mask_; }

  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.value == 0) continue;
      size_t at = slot_of(slot.key);
      while (slots_[at].value != 0) at = (at + 1) & mask_;
      slots_[at] = slot;
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
  size_t mask_ = 0;
};

}  // namespace weir
