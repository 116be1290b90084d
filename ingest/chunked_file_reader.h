#pragma once

#include <cstddef>
#include <memory>
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
// Contract: one thread (the source's serial stage). The file must outlive
// the reader; chunk() may be shared with other threads, which must only
// read bytes below the size the chunk had when they got it.
class ChunkedFileReader {
 public:
  // `block_bytes` per read; a chunk holds kBlocksPerChunk blocks (more when
  // a record is longer). Nothing is read until read_more().
  ChunkedFileReader(std::shared_ptr<const ReadableFile> file, TextChunkPool& pool, size_t block_bytes);

  static constexpr size_t kBlocksPerChunk = 8;

  // The bytes read and held: the chunk's filled bytes (empty before the
  // first read_more()).
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
  // on moved towards the start of text() (0, or keep_from when a fresh
  // chunk was started). A caller waiting for the end of a long record asks
  // for at least as many bytes as it keeps, so reads grow geometrically and
  // the record is scanned O(1) times per byte. A chunk holds no more than
  // the rest of the file needs (small files, small chunks).
  size_t read_more(size_t keep_from, size_t at_least = 0);
  // Closes the file's descriptor until the next read (see ReadableFile).
  void release_descriptor() const { file_->release_descriptor(); }

 private:
  std::shared_ptr<const ReadableFile> file_;
  TextChunkPool& pool_;
  size_t block_bytes_;
  std::shared_ptr<TextChunk> chunk_;
  size_t offset_ = 0;  // of the next byte to read from the file
  bool at_end_ = false;
};

}  // namespace weir
