#include "ingest/csv_sink.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ingest/csv_epoch_files_sink.h"
#include "ingest/csv_source.h"
#include "runtime/errors.h"
#include "tests/test_directory.h"

namespace weir {
namespace {

namespace fs = std::filesystem;

using TemporaryDirectory = testing::TestDirectory;

// Names of the files in `directory` (hidden ones included).
std::vector<std::string> list_files(const fs::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::shared_ptr<const Schema> every_type_schema() {
  return std::make_shared<const Schema>(std::vector<Field>{{"i", DataType::Int64},
                                                           {"f", DataType::Float64},
                                                           {"b", DataType::Bool},
                                                           {"t", DataType::Timestamp},
                                                           {"s", DataType::String}});
}

// A batch with one row per string, the other columns derived from the index.
Batch every_type_batch(const std::vector<std::string>& strings, const std::vector<double>& floats) {
  Batch batch(every_type_schema());
  for (size_t row = 0; row < strings.size(); ++row) {
    batch.column(0).append_int64(static_cast<int64_t>(row) - 1);
    batch.column(1).append_float64(floats[row % floats.size()]);
    batch.column(2).append_bool(row % 2 == 0);
    batch.column(3).append_int64(1767225610000 + static_cast<int64_t>(row));
    batch.column(4).append_string(strings[row]);
  }
  batch.set_num_rows(strings.size());
  return batch;
}

TEST(CsvSinkTest, FormatsEveryTypeAndQuotesOnlyWhenNeeded) {
  TemporaryDirectory directory;
  const std::string path = directory.file("out.csv");
  CsvSink sink({path});
  EXPECT_EQ(sink.describe(), "csv " + path);
  sink.open(every_type_schema());
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<std::string> strings{"plain", "a,b",   "say \"hi\"", "two\nlines", "cr\r",
                                         "",      " lead", "trail\t",    "mid dle"};
  sink.write(
      every_type_batch(strings, {0.1, 1e300, -2.5, std::nan(""), inf, -inf, 100, -0.0, 5e-324}));
  sink.commit_epoch(0);
  sink.finish();
  EXPECT_EQ(testing::read_file_text(path),
            "i,f,b,t,s\n"
            "-1,0.1,true,2026-01-01T00:00:10.000Z,plain\n"
            "0,1e+300,false,2026-01-01T00:00:10.001Z,\"a,b\"\n"
            "1,-2.5,true,2026-01-01T00:00:10.002Z,\"say \"\"hi\"\"\"\n"
            "2,NaN,false,2026-01-01T00:00:10.003Z,\"two\nlines\"\n"
            "3,Infinity,true,2026-01-01T00:00:10.004Z,\"cr\r\"\n"
            "4,-Infinity,false,2026-01-01T00:00:10.005Z,\"\"\n"
            "5,100,true,2026-01-01T00:00:10.006Z,\" lead\"\n"
            "6,-0,false,2026-01-01T00:00:10.007Z,\"trail\t\"\n"
            "7,5e-324,true,2026-01-01T00:00:10.008Z,mid dle\n");
}

TEST(CsvSinkTest, WritesNullsAsEmptyFieldsAndOnlySelectedRows) {
  TemporaryDirectory directory;
  const std::string path = directory.file("out.csv");
  CsvSink sink({path});
  sink.open(every_type_schema());
  Batch batch = every_type_batch({"a", "b", "c"}, {1.5});
  for (size_t column = 0; column < 4; ++column) batch.column(column).set_null(1);
  Batch nulls(every_type_schema());
  for (size_t column = 0; column < 5; ++column) nulls.column(column).append_null();
  nulls.set_num_rows(1);
  // Rows 1 and 2 only.
  batch.selection().resize(2);
  batch.selection().data()[0] = 1;
  batch.selection().data()[1] = 2;
  sink.write(batch);
  sink.write(nulls);
  sink.commit_epoch(0);
  sink.finish();
  EXPECT_EQ(testing::read_file_text(path),
            "i,f,b,t,s\n"
            ",,,,b\n"
            "1,1.5,true,2026-01-01T00:00:10.002Z,c\n"
            ",,,,\n");
}

TEST(CsvSinkTest, QuotesHeaderNamesWhenNeeded) {
  TemporaryDirectory directory;
  const std::string path = directory.file("out.csv");
  CsvSink sink({path});
  sink.open(std::make_shared<const Schema>(
      std::vector<Field>{{"a,b", DataType::Int64}, {"plain", DataType::Int64}}));
  sink.finish();
  EXPECT_EQ(testing::read_file_text(path), "\"a,b\",plain\n");
}

TEST(CsvSinkTest, OutputIsInvisibleUntilFinish) {
  TemporaryDirectory directory;
  const std::string path = directory.file("nested/deeper/out.csv");
  CsvSink sink({path});
  sink.open(every_type_schema());
  sink.write(every_type_batch({"x"}, {1}));
  sink.commit_epoch(0);
  EXPECT_FALSE(fs::exists(path));
  const fs::path temporary = sink.temporary_path();
  EXPECT_EQ(temporary.parent_path(), fs::path(path).parent_path());
  EXPECT_EQ(temporary.filename().string(), ".out.csv.weir-tmp-" + std::to_string(::getpid()));
  EXPECT_TRUE(fs::exists(temporary));
  // commit_epoch handed the rows to the OS.
  EXPECT_EQ(testing::read_file_text(temporary.string()), "i,f,b,t,s\n-1,1,true,2026-01-01T00:00:10.000Z,x\n");
  sink.finish();
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(list_files(directory.path() / "nested/deeper"), std::vector<std::string>{"out.csv"});
}

TEST(CsvSinkTest, FinishReplacesAnExistingFile) {
  TemporaryDirectory directory;
  const std::string path = directory.file("out.csv");
  std::ofstream(path) << "old contents\n";
  CsvSink sink({path});
  sink.open(std::make_shared<const Schema>(std::vector<Field>{{"n", DataType::Int64}}));
  EXPECT_EQ(testing::read_file_text(path), "old contents\n");
  sink.finish();
  EXPECT_EQ(testing::read_file_text(path), "n\n");
}

TEST(CsvSinkTest, AbortRemovesTheTemporaryFileAndKeepsTheOldOne) {
  TemporaryDirectory directory;
  const std::string path = directory.file("out.csv");
  std::ofstream(path) << "old contents\n";
  CsvSink sink({path});
  sink.open(every_type_schema());
  sink.write(every_type_batch({"x"}, {1}));
  sink.commit_epoch(0);
  sink.abort();
  sink.abort();  // idempotent, never throws
  EXPECT_EQ(list_files(directory.path()), std::vector<std::string>{"out.csv"});
  EXPECT_EQ(testing::read_file_text(path), "old contents\n");
}

TEST(CsvSinkTest, DestructorWithoutFinishAborts) {
  TemporaryDirectory directory;
  {
    CsvSink sink({directory.file("out.csv")});
    sink.open(every_type_schema());
    sink.write(every_type_batch({"x"}, {1}));
  }
  EXPECT_TRUE(list_files(directory.path()).empty());
}

TEST(CsvSinkTest, OpenFailureIsAConfigErrorNamingThePath) {
  TemporaryDirectory directory;
  std::ofstream(directory.file("file")) << "x";
  const std::string path = directory.file("file/out.csv");  // parent is a file
  CsvSink sink({path});
  try {
    sink.open(every_type_schema());
    FAIL();
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
  }
}

TEST(CsvSinkTest, WritesLargeOutputsInChunks) {
  TemporaryDirectory directory;
  const std::string path = directory.file("big.csv");
  CsvSink sink({path});
  sink.open(every_type_schema());
  const std::vector<std::string> strings(10000, std::string(150, 'z'));
  for (int epoch = 0; epoch < 3; ++epoch) {
    sink.write(every_type_batch(strings, {0.25}));
    sink.commit_epoch(static_cast<uint64_t>(epoch));
  }
  sink.finish();
  auto source = CsvSource::from_bytes({"big.csv", *every_type_schema(), {}}, testing::read_file_text(path));
  size_t rows = 0;
  Batch batch(source->schema());
  while (auto morsel = source->next_morsel(4096)) {
    batch.clear();
    source->load(*morsel, batch);
    rows += batch.num_rows();
  }
  EXPECT_EQ(rows, 30000u);
}

TEST(CsvSinkTest, EncodedOnThreadsWritesWhatWriteWrites) {
  // Batches small and large (over the sink's 256 KiB buffer), encoded on
  // threads at once, written in order among plain write() calls: the file
  // is the one write() alone makes.
  std::vector<Batch> batches;
  for (int i = 0; i < 12; ++i) {
    const std::vector<std::string> strings(i % 3 == 0 ? 3000 : 5, std::string(100 + i, i % 2 ? 'q' : ','));
    batches.push_back(every_type_batch(strings, {0.5, -1.0 / 3}));
  }
  TemporaryDirectory directory;
  const std::string plain_path = directory.file("plain.csv");
  CsvSink plain({plain_path});
  plain.open(every_type_schema());
  for (const Batch& batch : batches) plain.write(batch);
  plain.commit_epoch(0);
  plain.finish();

  const std::string encoded_path = directory.file("encoded.csv");
  CsvSink sink({encoded_path});
  sink.open(every_type_schema());
  std::vector<std::unique_ptr<EncodedRows>> encoded(batches.size());
  for (int round = 0; round < 2; ++round) {  // the second round reuses the spare formatters
    std::vector<std::thread> threads;
    for (size_t t = 0; t < 3; ++t) {
      threads.emplace_back([&, t] {
        for (size_t i = t; i < batches.size(); i += 3) {
          if (i % 4 != 1) encoded[i] = sink.encode(batches[i]);
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    for (size_t i = 0; i < batches.size(); ++i) {
      if (encoded[i]) {
        sink.write_encoded(std::move(encoded[i]));
      } else {
        sink.write(batches[i]);
      }
    }
    sink.commit_epoch(static_cast<uint64_t>(round));
  }
  sink.finish();
  const std::string once = testing::read_file_text(plain_path);
  const std::string header = once.substr(0, once.find('\n') + 1);
  EXPECT_GT(once.size(), size_t{300} << 10);
  EXPECT_EQ(testing::read_file_text(encoded_path), once + once.substr(header.size()));
}

TEST(CsvSinkTest, RoundTripsThroughCsvSource) {
  TemporaryDirectory directory;
  const std::string path = directory.file("round.csv");
  const std::vector<std::string> strings{"plain", "",    "\"", "a,b\r\nc", " x ",
                                         "\"\"",  "é ü", "\t", ",",        "last"};
  const std::vector<double> floats{
      0.1, 1.0 / 3, -1e-310, std::nan(""), 1e308, -std::numeric_limits<double>::infinity(), -0.0};
  Batch batch = every_type_batch(strings, floats);
  batch.column(0).set_null(3);
  batch.column(1).set_null(4);
  batch.column(2).set_null(5);
  batch.column(3).set_null(6);
  {
    Batch nulls(every_type_schema());
    for (size_t column = 0; column < 5; ++column) nulls.column(column).append_null();
    nulls.set_num_rows(1);
    CsvSink sink({path});
    sink.open(every_type_schema());
    sink.write(batch);
    sink.write(nulls);
    sink.commit_epoch(0);
    sink.finish();
  }
  CsvSource source({path, *every_type_schema(), {}});
  Batch loaded(source.schema());
  auto morsel = source.next_morsel(1000);
  ASSERT_NE(morsel, nullptr);
  EXPECT_EQ(source.next_morsel(1000), nullptr);
  source.load(*morsel, loaded);
  ASSERT_EQ(loaded.num_rows(), strings.size() + 1);
  for (size_t row = 0; row < strings.size(); ++row) {
    for (size_t column = 0; column < 5; ++column) {
      const Column& expected = batch.column(column);
      const Column& actual = loaded.column(column);
      ASSERT_EQ(actual.is_valid(row), expected.is_valid(row)) << row << "," << column;
      if (!expected.is_valid(row)) continue;
      switch (expected.type()) {
        case DataType::Int64:
        case DataType::Timestamp:
          EXPECT_EQ(actual.int64_data()[row], expected.int64_data()[row]);
          break;
        case DataType::Float64: {
          const double want = expected.float64_data()[row];
          const double got = actual.float64_data()[row];
          if (std::isnan(want)) {
            EXPECT_TRUE(std::isnan(got));
          } else {
            EXPECT_EQ(got, want);
            EXPECT_EQ(std::signbit(got), std::signbit(want));
          }
          break;
        }
        case DataType::Bool:
          EXPECT_EQ(actual.bool_data()[row], expected.bool_data()[row]);
          break;
        case DataType::String:
          EXPECT_EQ(actual.string_at(row), expected.string_at(row)) << row;
          break;
      }
    }
  }
  for (size_t column = 0; column < 5; ++column) {
    EXPECT_FALSE(loaded.column(column).is_valid(strings.size())) << column;
  }
}

TEST(CsvSinkTest, RoundTripsSingleColumnNullsAtTheEnd) {
  TemporaryDirectory directory;
  const std::string path = directory.file("single.csv");
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"s", DataType::String}});
  Batch batch(schema);
  batch.column(0).append_string("");
  batch.column(0).append_null();
  batch.column(0).append_string("x");
  batch.column(0).append_null();
  batch.set_num_rows(4);
  CsvSink sink({path});
  sink.open(schema);
  sink.write(batch);
  sink.finish();
  EXPECT_EQ(testing::read_file_text(path), "s\n\"\"\n\nx\n\n");
  CsvSource source({path, *schema, {}});
  Batch loaded(schema);
  auto morsel = source.next_morsel(100);
  ASSERT_NE(morsel, nullptr);
  source.load(*morsel, loaded);
  ASSERT_EQ(loaded.num_rows(), 4u);
  EXPECT_TRUE(loaded.column(0).is_valid(0));
  EXPECT_EQ(loaded.column(0).string_at(0), "");
  EXPECT_FALSE(loaded.column(0).is_valid(1));
  EXPECT_EQ(loaded.column(0).string_at(2), "x");
  EXPECT_FALSE(loaded.column(0).is_valid(3));
}

// The update/complete sink: one file per committed epoch, appearing whole
// under its final name at commit; stale epoch files of an earlier run are
// removed at open(); abort() removes what this run committed.
TEST(CsvEpochFilesSinkTest, OneAtomicFilePerEpochAndAbortLeavesNothing) {
  TemporaryDirectory directory;
  const std::string out = directory.file("out");
  fs::create_directories(out);
  testing::write_file_text(CsvEpochFilesSink::epoch_file(out, 7), "stale\n");
  testing::write_file_text(out + "/keep.txt", "not ours\n");
  {
    CsvEpochFilesSink sink(out);
    sink.open(every_type_schema());
    EXPECT_EQ(list_files(out).size(), 2u);  // keep.txt and the hidden file of epoch 0
    EXPECT_FALSE(fs::exists(CsvEpochFilesSink::epoch_file(out, 7)));
    sink.write(every_type_batch({"x"}, {1}));
    EXPECT_FALSE(fs::exists(CsvEpochFilesSink::epoch_file(out, 0)));
    sink.commit_epoch(0);
    EXPECT_EQ(testing::read_file_text(CsvEpochFilesSink::epoch_file(out, 0)),
              "i,f,b,t,s\n-1,1,true,2026-01-01T00:00:10.000Z,x\n");
    sink.commit_epoch(1);  // an epoch with no rows: a header-only file
    EXPECT_EQ(testing::read_file_text(CsvEpochFilesSink::epoch_file(out, 1)), "i,f,b,t,s\n");
    sink.finish();
  }
  EXPECT_EQ(list_files(out), (std::vector<std::string>{"epoch-000000000000.csv", "epoch-000000000001.csv", "keep.txt"}));
  {
    CsvEpochFilesSink sink(out);
    sink.open(every_type_schema());
    sink.write(every_type_batch({"y"}, {2}));
    sink.commit_epoch(0);
    sink.write(every_type_batch({"z"}, {3}));
    sink.abort();
  }
  EXPECT_EQ(list_files(out), std::vector<std::string>{"keep.txt"});
}

}  // namespace
}  // namespace weir
