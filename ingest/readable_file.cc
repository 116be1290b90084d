#include "ingest/readable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "runtime/errors.h"

namespace weir {

namespace {

[[noreturn]] void throw_read_error(const std::string& path, const char* what, int error) {
  throw InputError("cannot " + std::string(what) + " " + path + ": " + std::strerror(error));
}

}  // namespace

ReadableFile::ReadableFile(const std::string& path) : path_(path) {
  descriptor_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor_ < 0) throw_read_error(path, "open", errno);
  struct stat status {};
  if (::fstat(descriptor_, &status) != 0) {
    const int error = errno;
    ::close(descriptor_);
    throw_read_error(path, "inspect", error);
  }
  if (!S_ISREG(status.st_mode)) {
    ::close(descriptor_);
    throw InputError("cannot read " + path + ": not a regular file");
  }
  size_ = static_cast<size_t>(status.st_size);
  // Rows are cut front to back: ask for aggressive read-ahead.
  ::posix_fadvise(descriptor_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

std::shared_ptr<const ReadableFile> ReadableFile::from_bytes(std::string_view bytes) {
  std::shared_ptr<ReadableFile> file(new ReadableFile());
  file->path_ = "<memory>";
  if (!bytes.empty()) {
    file->owned_.reset(new char[bytes.size()]);
    std::memcpy(file->owned_.get(), bytes.data(), bytes.size());
    file->size_ = bytes.size();
  }
  return file;
}

ReadableFile::~ReadableFile() {
  if (descriptor_ >= 0) ::close(descriptor_);
}

size_t ReadableFile::read_at(size_t offset, char* destination, size_t length) const {
  if (offset >= size_) return 0;
  length = std::min(length, size_ - offset);
  if (descriptor_ < 0) {
    std::memcpy(destination, owned_.get() + offset, length);
    return length;
  }
  size_t done = 0;
  while (done < length) {
    const ssize_t got = ::pread(descriptor_, destination + done, length - done,
                                static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw_read_error(path_, "read", errno);
    }
    if (got == 0) break;  // shrunk since it was opened
    done += static_cast<size_t>(got);
  }
  return done;
}

}  // namespace weir
