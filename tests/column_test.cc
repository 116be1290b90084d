// Column::append_scattered, append_gathered and append_rows against
// appending the rows one at a time.
#include "runtime/column.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace weir {
namespace {

std::string text_of(const Column& column, size_t row) {
  if (!column.is_valid(row)) return "NULL";
  switch (column.type()) {
    case DataType::String:
      return "'" + std::string(column.string_at(row)) + "'";
    case DataType::Float64:
      return std::to_string(column.float64_data()[row]);
    case DataType::Bool:
      return std::to_string(column.bool_data()[row]);
    default:
      return std::to_string(column.int64_data()[row]);
  }
}

void append_value(Column& column, DataType type, std::mt19937_64& random) {
  if (random() % 5 == 0) {
    column.append_null();
    return;
  }
  switch (type) {
    case DataType::String:
      column.append_string(std::string(random() % 7, static_cast<char>('a' + random() % 26)));
      break;
    case DataType::Float64:
      column.append_float64(static_cast<double>(random() % 1000) / 8);
      break;
    case DataType::Bool:
      column.append_bool(random() % 2 == 0);
      break;
    default:
      column.append_int64(static_cast<int64_t>(random() % 100000) - 500);
  }
}

TEST(Column, AppendScatteredEqualsRowByRowAppends) {
  std::mt19937_64 random(17);
  for (const DataType type : {DataType::Int64, DataType::Timestamp, DataType::Float64, DataType::Bool, DataType::String}) {
    for (int n = 0; n < 40; ++n) {
      const size_t prefix = random() % 100;  // rows already in the target: an unaligned start
      const size_t rows = random() % 300;
      Column source(type);
      std::vector<uint64_t> present((rows + 63) / 64 + 1, 0);
      size_t taken = 0;
      for (size_t r = 0; r < rows; ++r) {
        if (random() % 3 != 0) {
          present[r >> 6] |= uint64_t{1} << (r & 63);
          ++taken;
        }
      }
      const bool no_nulls = random() % 2 == 0;
      for (size_t i = 0; i < taken + random() % 3; ++i) {
        append_value(source, type, random);
        if (no_nulls && !source.is_valid(source.size() - 1)) {
          Column copy(type);
          for (size_t j = 0; j + 1 < source.size(); ++j) copy.append_rows(source, j, 1);
          source = std::move(copy);
          --i;
        }
      }
      const size_t prefix_rows = no_nulls && random() % 2 == 0 ? 0 : prefix;
      Column expected(type);
      Column actual(type);
      for (size_t i = 0; i < prefix_rows; ++i) {
        append_value(expected, type, random);
        actual.append_rows(expected, i, 1);
      }
      size_t next = 0;
      for (size_t r = 0; r < rows; ++r) {
        if ((present[r >> 6] >> (r & 63)) & 1) {
          expected.append_rows(source, next++, 1);
        } else {
          expected.append_null();
        }
      }
      actual.append_scattered(source, present.data(), rows);
      ASSERT_EQ(actual.size(), expected.size());
      EXPECT_EQ(actual.null_count(), expected.null_count());
      for (size_t r = 0; r < expected.size(); ++r) {
        ASSERT_EQ(text_of(actual, r), text_of(expected, r)) << data_type_name(type) << " case " << n << " row " << r;
        if (!actual.is_valid(r) && type != DataType::String && type != DataType::Bool) {
          EXPECT_EQ(actual.int64_data()[r], 0) << "a NULL row's value slot is zeroed";
        }
      }
      // Appending after the scattered rows still works.
      actual.append_null();
      EXPECT_FALSE(actual.is_valid(actual.size() - 1));
      Column one(type);
      append_value(one, type, random);
      while (!one.is_valid(0)) {
        one = Column(type);
        append_value(one, type, random);
      }
      actual.append_rows(one, 0, 1);
      EXPECT_TRUE(actual.is_valid(actual.size() - 1)) << data_type_name(type) << " case " << n;
      if (type == DataType::Int64) {
        actual.append_int64(7);
        EXPECT_TRUE(actual.is_valid(actual.size() - 1));
      }
    }
  }
}

// Values of one row of `from` appended the slow way: value by value.
void append_like(Column& to, const Column& from, size_t row) {
  if (!from.is_valid(row)) {
    to.append_null();
    return;
  }
  switch (from.type()) {
    case DataType::String:
      to.append_string(from.string_at(row));
      break;
    case DataType::Float64:
      to.append_float64(from.float64_data()[row]);
      break;
    case DataType::Bool:
      to.append_bool(from.bool_data()[row] != 0);
      break;
    default:
      to.append_int64(from.int64_data()[row]);
  }
}

TEST(Column, AppendGatheredAndAppendRowsEqualRowByRowAppends) {
  std::mt19937_64 random(29);
  for (const DataType type : {DataType::Int64, DataType::Timestamp, DataType::Float64, DataType::Bool, DataType::String}) {
    for (int n = 0; n < 40; ++n) {
      // Three sources, some without NULLs (their fast path).
      std::vector<Column> sources;
      for (int s = 0; s < 3; ++s) {
        sources.emplace_back(type);
        const size_t rows = 1 + random() % 200;
        for (size_t r = 0; r < rows; ++r) {
          if (s == 0) {
            append_value(sources.back(), type, random);
          } else {
            Column one(type);
            do {
              one.clear();
              append_value(one, type, random);
            } while (!one.is_valid(0));
            append_like(sources.back(), one, 0);
          }
        }
      }
      const size_t prefix = random() % 100;
      Column gathered(type);
      Column expected(type);
      for (size_t r = 0; r < prefix; ++r) {
        append_value(expected, type, random);
        append_like(gathered, expected, r);
      }
      const size_t count = random() % 300;
      std::vector<uint32_t> which(count);
      std::vector<uint32_t> rows(count);
      std::vector<const Column*> pointers = {&sources[0], &sources[1], &sources[2]};
      for (size_t i = 0; i < count; ++i) {
        which[i] = static_cast<uint32_t>(random() % 3);
        rows[i] = static_cast<uint32_t>(random() % sources[which[i]].size());
        append_like(expected, sources[which[i]], rows[i]);
      }
      gathered.append_gathered(pointers.data(), which.data(), rows.data(), count);
      // A range of source 0 (bulk append_rows), then a selection of it.
      const size_t first = random() % sources[0].size();
      const size_t range = random() % (sources[0].size() - first + 1);
      gathered.append_rows(sources[0], first, range);
      for (size_t r = first; r < first + range; ++r) append_like(expected, sources[0], r);
      std::vector<uint32_t> selected;
      for (uint32_t r = 0; r < sources[0].size(); ++r) {
        if (random() % 2 == 0) selected.push_back(r);
      }
      gathered.append_selected(sources[0], selected.data(), selected.size());
      for (const uint32_t r : selected) append_like(expected, sources[0], r);
      ASSERT_EQ(gathered.size(), expected.size());
      EXPECT_EQ(gathered.null_count(), expected.null_count());
      for (size_t r = 0; r < expected.size(); ++r) {
        ASSERT_EQ(text_of(gathered, r), text_of(expected, r)) << "type " << static_cast<int>(type) << " case " << n
                                                               << " row " << r;
      }
      // Appending after the gather still works (offsets and validity line up).
      append_value(expected, type, random);
      append_like(gathered, expected, expected.size() - 1);
      EXPECT_EQ(text_of(gathered, gathered.size() - 1), text_of(expected, expected.size() - 1));
    }
  }
}

}  // namespace
}  // namespace weir
