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

namespace {

// Opens `path` read-only and inspects it; throws InputError unless it is a
// regular file.
int open_regular_file(const std::string& path, bool again, struct stat& status) {
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) throw_read_error(path, again ? "reopen" : "open", errno);
  if (::fstat(descriptor, &status) != 0) {
    const int error = errno;
    ::close(descriptor);
    throw_read_error(path, "inspect", error);
  }
  if (!S_ISREG(status.st_mode)) {
    ::close(descriptor);
    throw InputError("cannot read " + path + ": not a regular file");
  }
  return descriptor;
}

}  // namespace

ReadableFile::ReadableFile(const std::string& path) : path_(path) {
  struct stat status {};
  descriptor_ = open_regular_file(path_, false, status);
  size_ = static_cast<size_t>(status.st_size);
  device_ = static_cast<uint64_t>(status.st_dev);
  inode_ = static_cast<uint64_t>(status.st_ino);
  // Rows are cut front to back: ask for aggressive read-ahead.
  ::posix_fadvise(descriptor_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

void ReadableFile::reopen() const {
  struct stat status {};
  const int descriptor = open_regular_file(path_, true, status);
  if (static_cast<uint64_t>(status.st_dev) != device_ || static_cast<uint64_t>(status.st_ino) != inode_) {
    ::close(descriptor);
    throw InputError("cannot read " + path_ + ": the file was replaced while it was read");
  }
  descriptor_ = descriptor;
}

void ReadableFile::release_descriptor() const {
  if (descriptor_ >= 0) ::close(descriptor_);
  descriptor_ = -1;
}

std::shared_ptr<const ReadableFile> ReadableFile::from_bytes(std::string_view bytes) {
  std::shared_ptr<ReadableFile> file(new ReadableFile());
  file->path_ = "<memory>";
  file->in_memory_ = true;
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
  if (in_memory_) {
    std::memcpy(destination, owned_.get() + offset, length);
    return length;
  }
  if (descriptor_ < 0) reopen();
  size_t done = 0;
  while (done < length) {
    const ssize_t got = ::pread(descriptor_, destination + done, length - done,
                                static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw_read_error(path_, "read", errno);
    }
    if (got == 0) {
      throw InputError("cannot read " + path_ + ": the file shrank while it was read (" +
                       std::to_string(offset + done) + " of " + std::to_string(size_) + " bytes)");
    }
    done += static_cast<size_t>(got);
  }
  return done;
}

}  // namespace weir
