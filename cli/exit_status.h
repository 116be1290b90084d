#pragma once

namespace weir {

// Exit codes of the `weir` command.
enum class ExitStatus : int {
  Success = 0,
  BadInput = 1,        // bad data in a source
  BadConfiguration = 2,  // bad pipeline file or command line
  InternalError = 3,   // a bug in Weir
  Interrupted = 130,   // SIGINT (128 + 2)
  Terminated = 143,    // SIGTERM (128 + 15)
};

}  // namespace weir
