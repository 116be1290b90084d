#include "ingest/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/errors.h"

namespace weir {

namespace {

[[noreturn]] void throw_read_error(const std::string& path, const char* what, int error) {
  throw InputError("cannot " + std::string(what) + " " + path + ": " + std::strerror(error));
}

// Closes a descriptor when leaving the scope (the mapping outlives it).
class DescriptorCloser {
 public:
  explicit DescriptorCloser(int descriptor) : descriptor_(descriptor) {}
  ~DescriptorCloser() { ::close(descriptor_); }
  DescriptorCloser(const DescriptorCloser&) = delete;
  DescriptorCloser& operator=(const DescriptorCloser&) = delete;

 private:
  int descriptor_;
};

}  // namespace

MappedFile::MappedFile(const std::string& path) {
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) throw_read_error(path, "open", errno);
  DescriptorCloser closer(descriptor);

  struct stat status {};
  if (::fstat(descriptor, &status) != 0) throw_read_error(path, "inspect", errno);
  if (!S_ISREG(status.st_mode)) throw InputError("cannot read " + path + ": not a regular file");
  size_ = static_cast<size_t>(status.st_size);
  if (size_ == 0) return;

  void* address = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, descriptor, 0);
  if (address == MAP_FAILED) throw_read_error(path, "map", errno);
  // Rows are cut front to back: ask for aggressive read-ahead.
  ::madvise(address, size_, MADV_SEQUENTIAL);
  data_ = static_cast<const char*>(address);
  is_mapped_ = true;
}

std::shared_ptr<const MappedFile> MappedFile::from_bytes(std::string_view bytes) {
  std::shared_ptr<MappedFile> file(new MappedFile());
  if (!bytes.empty()) {
    file->owned_.reset(new char[bytes.size()]);
    std::memcpy(file->owned_.get(), bytes.data(), bytes.size());
    file->data_ = file->owned_.get();
    file->size_ = bytes.size();
  }
  return file;
}

MappedFile::~MappedFile() {
  if (is_mapped_) ::munmap(const_cast<char*>(data_), size_);
}

}  // namespace weir
