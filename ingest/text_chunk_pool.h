#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "memory/huge_pages.h"
#include "memory/memory_tracker.h"

namespace weir {

// A buffer of input text: bytes [0, size()) are filled, [size(), capacity())
// are room for more. Its owner appends at the end while morsels already cut
// from it read the bytes before (never at or past their own end), so
// appending needs no lock.
class TextChunk {
 public:
  const char* data() const { return bytes_.get(); }
  char* data() { return bytes_.get(); }
  size_t capacity() const { return capacity_; }
  // Read by the chunk's owner only (workers go by their morsel's bounds).
  size_t size() const { return size_; }
  void set_size(size_t size) { size_ = size; }

 private:
  friend class TextChunkPool;
  struct Free {
    void operator()(char* bytes) const noexcept { free_maybe_huge(bytes); }
  };
  // A chunk of 2 MiB is one huge page where the kernel allows it
  // (memory/huge_pages.h): one fault and one TLB entry, not 512.
  std::unique_ptr<char, Free> bytes_;
  size_t capacity_ = 0;
  size_t size_ = 0;
};

// Recycles text chunks, so reading a large file touches a few buffers of
// memory again and again (already faulted in, warm in the caches) instead of
// fresh memory for every chunk.
//
// Contract: take() and a chunk's return (when its last shared_ptr goes) on
// any thread (the shelf is locked): the source's serial stage takes chunks,
// and so do workers reading ahead (ChunkedFileReader::read_ahead). Chunks may outlive the pool. Buffer bytes are
// counted in the tracker while they exist; the tracker must outlive every
// chunk.
class TextChunkPool {
 public:
  // Only chunks of `standard_capacity` bytes are kept for reuse; others
  // (grown for a long record, or sized for a small file) are freed when
  // they come back.
  TextChunkPool(MemoryTracker* tracker, size_t standard_capacity);
  // Frees the shelved chunks; chunks still out are freed when they go.
  ~TextChunkPool();
  TextChunkPool(const TextChunkPool&) = delete;
  TextChunkPool& operator=(const TextChunkPool&) = delete;

  // An empty chunk (size 0) of at least `capacity` bytes.
  std::shared_ptr<TextChunk> take(size_t capacity);

 private:
  struct Shelf {
    std::mutex mutex;
    std::vector<std::unique_ptr<TextChunk>> chunks;  // free, for reuse
    MemoryTracker* tracker = nullptr;
    size_t standard_capacity = 0;
    bool pool_alive = true;  // false: returned chunks are freed
    // Frees `chunk` (under the lock) and uncounts its bytes.
    void free(std::unique_ptr<TextChunk> chunk);
  };
  // Buffers kept for reuse; more are freed when they come back.
  static constexpr size_t kShelfChunks = 8;

  std::shared_ptr<Shelf> shelf_;
};

}  // namespace weir
