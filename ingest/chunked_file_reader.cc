#include "ingest/chunked_file_reader.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "runtime/errors.h"

namespace weir {

ChunkedFileReader::ChunkedFileReader(std::shared_ptr<const ReadableFile> file, TextChunkPool& pool,
                                     size_t block_bytes)
    : file_(std::move(file)), pool_(pool), block_bytes_(std::max<size_t>(block_bytes, 1)), carry_room_(block_bytes_) {
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

int ChunkedFileReader::wait_until_read(const AheadBlock& block) {
  int state = block.state.load(std::memory_order_acquire);
  while (state == AheadBlock::kReading) {
    block.state.wait(state, std::memory_order_acquire);
    state = block.state.load(std::memory_order_acquire);
  }
  return state;
}

size_t ChunkedFileReader::take_blocks_read_ahead(size_t wanted) {
  size_t taken = 0;
  while (taken < wanted) {
    std::shared_ptr<AheadBlock> block;
    {
      std::lock_guard lock(mutex_);
      if (ahead_.empty() || ahead_.front()->chunk != chunk_) break;
      block = ahead_.front();
    }
    // Blocks are claimed in file order right after the bytes appended, so
    // the first one continues the chunk exactly.
    WEIR_CHECK(block->offset == offset_ && block->position == chunk_->size());
    if (wait_until_read(*block) == AheadBlock::kFailed) {
      // Read it again here: its error (if it has one) comes in order.
      const size_t got = file_->read_at(block->offset, chunk_->data() + block->position, block->length);
      WEIR_CHECK(got == block->length);  // read_at throws when the file comes up short
    }
    {
      std::lock_guard lock(mutex_);
      ahead_.pop_front();
    }
    chunk_->set_size(chunk_->size() + block->length);
    offset_ += block->length;
    taken += block->length;
  }
  at_end_ = offset_ >= file_->size();
  return taken;
}

size_t ChunkedFileReader::read_more(size_t keep_from, size_t at_least) {
  WEIR_CHECK(!at_end_ && offset_ < file_->size());
  const size_t wanted = std::max(block_bytes_, at_least);
  size_t taken = 0;
  size_t moved = 0;  // keep_from - moved: where the kept bytes are now
  while (true) {
    taken += take_blocks_read_ahead(wanted - std::min(wanted, taken));
    if (taken >= wanted || at_end_) return moved;
    std::unique_lock lock(mutex_);
    if (!ahead_.empty() && ahead_.front()->chunk == chunk_) continue;  // claimed meanwhile: take it
    const size_t keep = keep_from - moved;
    WEIR_CHECK(chunk_ == nullptr || keep <= chunk_->size());
    const size_t kept = chunk_ == nullptr ? 0 : chunk_->size() - keep;
    if (!ahead_.empty()) {
      // The current chunk is full; the next blocks are in the next one.
      if (kept <= carry_room_) {
        const size_t lead = carry_room_ - kept;
        std::memcpy(next_chunk_->data() + lead, chunk_->data() + keep, kept);
        next_chunk_->set_size(carry_room_);
        moved += keep - lead;
        chunk_ = std::move(next_chunk_);
        chunk_file_offset_ = next_chunk_file_offset_;
        continue;
      }
      // A record longer than the room before them: drop them (a worker
      // still reading one writes into the dropped chunk, which it holds).
      ahead_.clear();
      next_chunk_.reset();
      claimed_end_ = offset_;
    }
    const size_t remaining = file_->size() - offset_;
    const size_t length = std::min(wanted - taken, remaining);
    if (chunk_ == nullptr || chunk_->capacity() - chunk_->size() < length) {
      // A standard chunk, or room for a long record to double; never more
      // than the rest of the file needs.
      const size_t capacity =
          std::min(std::max(block_bytes_ * kBlocksPerChunk, 2 * kept + length), kept + remaining);
      std::shared_ptr<TextChunk> fresh = pool_.take(capacity);
      if (kept != 0) std::memcpy(fresh->data(), chunk_->data() + keep, kept);
      fresh->set_size(kept);
      moved += keep;
      chunk_ = std::move(fresh);
      chunk_file_offset_ = offset_ - kept;
    }
    // Workers read ahead after this read.
    claimed_end_ = offset_ + length;
    std::shared_ptr<TextChunk> chunk = chunk_;
    lock.unlock();
    const size_t got = file_->read_at(offset_, chunk->data() + chunk->size(), length);
    WEIR_CHECK(got == length);  // read_at throws when the file comes up short
    chunk->set_size(chunk->size() + got);
    offset_ += got;
    at_end_ = offset_ >= file_->size();
    return moved;
  }
}

size_t ChunkedFileReader::read_ahead(size_t max_blocks) noexcept {
  size_t read = 0;
  while (read < max_blocks) {
    std::shared_ptr<AheadBlock> block;
    try {
      block = std::make_shared<AheadBlock>();
      std::lock_guard lock(mutex_);
      if (!reading_ahead_ || chunk_ == nullptr || ahead_.size() >= kMaxBlocksAhead ||
          claimed_end_ >= file_->size()) {
        break;
      }
      const size_t length = std::min(block_bytes_, file_->size() - claimed_end_);
      // Everything that may throw (no memory) comes before the first change.
      std::shared_ptr<TextChunk> fresh;  // a next chunk to start
      size_t fresh_file_offset = 0;
      if (next_chunk_ == nullptr && claimed_end_ - chunk_file_offset_ + length <= chunk_->capacity()) {
        block->chunk = chunk_;
        block->position = claimed_end_ - chunk_file_offset_;
      } else {
        if (next_chunk_ == nullptr) {
          // Sized as the owner would: standard, or what the rest of the
          // file needs.
          fresh = pool_.take(std::min(block_bytes_ * kBlocksPerChunk, carry_room_ + file_->size() - claimed_end_));
          fresh_file_offset = claimed_end_ - carry_room_;
        }
        const std::shared_ptr<TextChunk>& next = fresh != nullptr ? fresh : next_chunk_;
        const size_t next_file_offset = fresh != nullptr ? fresh_file_offset : next_chunk_file_offset_;
        block->position = claimed_end_ - next_file_offset;
        if (block->position + length > next->capacity()) break;  // never two chunks ahead
        block->chunk = next;
      }
      block->offset = claimed_end_;
      block->length = length;
      ahead_.push_back(block);
      // Claimed: nothing below throws.
      if (fresh != nullptr) {
        next_chunk_ = std::move(fresh);
        next_chunk_file_offset_ = fresh_file_offset;
      }
      claimed_end_ += length;
    } catch (...) {
      break;  // no memory: the owner reads on its own
    }
    int state = AheadBlock::kFailed;
    try {
      if (file_->read_at(block->offset, block->chunk->data() + block->position, block->length) == block->length) {
        state = AheadBlock::kRead;
      }
    } catch (...) {
      // The owner reads the block again and reports the error.
    }
    block->state.store(state, std::memory_order_release);
    block->state.notify_all();
    ++read;
  }
  return read;
}

void ChunkedFileReader::stop_reading_ahead() {
  std::vector<std::shared_ptr<AheadBlock>> in_flight;
  {
    std::lock_guard lock(mutex_);
    reading_ahead_ = false;
    in_flight.assign(ahead_.begin(), ahead_.end());
  }
  // Blocks still being read finish before the caller touches the
  // descriptor; they stay queued for read_more().
  for (const std::shared_ptr<AheadBlock>& block : in_flight) wait_until_read(*block);
}

}  // namespace weir
