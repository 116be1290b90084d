#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace weir {

// The bytes of one input file, read-only, for as long as the object lives.
//
// A file on disk is memory-mapped (mmap, PROT_READ, MAP_PRIVATE): pages come
// from the page cache on demand and nothing is copied. The file must not be
// truncated or rewritten while mapped (a truncated mapping faults on access);
// sources document that their input files are complete and immutable when
// they appear. An empty file is not mapped and has empty bytes().
//
// from_bytes() makes an in-memory copy instead (tests and fuzzers); the copy
// is an exact-size heap block so AddressSanitizer catches any read past it.
//
// Contract: constructed by one thread, then read-only: bytes() may be read
// concurrently by any number of threads. Shared through shared_ptr by the
// morsels cut from the file, so the mapping lives until the last one is done.
class MappedFile {
 public:
  // Maps `path`. Throws InputError naming the path when it cannot be opened,
  // inspected or mapped.
  explicit MappedFile(const std::string& path);
  static std::shared_ptr<const MappedFile> from_bytes(std::string_view bytes);

  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view bytes() const { return std::string_view(data_, size_); }

 private:
  MappedFile() = default;

  const char* data_ = nullptr;
  size_t size_ = 0;
  bool is_mapped_ = false;         // data_ came from mmap (else owned_ or nothing)
  std::unique_ptr<char[]> owned_;  // from_bytes() copy
};

}  // namespace weir
