#pragma once

#include <stdexcept>
#include <string>

namespace weir {

// Errors that end a run. Two families, as the CLI maps them to exit codes:
//
//  * UserError: the user's input or configuration is wrong and the message
//    says what to fix.
//      - InputError (exit 1): bad data in a source (file, line, column, text).
//      - ConfigError (exit 2): a bad pipeline file, builder call or command line.
//  * InternalError: a bug in Weir (an invariant broke). Exit 3.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  virtual int exit_code() const = 0;
};

class InputError : public UserError {
 public:
  using UserError::UserError;
  int exit_code() const override { return 1; }
};

class ConfigError : public UserError {
 public:
  using UserError::UserError;
  int exit_code() const override { return 2; }
};

class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// Throws the InternalError of a failed WEIR_CHECK. Out of line and cold, so
// a check costs its hot caller one compare and branch.
[[noreturn]] [[gnu::cold]] [[gnu::noinline]] void fail_internal_check(const char* condition, const char* file,
                                                                      int line);

// Checks an internal invariant; throws InternalError naming the condition.
#define WEIR_CHECK(condition)                                                             \
  do {                                                                                    \
    if (__builtin_expect(!(condition), 0)) ::weir::fail_internal_check(#condition, __FILE__, __LINE__); \
  } while (false)

}  // namespace weir
