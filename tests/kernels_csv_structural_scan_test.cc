// Runs every test once per Highway target compiled into the engine and
// supported by this processor (hwy::TestWithParamTarget restricts dynamic
// dispatch to the target under test), against scalar references: one byte
// at a time for the masks and the parity, and the byte-by-byte CSV walk
// (read_csv_field) for what the record ends mean.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <random>
#include <string>
#include <vector>

#include "hwy/tests/hwy_gtest.h"
#include "ingest/csv_row_scanner.h"
#include "kernels/csv_structural_scan.h"

namespace weir::kernels {
namespace {

bool bit(const uint64_t* words, size_t position) {
  return (words[position / 64] >> (position % 64)) & 1;
}

// Text rich in structure: quotes (often doubled), delimiters, CR and LF,
// and bytes that differ from them by one bit or are 0x80 and above.
std::string RandomCsvText(std::mt19937_64& rng, size_t size) {
  static const std::string kAlphabet = std::string("\",\n\r;'\t\0 a#-\x80\xff", 14) + "\"\"\n,,";
  std::string text(size, 'x');
  const uint64_t density = 1 + rng() % 4;  // 1 in `density` bytes is special
  for (size_t i = 0; i < size; ++i) {
    if (rng() % density == 0) text[i] = kAlphabet[rng() % kAlphabet.size()];
    if (text[i] == '"' && rng() % 3 == 0 && i + 1 < size) text[++i] = '"';
  }
  return text;
}

struct Expected {
  std::vector<uint64_t> quotes, delimiters, newlines, record_ends, stray_quotes;
  CsvQuoteState state;
};

// The definitions in the header, one byte at a time.
Expected Reference(const std::string& text, char quote, char delimiter, CsvQuoteState state) {
  const size_t blocks = (text.size() + 63) / 64;
  Expected expected;
  for (auto* words : {&expected.quotes, &expected.delimiters, &expected.newlines,
                      &expected.record_ends, &expected.stray_quotes}) {
    words->assign(blocks, 0);
  }
  bool inside = state.inside_quotes != 0;
  bool may_open = state.may_open_quote != 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const uint64_t mask = uint64_t{1} << (i % 64);
    const char c = text[i];
    if (c == quote) {
      expected.quotes[i / 64] |= mask;
      if (!inside && !may_open) expected.stray_quotes[i / 64] |= mask;
      inside = !inside;
      may_open = true;
      continue;
    }
    if (c == delimiter) expected.delimiters[i / 64] |= mask;
    if (c == '\n') expected.newlines[i / 64] |= mask;
    if (c == '\n' && !inside) expected.record_ends[i / 64] |= mask;
    may_open = c == delimiter || c == '\n';
  }
  expected.state.inside_quotes = inside ? 1 : 0;
  expected.state.may_open_quote = may_open ? 1 : 0;
  return expected;
}

// Runs both kernels over `text` split into calls at `cuts` (multiples of 64
// except possibly the last, as callers split; the record-ends state carries
// across) and compares with the reference.
void CheckText(const std::string& text, char quote, char delimiter, const std::vector<size_t>& cuts,
               const std::string& what) {
  const Expected expected = Reference(text, quote, delimiter, CsvQuoteState{});
  const size_t blocks = (text.size() + 63) / 64;
  // One spare entry, to see that nothing past ceil(size / 64) is written.
  std::vector<CsvCharacterBits> characters(blocks + 1, CsvCharacterBits{7, 7, 7});
  FindCsvCharacters(text.data(), text.size(), quote, delimiter, characters.data());
  std::vector<CsvRecordBits> records(blocks + 1, CsvRecordBits{7, 7, 7});
  CsvQuoteState state;
  CsvRecordCounts counts{0, 0, 0};
  size_t begin = 0;
  for (size_t cut : cuts) {
    const CsvRecordCounts part = FindCsvRecordEnds(text.data() + begin, cut - begin, quote,
                                                   delimiter, &state, records.data() + begin / 64);
    counts.newlines += part.newlines;
    counts.record_ends += part.record_ends;
    counts.stray_quotes += part.stray_quotes;
    begin = cut;
  }
  const CsvRecordCounts part = FindCsvRecordEnds(text.data() + begin, text.size() - begin, quote,
                                                 delimiter, &state, records.data() + begin / 64);
  counts.newlines += part.newlines;
  counts.record_ends += part.record_ends;
  counts.stray_quotes += part.stray_quotes;
  CsvRecordCounts expected_counts{0, 0, 0};
  for (size_t block = 0; block < blocks; ++block) {
    ASSERT_EQ(characters[block].quotes, expected.quotes[block]) << what << " block " << block;
    ASSERT_EQ(characters[block].delimiters, expected.delimiters[block])
        << what << " block " << block;
    ASSERT_EQ(characters[block].newlines, expected.newlines[block]) << what << " block " << block;
    ASSERT_EQ(records[block].newlines, expected.newlines[block]) << what << " block " << block;
    ASSERT_EQ(records[block].record_ends, expected.record_ends[block])
        << what << " block " << block;
    ASSERT_EQ(records[block].stray_quotes, expected.stray_quotes[block])
        << what << " block " << block;
    expected_counts.newlines += static_cast<size_t>(std::popcount(expected.newlines[block]));
    expected_counts.record_ends += static_cast<size_t>(std::popcount(expected.record_ends[block]));
    expected_counts.stray_quotes +=
        static_cast<size_t>(std::popcount(expected.stray_quotes[block]));
  }
  ASSERT_EQ(counts.newlines, expected_counts.newlines) << what;
  ASSERT_EQ(counts.record_ends, expected_counts.record_ends) << what;
  ASSERT_EQ(counts.stray_quotes, expected_counts.stray_quotes) << what;
  ASSERT_EQ(characters[blocks].quotes, 7u) << what;
  ASSERT_EQ(records[blocks].newlines, 7u) << what;
  ASSERT_EQ(state.inside_quotes, expected.state.inside_quotes) << what;
  ASSERT_EQ(state.may_open_quote, expected.state.may_open_quote) << what;
}

class KernelsCsvStructuralScanTest : public hwy::TestWithParamTarget {};
HWY_TARGET_INSTANTIATE_TEST_SUITE_P(KernelsCsvStructuralScanTest);

TEST_P(KernelsCsvStructuralScanTest, EmptyTextWritesNothing) {
  CsvCharacterBits characters{7, 7, 7};
  FindCsvCharacters(nullptr, 0, '"', ',', &characters);
  EXPECT_EQ(characters.quotes, 7u);
  CsvQuoteState state;
  CsvRecordBits records{7, 7, 7};
  const CsvRecordCounts counts = FindCsvRecordEnds(nullptr, 0, '"', ',', &state, &records);
  EXPECT_EQ(records.newlines, 7u);
  EXPECT_EQ(counts.newlines + counts.record_ends + counts.stray_quotes, 0u);
  EXPECT_EQ(state.inside_quotes, 0u);
  EXPECT_EQ(state.may_open_quote, 1u);
}

// Every size up to a few blocks, at every alignment of the start, in one call
// or split at block boundaries.
TEST_P(KernelsCsvStructuralScanTest, MatchesReferenceForEverySizeAndSplit) {
  std::mt19937_64 rng(99 + static_cast<uint64_t>(GetParam()));
  for (size_t size = 0; size <= 300; ++size) {
    const size_t offset = size % 7;
    const std::string storage = RandomCsvText(rng, size + offset);
    // An exact-size copy: AddressSanitizer sees any read past the end.
    const std::string text = storage.substr(offset);
    CheckText(text, '"', ',', {}, "size " + std::to_string(size));
    std::vector<size_t> cuts;
    for (size_t cut = 64 * (1 + rng() % 2); cut < size; cut += 64 * (1 + rng() % 2)) {
      cuts.push_back(cut);
    }
    CheckText(text, '"', ',', cuts, "split, size " + std::to_string(size));
  }
}

TEST_P(KernelsCsvStructuralScanTest, OtherQuoteAndDelimiterCharacters) {
  std::mt19937_64 rng(5 + static_cast<uint64_t>(GetParam()));
  for (int trial = 0; trial < 200; ++trial) {
    const std::string text = RandomCsvText(rng, rng() % 700);
    CheckText(text, '\'', ';', {}, "';");
    CheckText(text, '"', '\t', {}, "tab");
    // A NUL delimiter must not match the zero padding of the last block.
    CheckText(text, '"', '\0', {}, "nul");
    CheckText(text, '\x80', '\xff', {}, "high bytes");
  }
}

TEST_P(KernelsCsvStructuralScanTest, LongRunsInsideAndOutsideQuotes) {
  // Quoted fields spanning many blocks carry the parity across blocks and calls.
  std::mt19937_64 rng(11 + static_cast<uint64_t>(GetParam()));
  for (int trial = 0; trial < 50; ++trial) {
    std::string text;
    while (text.size() < 5000) {
      const size_t run = rng() % 300;
      if (rng() % 2) {
        text += '"' + std::string(run, rng() % 2 ? '\n' : ',') + "\"\"" +
                std::string(run / 2, 'y') + '"';
      } else {
        text += std::string(run, 'x');
      }
      text += rng() % 3 ? "," : "\r\n";
    }
    CheckText(text, '"', ',', {4096}, "runs");
  }
}

// Where no stray quote comes before them, the record ends are those of the
// byte-by-byte walk of the CSV dialect (csv_row_scanner.h), and after an
// unterminated quote there is none.
TEST_P(KernelsCsvStructuralScanTest, RecordEndsBeforeAStrayQuoteAreTheDialects) {
  std::mt19937_64 rng(17 + static_cast<uint64_t>(GetParam()));
  for (int trial = 0; trial < 3000; ++trial) {
    const std::string text = RandomCsvText(rng, rng() % 400);
    const size_t blocks = (text.size() + 63) / 64;
    std::vector<CsvRecordBits> records(blocks);
    CsvQuoteState state;
    FindCsvRecordEnds(text.data(), text.size(), '"', ',', &state, records.data());
    size_t first_stray = text.size();
    for (size_t block = 0; block < blocks && first_stray == text.size(); ++block) {
      const uint64_t stray = records[block].stray_quotes;
      if (stray != 0) first_stray = block * 64 + static_cast<size_t>(std::countr_zero(stray));
    }
    std::vector<uint64_t> ends(blocks, 0);
    for (size_t block = 0; block < blocks; ++block) ends[block] = records[block].record_ends;

    // The walk: record by record, field by field.
    const char* cursor = text.data();
    const char* const end = text.data() + text.size();
    while (cursor < end) {
      CsvField field;
      do {
        cursor = read_csv_field(cursor, end, field);
      } while (!field.ends_record);
      if (field.unterminated) {
        if (first_stray == text.size()) {
          EXPECT_EQ(state.inside_quotes, 1u) << text;
        }
        break;
      }
      if (cursor == end && (text.empty() || text.back() != '\n')) break;
      const size_t newline = static_cast<size_t>(cursor - text.data()) - 1;
      if (newline >= first_stray) break;
      ASSERT_TRUE(bit(ends.data(), newline)) << "newline at " << newline << " in " << text;
      ends[newline / 64] &= ~(uint64_t{1} << (newline % 64));
    }
    // No other record end below the first stray quote, nor inside an
    // unterminated quoted field.
    for (size_t position = 0; position < std::min(first_stray, text.size()); ++position) {
      ASSERT_FALSE(bit(ends.data(), position)) << "extra end at " << position << " in " << text;
    }
  }
}

}  // namespace
}  // namespace weir::kernels
