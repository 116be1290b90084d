#pragma once

#include <filesystem>
#include <random>
#include <string>

namespace weir::testing {

// A fresh directory under the system temp directory, removed on destruction.
class TestDirectory {
 public:
  TestDirectory() {
    std::random_device device;
    path_ = std::filesystem::temp_directory_path() /
            ("weir-test-" + std::to_string(device()) + "-" + std::to_string(device()));
    std::filesystem::create_directories(path_);
  }
  ~TestDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TestDirectory(const TestDirectory&) = delete;
  TestDirectory& operator=(const TestDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace weir::testing
