#include "ingest/chunked_file_reader.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "runtime/errors.h"

namespace weir {

ChunkedFileReader::ChunkedFileReader(std::shared_ptr<const ReadableFile> file, TextChunkPool& pool,
                                     size_t block_bytes)
    : file_(std::move(file)), pool_(pool), block_bytes_(std::max<size_t>(block_bytes, 1)) {
  at_end_ = file_->size() == 0;
}

std::string_view ChunkedFileReader::text() const {
  if (chunk_ == nullptr) return {};
  return std::string_view(chunk_->data(), chunk_->size());
}

size_t ChunkedFileReader::read_more(size_t keep_from) {
  WEIR_CHECK(!at_end_);
  size_t moved = 0;
  if (!has_room()) {
    const size_t kept = chunk_ == nullptr ? 0 : chunk_->size() - keep_from;
    WEIR_CHECK(chunk_ == nullptr || keep_from <= chunk_->size());
    // A record longer than a chunk grows the next one.
    const size_t capacity = std::max(block_bytes_ * kBlocksPerChunk, 2 * kept + block_bytes_);
    std::shared_ptr<TextChunk> fresh = pool_.take(capacity);
    if (kept != 0) std::memcpy(fresh->data(), chunk_->data() + keep_from, kept);
    fresh->set_size(kept);
    moved = chunk_ == nullptr ? 0 : keep_from;
    chunk_ = std::move(fresh);
  }
  const size_t got = file_->read_at(offset_, chunk_->data() + chunk_->size(), block_bytes_);
  chunk_->set_size(chunk_->size() + got);
  offset_ += got;
  at_end_ = got < block_bytes_ || offset_ >= file_->size();
  return moved;
}

}  // namespace weir
