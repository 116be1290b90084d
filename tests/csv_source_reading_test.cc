// CsvSource reading files block by block (ChunkedFileReader): records and
// files larger than a chunk, loading while the cut stage appends to the
// chunk being loaded, many files read side by side, files that change.

#include <gtest/gtest.h>

#include <dirent.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "ingest/csv_source.h"
#include "runtime/errors.h"
#include "tests/test_directory.h"

namespace weir {
namespace {

void write_file(const std::string& path, std::string_view contents) {
  std::ofstream out(path, std::ios::binary);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
}

Schema id_text_schema() { return Schema({{"id", DataType::Int64}, {"s", DataType::String}}); }

size_t open_descriptors() {
  size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++count;
  return count;
}

// One thread cuts a file of several chunks (default reads) while three load
// the morsels already cut: the cutter appends to the chunk being loaded.
TEST(CsvSourceReadingTest, LoadsMorselsWhileTheCutStageReadsOn) {
  testing::TestDirectory directory;
  const std::string path = directory.file("big.csv");
  std::string csv = "id,s\n";
  const int rows = 400000;
  for (int row = 0; row < rows; ++row) {
    csv += std::to_string(row) + (row % 7 == 0 ? ",\"quoted, with comma\"\n" : ",plain text\n");
  }
  ASSERT_GT(csv.size(), 3 * CsvSource::kDefaultReadBlockBytes * ChunkedFileReader::kBlocksPerChunk);
  write_file(path, csv);
  CsvSource source({path, id_text_schema(), {}});
  std::vector<std::unique_ptr<SourceMorsel>> morsels(rows);
  std::atomic<size_t> cut{0};
  std::atomic<bool> done{false};
  std::vector<int64_t> sums(3, 0);
  std::vector<size_t> counts(3, 0);
  std::vector<std::thread> loaders;
  for (size_t worker = 0; worker < sums.size(); ++worker) {
    loaders.emplace_back([&, worker] {
      Batch batch(source.schema());
      size_t next = worker;
      while (true) {
        const size_t available = cut.load(std::memory_order_acquire);
        if (next >= available) {
          if (done.load(std::memory_order_acquire) && next >= cut.load(std::memory_order_acquire)) return;
          std::this_thread::yield();
          continue;
        }
        batch.clear();
        source.load(*morsels[next], batch);
        morsels[next].reset();  // its chunk goes back to the pool when the last morsel goes
        for (size_t row = 0; row < batch.num_rows(); ++row) sums[worker] += batch.column(0).int64_data()[row];
        counts[worker] += batch.num_rows();
        next += sums.size();
      }
    });
  }
  size_t index = 0;
  while (auto morsel = source.next_morsel(1000)) {
    morsels[index] = std::move(morsel);
    cut.store(++index, std::memory_order_release);
  }
  done.store(true, std::memory_order_release);
  for (std::thread& loader : loaders) loader.join();
  int64_t total = 0;
  size_t loaded = 0;
  for (size_t worker = 0; worker < sums.size(); ++worker) {
    total += sums[worker];
    loaded += counts[worker];
  }
  EXPECT_EQ(loaded, static_cast<size_t>(rows));
  EXPECT_EQ(total, int64_t{rows} * (rows - 1) / 2);
}

// A record much longer than a read (one field of 4 MiB, 64-byte reads):
// read in growing blocks, so this ends quickly; an unterminated quote as
// long is reported at its line.
TEST(CsvSourceReadingTest, ReadsARecordLongerThanManyChunks) {
  const std::string field(size_t{4} << 20, 'x');
  CsvSourceOptions options{"in.csv", id_text_schema(), {}};
  options.read_block_bytes = 64;
  auto source = CsvSource::from_bytes(options, "id,s\n1,a\n2,\"" + field + "\"\n3,c\n");
  std::vector<std::string> values;
  while (auto morsel = source->next_morsel(1000)) {
    Batch batch(source->schema());
    source->load(*morsel, batch);
    for (size_t row = 0; row < batch.num_rows(); ++row) values.emplace_back(batch.column(1).string_at(row));
  }
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values[1], field);
  EXPECT_EQ(values[2], "c");
  auto unterminated = CsvSource::from_bytes(options, "id,s\n1,a\n2,\"" + field + "\n3,c\n");
  try {
    while (unterminated->next_morsel(1000)) {
    }
    FAIL();
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()),
              "in.csv:3: column 2 (s): unterminated quoted field (no closing '\"' before the end of the file)");
  }
}

// Files read side by side (partition_by_file) do not each hold a
// descriptor open; every row is read, in each file's order.
TEST(CsvSourceReadingTest, ManyFilesSideBySideKeepFewDescriptorsOpen) {
  testing::TestDirectory directory;
  const int files = 40;
  for (int file = 0; file < files; ++file) {
    std::string csv = "id,s\n";
    for (int row = 0; row < 50; ++row) csv += std::to_string(file * 1000 + row) + ",v\n";
    write_file(directory.file("f" + std::to_string(100 + file) + ".csv"), csv);
  }
  CsvSourceOptions options{directory.path().string(), id_text_schema(), {}};
  options.partition_by_file = true;
  options.read_block_bytes = 7;
  CsvSource source(options);
  source.seal();
  const size_t before = open_descriptors();
  std::vector<std::vector<int64_t>> ids(files);
  size_t most_open = 0;
  while (auto morsel = source.next_morsel(3)) {
    most_open = std::max(most_open, open_descriptors());
    Batch batch(source.schema());
    source.load(*morsel, batch);
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      ids[morsel->partition].push_back(batch.column(0).int64_data()[row]);
    }
  }
  EXPECT_LE(most_open, before + 1);
  for (int file = 0; file < files; ++file) {
    ASSERT_EQ(ids[file].size(), 50u);
    for (int row = 0; row < 50; ++row) EXPECT_EQ(ids[file][row], file * 1000 + row);
  }
}

TEST(CsvSourceReadingTest, AFileThatShrinksWhileReadIsAnError) {
  testing::TestDirectory directory;
  const std::string path = directory.file("in.csv");
  std::string csv = "id,s\n";
  for (int row = 0; row < 1000; ++row) csv += std::to_string(row) + ",v\n";
  write_file(path, csv);
  CsvSourceOptions options{path, id_text_schema(), {}};
  options.read_block_bytes = 16;
  CsvSource source(options);
  ASSERT_NE(source.next_morsel(10), nullptr);
  std::filesystem::resize_file(path, csv.size() / 2);
  try {
    while (source.next_morsel(10)) {
    }
    FAIL();
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("in.csv: the file shrank while it was read"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace weir
