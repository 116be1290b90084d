#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace weir {

// One input file, read by offset (pread) into the caller's buffers.
//
// Reading copies from the page cache into memory the reader reuses, which
// in this kind of VM costs a fraction of mapping the file and faulting its
// pages in one by one (session 14: 0.06 s against 0.18-0.29 s for a 370 MB
// file). The size is taken when the file is opened; input files must not
// change while they are read, and a file found shorter than that size is an
// InputError.
//
// The descriptor can be closed between reads (release_descriptor: a source
// reading many files side by side keeps few open); the next read opens the
// path again and checks that it is still the same file.
//
// from_bytes() makes an in-memory copy instead (tests and fuzzers); the copy
// is an exact-size heap block so AddressSanitizer catches any read past it.
//
// Contract: constructed by one thread; release_descriptor() and the
// read_at() calls that may reopen the file (after a release) by one thread
// at a time (the source's serial stage). While the descriptor is never
// released, read_at() may run on several threads at once (pread; reading
// ahead). Shared through shared_ptr; the descriptor is closed when the last
// owner lets go.
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

  // Copies min(length, size() - offset) bytes from `offset` on into
  // `destination` and returns that count. Throws InputError when the read
  // fails, the file ends before size(), or (reopened) it is another file.
  size_t read_at(size_t offset, char* destination, size_t length) const;

  // Closes the descriptor until the next read_at().
  void release_descriptor() const;

 private:
  ReadableFile() = default;
  // Opens path_ again into descriptor_, checking that it is the file first
  // opened (device and inode).
  void reopen() const;

  std::string path_;
  mutable int descriptor_ = -1;
  bool in_memory_ = false;
  size_t size_ = 0;
  uint64_t device_ = 0;
  uint64_t inode_ = 0;
  std::unique_ptr<char[]> owned_;  // from_bytes() copy
};

}  // namespace weir
