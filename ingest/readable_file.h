#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace weir {

// One input file, read by offset (pread) into the caller's buffers.
//
// Reading copies from the page cache into memory the reader reuses, which
// in this kind of VM costs a fraction of mapping the file and faulting its
// pages in one by one (session 14: 0.06 s against 0.18-0.29 s for a 370 MB
// file). The size is taken when the file is opened; a file that shrinks
// afterwards just ends early (read_at returns fewer bytes).
//
// from_bytes() makes an in-memory copy instead (tests and fuzzers); the copy
// is an exact-size heap block so AddressSanitizer catches any read past it.
//
// Contract: constructed by one thread, then read_at() may be called from any
// thread (pread does not move a shared file offset). Shared through
// shared_ptr; the descriptor is closed when the last owner lets go.
class ReadableFile {
 public:
  // Opens `path`. Throws InputError naming the path when it cannot be
  // opened or inspected, or is not a regular file.
  explicit ReadableFile(const std::string& path);
  static std::shared_ptr<const ReadableFile> from_bytes(std::string_view bytes);

  ~ReadableFile();
  ReadableFile(const ReadableFile&) = delete;
  ReadableFile& operator=(const ReadableFile&) = delete;

  // The size when opened.
  size_t size() const { return size_; }

  // Copies up to `length` bytes from `offset` on into `destination`; returns
  // how many (fewer only at the end of the file). Throws InputError when the
  // read fails.
  size_t read_at(size_t offset, char* destination, size_t length) const;

 private:
  ReadableFile() = default;

  std::string path_;
  int descriptor_ = -1;
  size_t size_ = 0;
  std::unique_ptr<char[]> owned_;  // from_bytes() copy
};

}  // namespace weir
