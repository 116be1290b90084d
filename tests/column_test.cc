// Column::append_scattered against appending the rows one at a time.
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

}  // namespace
}  // namespace weir
