// The `weir` command sets its allocator up before anything allocates
// (cli/main.cc, memory/raw_allocation.h): mimalloc, asked to describe its
// options as it initializes, reports huge pages and eager commit.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/test_directory.h"
#include "tests/weir_process.h"

namespace weir {
namespace {

TEST(CliAllocatorTest, HugePagesAreOnBeforeTheAllocatorStarts) {
#ifdef WEIR_SYSTEM_ALLOCATOR
  GTEST_SKIP() << "built with the system allocator";
#else
  testing::TestDirectory scratch;
  const std::string err_path = scratch.file("stderr.txt");
  std::vector<std::string> environment;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    const std::string text = *variable;
    if (text.rfind("MIMALLOC_", 0) != 0) environment.push_back(text);  // the defaults, not the caller's
  }
  environment.push_back("MIMALLOC_VERBOSE=1");
  std::vector<char*> envp;
  for (std::string& text : environment) envp.push_back(text.data());
  envp.push_back(nullptr);
  EXPECT_EQ(testing::wait_exit_code(testing::start_weir({"--help"}, "/dev/null", err_path, envp.data())), 0);
  const std::string err = testing::read_file_text(err_path);
  // mimalloc prints every option's value when it initializes: the values it
  // starts with, not ones set after its first segment is mapped.
  EXPECT_NE(err.find("option 'large_os_pages': 1"), std::string::npos) << err;
  EXPECT_NE(err.find("option 'eager_commit_delay': 0"), std::string::npos) << err;
#endif
}

}  // namespace
}  // namespace weir
