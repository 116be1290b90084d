#include "ingest/text_chunk_pool.h"

#include <utility>

namespace weir {

TextChunkPool::TextChunkPool(MemoryTracker* tracker, size_t standard_capacity) : shelf_(std::make_shared<Shelf>()) {
  shelf_->tracker = tracker;
  shelf_->standard_capacity = standard_capacity;
}

TextChunkPool::~TextChunkPool() {
  std::lock_guard<std::mutex> lock(shelf_->mutex);
  shelf_->pool_alive = false;
  for (std::unique_ptr<TextChunk>& chunk : shelf_->chunks) shelf_->free(std::move(chunk));
  shelf_->chunks.clear();
}

void TextChunkPool::Shelf::free(std::unique_ptr<TextChunk> chunk) {
  if (tracker != nullptr) tracker->release(static_cast<int64_t>(chunk->capacity()));
}

std::shared_ptr<TextChunk> TextChunkPool::take(size_t capacity) {
  std::unique_ptr<TextChunk> chunk;
  {
    std::lock_guard<std::mutex> lock(shelf_->mutex);
    std::vector<std::unique_ptr<TextChunk>>& chunks = shelf_->chunks;
    for (size_t index = 0; index < chunks.size(); ++index) {
      if (chunks[index]->capacity() >= capacity) {
        chunk = std::move(chunks[index]);
        chunks.erase(chunks.begin() + static_cast<std::ptrdiff_t>(index));
        break;
      }
    }
  }
  if (chunk == nullptr) {
    if (shelf_->tracker != nullptr) shelf_->tracker->allocate(static_cast<int64_t>(capacity));
    try {
      chunk = std::make_unique<TextChunk>();
      chunk->bytes_.reset(static_cast<char*>(allocate_maybe_huge(capacity, 64)));
    } catch (...) {
      if (shelf_->tracker != nullptr) shelf_->tracker->release(static_cast<int64_t>(capacity));
      throw;
    }
    chunk->capacity_ = capacity;
  }
  chunk->size_ = 0;
  // Back on the shelf when the last owner lets go (the shelf outlives the
  // pool while chunks are out).
  std::shared_ptr<Shelf> shelf = shelf_;
  TextChunk* raw = chunk.release();
  return std::shared_ptr<TextChunk>(raw, [shelf = std::move(shelf)](TextChunk* returned) {
    std::unique_ptr<TextChunk> owned(returned);
    std::lock_guard<std::mutex> lock(shelf->mutex);
    if (shelf->pool_alive && shelf->chunks.size() < kShelfChunks && owned->capacity() == shelf->standard_capacity) {
      shelf->chunks.push_back(std::move(owned));
    } else {
      shelf->free(std::move(owned));
    }
  });
}

}  // namespace weir
