#pragma once

// Running the built `weir` binary (WEIR_BINARY) from a test, as a user
// would: its own process, standard output and error to files.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

extern char** environ;

namespace weir::testing {

// Starts weir with `arguments`, its stdout and stderr written to the files
// named (created or truncated), with `environment` (default: this process's).
// Returns the child's pid, or -1 (and a test failure) when it cannot start.
inline pid_t start_weir(const std::vector<std::string>& arguments, const std::string& stdout_path,
                        const std::string& stderr_path, char* const* environment = environ) {
  std::vector<std::string> storage = {WEIR_BINARY};
  storage.insert(storage.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& argument : storage) argv.push_back(argument.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, WEIR_BINARY, &actions, nullptr, argv.data(), environment);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(spawned, 0) << "cannot start " << WEIR_BINARY;
  return spawned == 0 ? pid : -1;
}

// Waits for the child; its exit code, or 128 + the signal that ended it
// (-1 for no child).
inline int wait_exit_code(pid_t pid) {
  if (pid < 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

}  // namespace weir::testing
