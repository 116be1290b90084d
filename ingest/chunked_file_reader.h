#pragma once

#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string_view>

#include "ingest/readable_file.h"
#include "ingest/text_chunk_pool.h"

namespace weir {

// Reads one file front to back, a block at a time, into text chunks from a
// pool, for a scanner that cuts records from the text read so far.
//
// The text is the current chunk's filled bytes. read_more() appends the next
// block to it; when the chunk has no room left, it first moves the bytes
// still wanted (from `keep_from` on: the records not cut yet) to the start
// of a fresh chunk, and the old chunk stays with whoever shares it (morsels
// cut from it). So a record always lies in one chunk, and the bytes cut
// from a chunk never move or change.
//
// Read-ahead: other threads (the workers, between morsels) may read the
// next blocks into their places with read_ahead(); read_more() then takes
// them, in file order, instead of reading itself (the serial stage only
// waits for a block a worker is still reading). So copying the file from
// the page cache, most of a cut's work, runs in parallel. Blocks that do
// not fit in the current chunk go to the next one, after room for the
// bytes carried over (kept), one block long: when the current chunk is
// full the kept bytes are copied to end where those blocks begin, and the
// text continues from there. A kept record longer than that room drops the
// next chunk's blocks (they are read again after it, as without
// read-ahead).
//
// Contract: the owner (the source's serial stage) calls everything but
// read_ahead(), one call at a time; read_ahead() may run on any threads at
// once, concurrently with the owner. Its file must allow concurrent
// read_at() (its descriptor is never released while it is read ahead). The
// file must outlive the reader; chunk() may be shared with other threads,
// which must only read bytes below the size the chunk had when they got it.
class ChunkedFileReader {
 public:
  // `block_bytes` per read; a chunk holds kBlocksPerChunk blocks (more when
  // a record is longer). Nothing is read until read_more().
  ChunkedFileReader(std::shared_ptr<const ReadableFile> file, TextChunkPool& pool, size_t block_bytes);

  static constexpr size_t kBlocksPerChunk = 8;

  // The bytes read and held: the chunk's filled bytes (empty before the
  // first read_more()). From the bytes kept by the last read_more() on
  // they are the file's; before them, in a chunk read ahead into, the
  // carry room's unused start is not (callers never look behind the bytes
  // they keep).
  std::string_view text() const;
  const std::shared_ptr<TextChunk>& chunk() const { return chunk_; }
  // The whole file has been read.
  bool at_end() const { return at_end_; }
  // The next read_more() of one block appends to the current chunk (no
  // fresh chunk).
  bool has_room() const;

  // Reads the next block, or `at_least` bytes when more (WEIR_CHECKed: not
  // at_end()). The bytes before `keep_from` (<= text().size()) may be left
  // behind in the old chunk; returns by how much the bytes from `keep_from`
  // on moved towards the start of text() (0 in the same chunk; keep_from
  // in a fresh chunk; less when they were carried into a chunk read ahead
  // into, in front of its blocks: then the text before them is not the
  // file's). Blocks read ahead are taken first, in order. A caller waiting for the end of a long record asks
  // for at least as many bytes as it keeps, so reads grow geometrically and
  // the record is scanned O(1) times per byte. A chunk holds no more than
  // the rest of the file needs (small files, small chunks).
  size_t read_more(size_t keep_from, size_t at_least = 0);
  // Closes the file's descriptor until the next read (see ReadableFile).
  // Only after stop_reading_ahead().
  void release_descriptor() const { file_->release_descriptor(); }

  // Any thread: reads up to `max_blocks` of the blocks after those read or
  // claimed so far, while they fit in the current chunk and fewer than
  // kMaxBlocksAhead wait to be taken; returns how many it read. A read that
  // fails is left for read_more(), which reads the block again and throws
  // in order.
  // Never throws (without memory it reads nothing).
  size_t read_ahead(size_t max_blocks) noexcept;
  static constexpr size_t kMaxBlocksAhead = kBlocksPerChunk;
  // Owner: no block is read ahead from now on, and none is still being
  // read when it returns (those read stay for read_more()). Before
  // release_descriptor().
  void stop_reading_ahead();

 private:
  // A block claimed by read_ahead(): file bytes [offset, offset + length)
  // at chunk position offset - chunk_file_offset_.
  struct AheadBlock {
    static constexpr int kReading = 0, kRead = 1, kFailed = 2;
    size_t offset = 0;
    size_t length = 0;
    std::shared_ptr<TextChunk> chunk;  // the current chunk or the next one
    size_t position = 0;               // in `chunk`
    std::atomic<int> state{kReading};
  };
  // Waits until `block` is read (or its read failed); returns its state.
  static int wait_until_read(const AheadBlock& block);
  // Appends the blocks read ahead into the current chunk, in order, until
  // `wanted` bytes were appended or none is left; returns the bytes
  // appended.
  size_t take_blocks_read_ahead(size_t wanted);

  std::shared_ptr<const ReadableFile> file_;
  TextChunkPool& pool_;
  size_t block_bytes_;
  // Guards what read_ahead() reads or changes: chunk_ (the pointer),
  // chunk_file_offset_, claimed_end_ and ahead_. The chunk's size and
  // offset_ change on the owner's thread only.
  std::mutex mutex_;
  std::shared_ptr<TextChunk> chunk_;
  size_t chunk_file_offset_ = 0;  // file offset of the chunk's position 0
  // The chunk read ahead into once the current one is full; its blocks
  // start at position carry_room_.
  std::shared_ptr<TextChunk> next_chunk_;
  size_t next_chunk_file_offset_ = 0;
  size_t carry_room_;
  size_t offset_ = 0;       // of the next byte to append to the chunk
  size_t claimed_end_ = 0;  // end of the bytes appended or being read (ahead_ covers [offset_, claimed_end_))
  std::deque<std::shared_ptr<AheadBlock>> ahead_;
  bool reading_ahead_ = true;  // false after stop_reading_ahead()
  bool at_end_ = false;
};

}  // namespace weir
