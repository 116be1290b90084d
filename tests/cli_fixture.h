#pragma once

// The fixture of the tests that run the `weir` command on a small bids file
// (cli_test.cc: pipelines; cli_errors_test.cc: errors and stops).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "tests/test_directory.h"
#include "tests/weir_process.h"

namespace weir {

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_file_text(directory_.file("bids.csv"),
               "ts,auction,price,channel,fee\n"
               "2026-01-01T00:00:01Z,1,1500,web,0.5\n"
               "2026-01-01T00:00:02Z,1,2500,web,1.5\n"
               "2026-01-01T00:00:12Z,2,1000,ios,2\n"
               "2026-01-01T00:00:03Z,1,5000,app,1\n"
               "2026-01-01T00:00:30Z,2,1200,web,\n");
  }

  // A pipeline file; `replace` edits the default text (from, to) pairs.
  std::string pipeline(const std::vector<std::pair<std::string, std::string>>& replace = {},
                       const std::string& input = "") {
    std::string text = R"({
  "source": {"format": "csv", "path": "INPUT", "schema": [
    {"name": "ts", "type": "timestamp"}, {"name": "auction", "type": "int64"},
    {"name": "price", "type": "int64"}, {"name": "channel", "type": "string"},
    {"name": "fee", "type": "float64"}]},
  "event_time": {"column": "ts", "watermark_delay": "5s"},
  "where": "price >= 1000 AND channel <> 'app'",
  "window": {"type": "tumbling", "size": "10s"},
  "group_by": ["auction"],
  "aggregates": ["count(*) AS bids", "sum(price) AS volume", "max(price) AS top", "avg(fee) AS avg_fee"],
  "sink": {"format": "csv", "path": "OUTPUT"}
})";
    auto substitute = [&](const std::string& from, const std::string& to) {
      const size_t at = text.find(from);
      ASSERT_NE(at, std::string::npos) << from;
      text.replace(at, from.size(), to);
    };
    substitute("INPUT", input.empty() ? directory_.file("bids.csv") : input);
    substitute("OUTPUT", output());
    for (const auto& [from, to] : replace) substitute(from, to);
    const std::string path = directory_.file("pipeline.json");
    testing::write_file_text(path, text);
    return path;
  }

  std::string output() const { return directory_.file("out/result.csv"); }

  // Runs weir to completion; returns the exit code and fills stderr_text_.
  int run(const std::vector<std::string>& arguments) {
    const int code = testing::wait_exit_code(
        testing::start_weir(arguments, "/dev/null", directory_.file("stderr.txt")));
    stderr_text_ = testing::read_file_text(directory_.file("stderr.txt"));
    return code;
  }

  bool output_left_behind() const {
    if (!std::filesystem::exists(directory_.file("out"))) return false;
    return !std::filesystem::is_empty(directory_.file("out"));
  }

  testing::TestDirectory directory_;
  std::string stderr_text_;
};

}  // namespace weir
