// Reading ahead (ChunkedFileReader::read_ahead, CsvSource::read_ahead): the
// text the serial stage sees, the morsels and their rows are the same as
// without it, whoever reads ahead and however far; a read that fails ahead
// fails in order.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ingest/chunked_file_reader.h"
#include "ingest/csv_source.h"
#include "ingest/readable_file.h"
#include "ingest/text_chunk_pool.h"
#include "runtime/errors.h"
#include "tests/random_bytes.h"
#include "tests/test_directory.h"

namespace weir {
namespace {

using testing::random_bytes;

// Reads `bytes` through `reader` as a record scanner would (keeping a
// random tail, sometimes everything: a long record), calling
// `between_reads` before each read; checks the text against the file at
// every step and that chunks left behind never change.
void read_through(ChunkedFileReader& reader, const std::string& bytes, std::mt19937_64& random,
                  const std::function<void(ChunkedFileReader&)>& between_reads, bool& carried_into_read_ahead) {
  size_t text_start = 0;  // file offset of text()[0]
  size_t kept_from = 0;   // file offset from which the text must still hold the bytes
  std::vector<std::pair<std::shared_ptr<const TextChunk>, std::string>> left_behind;
  while (!reader.at_end()) {
    between_reads(reader);
    const size_t keep = kept_from - text_start;
    const std::shared_ptr<const TextChunk> before = reader.chunk();
    const size_t moved = reader.read_more(keep);
    ASSERT_LE(moved, keep);
    if (before != nullptr && reader.chunk() != before) {
      left_behind.emplace_back(before, std::string(before->data(), before->size()));
      // The kept bytes were carried to just before the blocks read ahead.
      if (moved != keep) carried_into_read_ahead = true;
    }
    text_start += moved;
    // The text holds the file from the kept bytes on (what precedes them in
    // a chunk read ahead into is not the file's).
    const size_t kept_at = keep - moved;
    const std::string_view text = reader.text();
    ASSERT_LE(kept_from + text.size() - kept_at, bytes.size());
    ASSERT_EQ(text.substr(kept_at), std::string_view(bytes).substr(kept_from, text.size() - kept_at));
    // Sometimes a long record: keep everything, so the chunk must grow.
    if (random() % 4 != 0) kept_from += random() % (text.size() - kept_at + 1);
  }
  EXPECT_EQ(text_start + reader.text().size(), bytes.size());
  for (const auto& [chunk, copy] : left_behind) {
    EXPECT_EQ(std::string(chunk->data(), copy.size()), copy);
  }
}

TEST(ChunkedFileReaderReadAheadTest, TextIsTheFileWhateverIsReadAhead) {
  std::mt19937_64 random(3);
  bool carried = false;
  for (int trial = 0; trial < 300; ++trial) {
    const std::string bytes = random_bytes(random, random() % 6000);
    const size_t block = 1 + random() % 97;
    TextChunkPool pool(nullptr, block * ChunkedFileReader::kBlocksPerChunk);
    ChunkedFileReader reader(ReadableFile::from_bytes(bytes), pool, block);
    read_through(
        reader, bytes, random,
        [&](ChunkedFileReader& reader) {
          if (random() % 3 != 0) reader.read_ahead(random() % 12);
        },
        carried);
  }
  EXPECT_TRUE(carried);  // the path through the next chunk was taken
}

TEST(ChunkedFileReaderReadAheadTest, TextIsTheFileWhileOtherThreadsReadAhead) {
  std::mt19937_64 random(4);
  bool carried = false;
  for (int trial = 0; trial < 60; ++trial) {
    const std::string bytes = random_bytes(random, random() % 200000);
    const size_t block = 1 + random() % 4000;
    TextChunkPool pool(nullptr, block * ChunkedFileReader::kBlocksPerChunk);
    ChunkedFileReader reader(ReadableFile::from_bytes(bytes), pool, block);
    std::atomic<bool> stop{false};
    std::vector<std::thread> helpers;
    for (int helper = 0; helper < 2; ++helper) {
      helpers.emplace_back([&, helper] {
        std::mt19937_64 own(static_cast<uint64_t>(trial * 2 + helper));
        while (!stop.load()) {
          reader.read_ahead(1 + own() % 4);
          std::this_thread::yield();
        }
      });
    }
    read_through(reader, bytes, random, [](ChunkedFileReader&) {}, carried);
    stop.store(true);
    for (std::thread& helper : helpers) helper.join();
  }
}

TEST(ChunkedFileReaderReadAheadTest, AFileThatShrankFailsInOrder) {
  testing::TestDirectory directory;
  const std::string path = directory.file("f.bin");
  std::mt19937_64 random(5);
  const std::string bytes = random_bytes(random, 40000);
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  auto file = std::make_shared<const ReadableFile>(path);
  std::filesystem::resize_file(path, 25000);
  TextChunkPool pool(nullptr, 1000 * ChunkedFileReader::kBlocksPerChunk);
  ChunkedFileReader reader(file, pool, 1000);
  size_t delivered = 0;  // file bytes the text has held so far
  bool failed = false;
  try {
    while (!reader.at_end()) {
      reader.read_ahead(ChunkedFileReader::kMaxBlocksAhead);  // reads past the end fail here, silently
      const size_t keep = reader.text().size();             // nothing kept
      const size_t moved = reader.read_more(keep);
      const std::string_view fresh = reader.text().substr(keep - moved);
      ASSERT_EQ(fresh, std::string_view(bytes).substr(delivered, fresh.size()));
      delivered += fresh.size();
    }
  } catch (const InputError& error) {
    failed = true;
    EXPECT_NE(std::string(error.what()).find("shrank"), std::string::npos) << error.what();
  }
  EXPECT_TRUE(failed);
  EXPECT_EQ(delivered, 25000u);  // every byte before the end was delivered first
}

// Rows of a CSV source, one string per row, cut `max_rows` at a time; two
// other threads call read_ahead() all along when `read_ahead_threads`.
std::vector<std::string> csv_rows(CsvSource& source, size_t max_rows, bool read_ahead_threads) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> helpers;
  if (read_ahead_threads) {
    for (int helper = 0; helper < 2; ++helper) {
      helpers.emplace_back([&] {
        while (!stop.load()) {
          source.read_ahead();
          std::this_thread::yield();
        }
      });
    }
  }
  std::vector<std::string> rows;
  Batch batch(source.schema());
  while (std::unique_ptr<SourceMorsel> morsel = source.next_morsel(max_rows)) {
    batch.clear();
    source.load(*morsel, batch);
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      rows.push_back(std::to_string(morsel->first_row_ordinal + row) + ":" +
                     std::to_string(batch.column(0).int64_data()[row]) + "," +
                     std::string(batch.column(1).string_at(row)));
    }
  }
  stop.store(true);
  for (std::thread& helper : helpers) helper.join();
  return rows;
}

TEST(CsvSourceReadAheadTest, WorkersReadingAheadGiveTheSameRows) {
  std::mt19937_64 random(6);
  const Schema schema({{"id", DataType::Int64}, {"s", DataType::String}});
  testing::TestDirectory directory;
  for (int trial = 0; trial < 12; ++trial) {
    std::string csv = "id,s\n";
    const size_t rows = 1 + random() % 30000;
    for (size_t row = 0; row < rows; ++row) {
      // Now and then a long quoted field: a record longer than a block.
      const size_t long_field = random() % 500 == 0 ? random() % 5000 : 0;
      csv += std::to_string(row) + ",\"" + std::string(long_field, 'x') + (row % 7 == 0 ? "a,\"\"b" : "c") + "\"\n";
    }
    const std::string path = directory.file("in" + std::to_string(trial) + ".csv");
    std::ofstream(path, std::ios::binary) << csv;
    const size_t block = 64 + random() % 8000;
    const size_t max_rows = 1 + random() % 3000;
    auto make = [&] {
      CsvSourceOptions options{path, schema, {}};
      options.read_block_bytes = block;
      return std::make_unique<CsvSource>(std::move(options));
    };
    const std::vector<std::string> plain = csv_rows(*make(), max_rows, false);
    ASSERT_EQ(plain.size(), rows);
    EXPECT_EQ(csv_rows(*make(), max_rows, true), plain) << "block " << block << ", max_rows " << max_rows;
  }
}

// Files read side by side: with few partitions each file's reader is read
// ahead; with many (descriptors closed between cuts) none is, even by a
// worker still holding one from before.
TEST(CsvSourceReadAheadTest, FilesSideBySideGiveTheSameRows) {
  const Schema schema({{"id", DataType::Int64}, {"s", DataType::String}});
  for (const int files : {3, int{CsvSource::kPartitionsWithOpenFiles} + 4}) {
    testing::TestDirectory directory;
    for (int file = 0; file < files; ++file) {
      std::string csv = "id,s\n";
      for (int row = 0; row < 400; ++row) csv += std::to_string(file * 1000 + row) + ",v" + std::to_string(row) + "\n";
      std::ofstream(directory.file("f" + std::to_string(100 + file) + ".csv"), std::ios::binary) << csv;
    }
    auto make = [&] {
      CsvSourceOptions options{directory.path().string(), schema, {}};
      options.partition_by_file = true;
      options.read_block_bytes = 64;
      auto source = std::make_unique<CsvSource>(std::move(options));
      source->seal();
      return source;
    };
    const std::vector<std::string> plain = csv_rows(*make(), 7, false);
    ASSERT_EQ(plain.size(), static_cast<size_t>(files) * 400);
    EXPECT_EQ(csv_rows(*make(), 7, true), plain) << files << " files";
  }
}

}  // namespace
}  // namespace weir
