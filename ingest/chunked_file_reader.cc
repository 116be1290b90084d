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

bool ChunkedFileReader::has_room() const {
  if (chunk_ == nullptr) return false;
  const size_t next_read = std::min(block_bytes_, file_->size() - offset_);
  return chunk_->capacity() - chunk_->size() >= next_read;
}

size_t ChunkedFileReader::read_more(size_t keep_from, size_t at_least) {
  WEIR_CHECK(!at_end_ && offset_ < file_->size());
  const size_t remaining = file_->size() - offset_;
  const size_t wanted = std::max(block_bytes_, at_least);
  const size_t length = std::min(wanted, remaining);
  size_t moved = 0;
  if (chunk_ == nullptr || chunk_->capacity() - chunk_->size() < length) {
    WEIR_CHECK(chunk_ == nullptr || keep_from <= chunk_->size());
    const size_t kept = chunk_ == nullptr ? 0 : chunk_->size() - keep_from;
    // A standard chunk, or room for a long record to double; never more
    // than the rest of the file needs.
    const size_t capacity =
        std::min(std::max(block_bytes_ * kBlocksPerChunk, 2 * kept + wanted), kept + remaining);
    std::shared_ptr<TextChunk> fresh = pool_.take(capacity);
    if (kept != 0) std::memcpy(fresh->data(), chunk_->data() + keep_from, kept);
    fresh->set_size(kept);
    moved = chunk_ == nullptr ? 0 : keep_from;
    chunk_ = std::move(fresh);
  }
  const size_t got = file_->read_at(offset_, chunk_->data() + chunk_->size(), length);
  WEIR_CHECK(got == length);  // read_at throws when the file comes up short
  chunk_->set_size(chunk_->size() + got);
  offset_ += got;
  at_end_ = offset_ >= file_->size();
  return moved;
}

}  // namespace weir
