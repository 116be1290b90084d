#include "ingest/chunked_file_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "ingest/readable_file.h"
#include "ingest/text_chunk_pool.h"
#include "memory/memory_tracker.h"
#include "runtime/errors.h"
#include "tests/random_bytes.h"
#include "tests/test_directory.h"

namespace weir {
namespace {

using testing::random_bytes;

TEST(ReadableFileTest, ReadsByOffsetAndStopsAtTheEnd) {
  testing::TestDirectory directory;
  const std::string path = directory.file("f.bin");
  std::mt19937_64 random(1);
  const std::string bytes = random_bytes(random, 10000);
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  for (const bool in_memory : {false, true}) {
    std::shared_ptr<const ReadableFile> file =
        in_memory ? ReadableFile::from_bytes(bytes) : std::make_shared<const ReadableFile>(path);
    ASSERT_EQ(file->size(), bytes.size());
    std::string buffer(3000, '\0');
    EXPECT_EQ(file->read_at(9000, buffer.data(), 3000), 1000u);
    EXPECT_EQ(buffer.substr(0, 1000), bytes.substr(9000));
    EXPECT_EQ(file->read_at(123, buffer.data(), 3000), 3000u);
    EXPECT_EQ(buffer, bytes.substr(123, 3000));
    EXPECT_EQ(file->read_at(10000, buffer.data(), 10), 0u);
  }
}

TEST(ReadableFileTest, ReopensAfterReleasingItsDescriptorButNotAReplacedFile) {
  testing::TestDirectory directory;
  const std::string path = directory.file("f.bin");
  std::ofstream(path, std::ios::binary) << "0123456789";
  ReadableFile file(path);
  std::string buffer(4, '\0');
  file.release_descriptor();
  EXPECT_EQ(file.read_at(3, buffer.data(), 4), 4u);
  EXPECT_EQ(buffer, "3456");
  file.release_descriptor();
  std::ofstream(directory.file("other.bin"), std::ios::binary) << "abcdefghij";
  std::filesystem::rename(directory.file("other.bin"), path);
  EXPECT_THROW(file.read_at(0, buffer.data(), 4), InputError);
}

TEST(ReadableFileTest, NamesThePathItCannotRead) {
  testing::TestDirectory directory;
  try {
    ReadableFile file(directory.file("missing.csv"));
    FAIL();
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("missing.csv"), std::string::npos) << error.what();
  }
  EXPECT_THROW(ReadableFile file(directory.path().string()), InputError);
}

TEST(TextChunkPoolTest, ReusesReturnedChunksAndCountsTheirBytes) {
  MemoryTracker tracker;
  std::shared_ptr<TextChunk> outliving;
  {
    TextChunkPool pool(&tracker, 1000);
    std::shared_ptr<TextChunk> first = pool.take(1000);
    EXPECT_GE(first->capacity(), 1000u);
    EXPECT_EQ(first->size(), 0u);
    EXPECT_EQ(tracker.current_bytes(), 1000);
    first->set_size(10);
    const char* bytes = first->data();
    first.reset();
    EXPECT_EQ(tracker.current_bytes(), 1000);  // on the shelf
    std::shared_ptr<TextChunk> again = pool.take(500);
    EXPECT_EQ(again->data(), bytes);
    EXPECT_EQ(again->size(), 0u);
    std::shared_ptr<TextChunk> larger = pool.take(2000);  // the shelf has none that large
    EXPECT_NE(larger->data(), bytes);
    EXPECT_EQ(tracker.current_bytes(), 3000);
    again.reset();
    outliving = std::move(larger);
  }
  // A chunk may outlive its pool: counted until it goes.
  EXPECT_EQ(tracker.current_bytes(), 2000);
  outliving.reset();
  EXPECT_EQ(tracker.current_bytes(), 0);
}

// Reading through the reader, keeping from random points, gives the file's
// bytes in order; bytes left in an old chunk never change afterwards.
TEST(ChunkedFileReaderTest, TextContinuesTheFileAcrossChunks) {
  std::mt19937_64 random(2);
  for (int trial = 0; trial < 200; ++trial) {
    const std::string bytes = random_bytes(random, random() % 5000);
    const size_t block = 1 + random() % 97;
    TextChunkPool pool(nullptr, block * ChunkedFileReader::kBlocksPerChunk);
    ChunkedFileReader reader(ReadableFile::from_bytes(bytes), pool, block);
    size_t text_start = 0;  // file offset of text()[0]
    size_t kept_from = 0;   // file offset from which the text must still hold the bytes
    std::vector<std::pair<std::shared_ptr<const TextChunk>, std::string>> left_behind;
    while (!reader.at_end()) {
      const size_t keep = kept_from - text_start;
      const std::shared_ptr<const TextChunk> before = reader.chunk();
      const size_t moved = reader.read_more(keep);
      ASSERT_TRUE(moved == 0 || moved == keep);
      if (moved != 0) {
        left_behind.emplace_back(before, std::string(before->data(), before->size()));
      }
      text_start += moved;
      const std::string_view text = reader.text();
      ASSERT_EQ(text, std::string_view(bytes).substr(text_start, text.size()));
      // Sometimes a long record: keep everything, so the chunk must grow.
      if (random() % 4 != 0) kept_from = text_start + random() % (text.size() + 1);
    }
    const size_t end = text_start + reader.text().size();
    EXPECT_EQ(end, bytes.size());
    for (const auto& [chunk, copy] : left_behind) {
      EXPECT_EQ(std::string(chunk->data(), copy.size()), copy);
    }
  }
}

}  // namespace
}  // namespace weir
