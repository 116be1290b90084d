// Runs every test once per Highway target compiled into the engine and
// supported by this processor (hwy::TestWithParamTarget restricts dynamic
// dispatch to the target under test), against a scalar reference.
//
// Buffers are sized exactly (dense forms: count values and ceil(count/64)
// validity words; selected forms: up to the last selected row; out: count
// entries), so a read or write past the contract fails under
// AddressSanitizer.
#include "kernels/compare_filter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "hwy/tests/hwy_gtest.h"
#include "runtime/batch.h"
#include "runtime/expression_evaluator.h"
#include "runtime/expression_parser.h"

namespace weir::kernels {
namespace {

constexpr CompareOp kOps[] = {CompareOp::Equal,     CompareOp::NotEqual, CompareOp::Less,
                              CompareOp::LessEqual, CompareOp::Greater,  CompareOp::GreaterEqual};
constexpr size_t kMaxCount = 300;

template <typename T>
bool Apply(CompareOp op, T a, T b) {
  switch (op) {
    case CompareOp::Equal:
      return a == b;
    case CompareOp::NotEqual:
      return a != b;
    case CompareOp::Less:
      return a < b;
    case CompareOp::LessEqual:
      return a <= b;
    case CompareOp::Greater:
      return a > b;
    case CompareOp::GreaterEqual:
      return a >= b;
  }
  return false;
}

bool IsValid(const std::vector<uint64_t>& validity, bool has_validity, size_t row) {
  return !has_validity || ((validity[row / 64] >> (row % 64)) & 1) != 0;
}

// Values that exercise ties, both ends of the range and, for float64, every
// IEEE special: NaN, +-inf, -0.0 next to 0.0, subnormals.
int64_t RandomInt64(std::mt19937_64& rng) {
  switch (rng() % 8) {
    case 0:
      return std::numeric_limits<int64_t>::min();
    case 1:
      return std::numeric_limits<int64_t>::max();
    case 2:
      return static_cast<int64_t>(rng());
    default:
      return static_cast<int64_t>(rng() % 7) - 3;
  }
}

double RandomFloat64(std::mt19937_64& rng) {
  switch (rng() % 12) {
    case 0:
      return std::numeric_limits<double>::quiet_NaN();
    case 1:
      return std::numeric_limits<double>::infinity();
    case 2:
      return -std::numeric_limits<double>::infinity();
    case 3:
      return -0.0;
    case 4:
      return 0.0;
    case 5:
      return std::numeric_limits<double>::denorm_min();
    case 6:
      return -std::numeric_limits<double>::max();
    default:
      return static_cast<double>(static_cast<int64_t>(rng() % 7) - 3) * 0.5;
  }
}

template <typename T>
T RandomValue(std::mt19937_64& rng) {
  if constexpr (std::is_same_v<T, double>) return RandomFloat64(rng);
  if constexpr (std::is_same_v<T, int64_t>) return RandomInt64(rng);
}

// One column operand: values for `rows` rows and, in some regimes, a
// validity bitmap whose bits past `rows` are garbage (must be ignored).
template <typename T>
struct RandomColumn {
  std::vector<T> values;
  std::vector<uint64_t> validity;
  bool has_validity = false;

  RandomColumn(std::mt19937_64& rng, size_t rows) : values(rows) {
    for (T& value : values) value = RandomValue<T>(rng);
    const int regime = static_cast<int>(rng() % 5);  // none, all valid, 20%, 1%, all NULL
    has_validity = regime != 0;
    validity.resize((rows + 63) / 64);
    for (size_t word = 0; word < validity.size(); ++word) {
      uint64_t bits = 0;
      for (size_t bit = 0; bit < 64; ++bit) {
        const uint64_t draw = rng() % 100;
        const bool valid = regime == 1 || (regime == 2 && draw >= 20) || (regime == 3 && draw >= 1);
        const bool past_end = word * 64 + bit >= rows;
        bits |= uint64_t{past_end ? (rng() & 1) : valid} << bit;
      }
      validity[word] = bits;
    }
  }
  RandomColumn() = default;

  // The first `rows` rows in buffers of exactly their size (for the dense
  // forms, which must not read past `count`).
  RandomColumn prefix(size_t rows) const {
    RandomColumn out;
    out.values.assign(values.begin(), values.begin() + static_cast<ptrdiff_t>(rows));
    const auto words = static_cast<ptrdiff_t>((rows + 63) / 64);
    out.validity.assign(validity.begin(), validity.begin() + words);
    out.has_validity = has_validity;
    return out;
  }
  const uint64_t* validity_or_null() const { return has_validity ? validity.data() : nullptr; }
  bool valid(size_t row) const { return IsValid(validity, has_validity, row); }
};

// `count` ascending distinct row ids below `rows`.
std::vector<uint32_t> RandomSelection(std::mt19937_64& rng, size_t count, size_t rows) {
  std::vector<uint32_t> selection;
  for (size_t row = 0; row < rows && selection.size() < count; ++row) {
    // Take a row with the probability that leaves exactly enough for the rest.
    if (rng() % (rows - row) < count - selection.size()) {
      selection.push_back(static_cast<uint32_t>(row));
    }
  }
  return selection;
}

class KernelsCompareFilterTest : public hwy::TestWithParamTarget {};
HWY_TARGET_INSTANTIATE_TEST_SUITE_P(KernelsCompareFilterTest);

// Checks the dense and the selected form (out of place and in place) of one
// comparison against the reference `keep(row)`.
template <typename Keep, typename Dense, typename Selected>
void CheckForms(std::mt19937_64& rng, size_t count, size_t rows, Keep keep, Dense dense,
                Selected selected, const std::string& context) {
  std::vector<uint32_t> expected;
  for (uint32_t row = 0; row < count; ++row) {
    if (keep(row)) expected.push_back(row);
  }
  std::vector<uint32_t> out(count);
  const size_t kept = dense(count, out.data());
  ASSERT_EQ(std::vector<uint32_t>(out.begin(), out.begin() + kept), expected) << context;

  const std::vector<uint32_t> selection = RandomSelection(rng, count, rows);
  expected.clear();
  for (uint32_t row : selection) {
    if (keep(row)) expected.push_back(row);
  }
  std::vector<uint32_t> selected_out(count);
  const size_t selected_kept = selected(selection.data(), count, selected_out.data());
  ASSERT_EQ(std::vector<uint32_t>(selected_out.begin(), selected_out.begin() + selected_kept),
            expected)
      << context << " selected";
  std::vector<uint32_t> in_place = selection;
  const size_t in_place_kept = selected(in_place.data(), count, in_place.data());
  ASSERT_EQ(std::vector<uint32_t>(in_place.begin(), in_place.begin() + in_place_kept), expected)
      << context << " in place";
}

template <typename T, typename Fn>
void ForEveryCase(uint64_t seed, Fn&& check) {
  std::mt19937_64 rng(seed);
  for (size_t count = 0; count <= kMaxCount; ++count) {
    // Selections draw from up to 3x or 9x as many rows: blocks of 64
    // selected rows then span either a few validity words (compared over
    // the span) or more (compared row by row).
    const size_t spread = rng() % 2 == 0 ? 2 : 8;
    const size_t rows = count + static_cast<size_t>(rng() % (spread * count + 2));
    const RandomColumn<T> left(rng, rows);
    const RandomColumn<T> right(rng, rows);
    for (CompareOp op : kOps) {
      check(rng, count, rows, op, left, right);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

template <typename T, typename DenseFn, typename SelectedFn>
void CheckConstant(uint64_t seed, DenseFn dense_fn, SelectedFn selected_fn) {
  ForEveryCase<T>(seed, [&](std::mt19937_64& rng, size_t count, size_t rows, CompareOp op,
                            const RandomColumn<T>& column, const RandomColumn<T>&) {
    const T constant = RandomValue<T>(rng);
    const RandomColumn<T> exact = column.prefix(count);
    CheckForms(
        rng, count, rows,
        [&](uint32_t row) { return column.valid(row) && Apply(op, column.values[row], constant); },
        [&](size_t n, uint32_t* out) {
          return dense_fn(op, exact.values.data(), exact.validity_or_null(), constant, n, out);
        },
        [&](const uint32_t* selection, size_t n, uint32_t* out) {
          const RandomColumn<T> span = column.prefix(n == 0 ? 0 : selection[n - 1] + 1);
          return selected_fn(op, span.values.data(), span.validity_or_null(), constant,
                             selection, n, out);
        },
        "count " + std::to_string(count) + " op " + std::to_string(static_cast<int>(op)) +
            " constant " + std::to_string(constant));
  });
}

template <typename T, typename DenseFn, typename SelectedFn>
void CheckColumns(uint64_t seed, DenseFn dense_fn, SelectedFn selected_fn) {
  ForEveryCase<T>(seed, [&](std::mt19937_64& rng, size_t count, size_t rows, CompareOp op,
                            const RandomColumn<T>& left, const RandomColumn<T>& right) {
    const RandomColumn<T> exact_left = left.prefix(count);
    const RandomColumn<T> exact_right = right.prefix(count);
    CheckForms(
        rng, count, rows,
        [&](uint32_t row) {
          return left.valid(row) && right.valid(row) &&
                 Apply(op, left.values[row], right.values[row]);
        },
        [&](size_t n, uint32_t* out) {
          return dense_fn(op, exact_left.values.data(), exact_left.validity_or_null(),
                          exact_right.values.data(), exact_right.validity_or_null(), n, out);
        },
        [&](const uint32_t* selection, size_t n, uint32_t* out) {
          const size_t end = n == 0 ? 0 : selection[n - 1] + 1;
          const RandomColumn<T> left_span = left.prefix(end);
          const RandomColumn<T> right_span = right.prefix(end);
          return selected_fn(op, left_span.values.data(), left_span.validity_or_null(),
                             right_span.values.data(), right_span.validity_or_null(), selection,
                             n, out);
        },
        "count " + std::to_string(count) + " op " + std::to_string(static_cast<int>(op)));
  });
}

TEST_P(KernelsCompareFilterTest, Int64AgainstConstant) {
  CheckConstant<int64_t>(1, FilterInt64Constant, FilterInt64ConstantSelected);
}

TEST_P(KernelsCompareFilterTest, Float64AgainstConstant) {
  CheckConstant<double>(2, FilterFloat64Constant, FilterFloat64ConstantSelected);
}

TEST_P(KernelsCompareFilterTest, Int64Columns) {
  CheckColumns<int64_t>(3, FilterInt64Columns, FilterInt64ColumnsSelected);
}

TEST_P(KernelsCompareFilterTest, Float64Columns) {
  CheckColumns<double>(4, FilterFloat64Columns, FilterFloat64ColumnsSelected);
}

// The IEEE cases spelled out, so a failure names the rule that broke.
TEST_P(KernelsCompareFilterTest, Float64FollowsIeeeLikeCpp) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  // 70 rows: a full 64-row block (vector path) plus a scalar tail.
  std::vector<double> values(70, 1.0);
  values[0] = nan;
  values[1] = -0.0;
  values[2] = inf;
  values[3] = -inf;
  values[66] = nan;
  values[67] = -0.0;
  std::vector<uint32_t> out(values.size());
  auto rows_where = [&](CompareOp op, double constant) {
    const size_t kept =
        FilterFloat64Constant(op, values.data(), nullptr, constant, values.size(), out.data());
    return std::vector<uint32_t>(out.begin(), out.begin() + kept);
  };
  // NaN never compares equal or ordered, and is unequal to everything.
  EXPECT_EQ(rows_where(CompareOp::Equal, nan), std::vector<uint32_t>{});
  EXPECT_EQ(rows_where(CompareOp::Less, nan), std::vector<uint32_t>{});
  EXPECT_EQ(rows_where(CompareOp::GreaterEqual, nan), std::vector<uint32_t>{});
  EXPECT_EQ(rows_where(CompareOp::NotEqual, nan).size(), values.size());
  const std::vector<uint32_t> not_one = rows_where(CompareOp::NotEqual, 1.0);
  EXPECT_EQ(not_one, (std::vector<uint32_t>{0, 1, 2, 3, 66, 67}));
  // -0.0 equals 0.0; infinities order as usual; NaN rows drop out of <, >=.
  EXPECT_EQ(rows_where(CompareOp::Equal, 0.0), (std::vector<uint32_t>{1, 67}));
  EXPECT_EQ(rows_where(CompareOp::Less, 0.0), (std::vector<uint32_t>{3}));
  EXPECT_EQ(rows_where(CompareOp::GreaterEqual, inf), (std::vector<uint32_t>{2}));
  EXPECT_EQ(rows_where(CompareOp::LessEqual, -inf), (std::vector<uint32_t>{3}));
}

TEST_P(KernelsCompareFilterTest, SelectByByteMask) {
  std::mt19937_64 rng(5);
  for (size_t count = 0; count <= kMaxCount; ++count) {
    const size_t rows = count + static_cast<size_t>(rng() % (2 * count + 2));
    // Any nonzero byte keeps; dense and sparse masks.
    const uint64_t density = rng() % 4;
    std::vector<uint8_t> mask(count), also(count);
    for (size_t i = 0; i < count; ++i) {
      mask[i] = rng() % 4 < density ? static_cast<uint8_t>(1 + rng() % 255) : 0;
      also[i] = rng() % 8 != 0 ? 1 : 0;
    }
    const std::vector<uint32_t> selection = RandomSelection(rng, count, rows);
    for (bool with_also : {false, true}) {
      for (bool with_rows : {false, true}) {
        std::vector<uint32_t> expected;
        for (size_t i = 0; i < count; ++i) {
          if (mask[i] != 0 && (!with_also || also[i] != 0)) {
            expected.push_back(with_rows ? selection[i] : static_cast<uint32_t>(i));
          }
        }
        const uint8_t* also_pointer = with_also ? also.data() : nullptr;
        const uint32_t* rows_pointer = with_rows ? selection.data() : nullptr;
        std::vector<uint32_t> out(count);
        size_t kept = SelectByByteMask(mask.data(), also_pointer, rows_pointer, count, out.data());
        ASSERT_EQ(std::vector<uint32_t>(out.begin(), out.begin() + kept), expected) << count;
        if (!with_rows) continue;
        std::vector<uint32_t> in_place = selection;
        kept = SelectByByteMask(mask.data(), also_pointer, in_place.data(), count, in_place.data());
        ASSERT_EQ(std::vector<uint32_t>(in_place.begin(), in_place.begin() + kept), expected)
            << count << " in place";
      }
    }
  }
}

TEST_P(KernelsCompareFilterTest, SelectByBitmask) {
  std::mt19937_64 rng(6);
  for (size_t count = 0; count <= kMaxCount; ++count) {
    const size_t rows = count + static_cast<size_t>(rng() % (2 * count + 2));
    std::vector<uint64_t> mask((count + 63) / 64);
    for (uint64_t& word : mask) {
      switch (rng() % 4) {
        case 0: word = 0; break;
        case 1: word = ~uint64_t{0}; break;
        default: word = rng(); break;  // bits past count are garbage too
      }
    }
    const std::vector<uint32_t> selection = RandomSelection(rng, count, rows);
    for (bool with_rows : {false, true}) {
      std::vector<uint32_t> expected;
      for (size_t i = 0; i < count; ++i) {
        if ((mask[i / 64] >> (i % 64)) & 1) {
          expected.push_back(with_rows ? selection[i] : static_cast<uint32_t>(i));
        }
      }
      std::vector<uint32_t> out(count);
      size_t kept =
          SelectByBitmask(mask.data(), with_rows ? selection.data() : nullptr, count, out.data());
      ASSERT_EQ(std::vector<uint32_t>(out.begin(), out.begin() + kept), expected) << count;
      if (!with_rows) continue;
      std::vector<uint32_t> in_place = selection;
      kept = SelectByBitmask(mask.data(), in_place.data(), count, in_place.data());
      ASSERT_EQ(std::vector<uint32_t>(in_place.begin(), in_place.begin() + kept), expected)
          << count << " in place";
    }
  }
}

TEST(CompareFilterOperatorTest, SwapOperandsMirrorsTheComparison) {
  for (CompareOp op : kOps) {
    for (int64_t a = -1; a <= 1; ++a) {
      for (int64_t b = -1; b <= 1; ++b) EXPECT_EQ(Apply(op, a, b), Apply(SwapOperands(op), b, a));
    }
  }
}

// FilterEvaluator sends comparisons that are filter conjuncts through the
// kernels above; `P OR FALSE` evaluates the same P through the general
// vector path (runtime/expression_kernels.h), which the differential test
// checks against a reference interpreter. Both must keep the same rows, here
// on data with NaN, infinities, -0.0, int64 extremes and NULLs, over every
// row and over random subsets, on every target.
TEST_P(KernelsCompareFilterTest, FilterEvaluatorMatchesTheGeneralPath) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {"f1", DataType::Float64},
      {"f2", DataType::Float64},
      {"i1", DataType::Int64},
      {"i2", DataType::Int64},
      {"t1", DataType::Timestamp},
  });
  const char* const kShapes[] = {
      "f1 {} f2",  "f1 {} 0.5",        "-0.0 {} f1", "f1 {} 1",   "f1 {} NULL",
      "f1 {} i1",  "i1 {} i2",         "i1 {} 2",    "3 {} i1",   "i1 {} 9223372036854775807",
      "i1 {} 2 * 3 - 7",               "t1 {} i1",   "t1 {} '1970-01-01 00:00:00.002'",
      "f1 {} 0.5 AND i1 {} i2 AND f2 {} f1",
  };
  const char* const kSymbols[] = {"=", "<>", "<", "<=", ">", ">="};
  std::mt19937_64 rng(7 + static_cast<uint64_t>(GetParam()));
  for (size_t rows : {1u, 63u, 64u, 300u, 1000u}) {
    Batch batch(schema);
    for (size_t row = 0; row < rows; ++row) {
      for (size_t c = 0; c < 5; ++c) {
        if (rng() % 5 == 0) {
          batch.column(c).append_null();
        } else if (c < 2) {
          batch.column(c).append_float64(RandomFloat64(rng));
        } else {
          batch.column(c).append_int64(RandomInt64(rng));
        }
      }
    }
    batch.set_num_rows(rows);
    for (const char* shape : kShapes) {
      for (const char* symbol : kSymbols) {
        std::string text = shape;
        for (size_t at = text.find("{}"); at != std::string::npos; at = text.find("{}")) {
          text.replace(at, 2, symbol);
        }
        const std::unique_ptr<Expression> direct = parse_expression(text, *schema);
        const std::unique_ptr<Expression> general =
            parse_expression("(" + text + ") OR FALSE", *schema);
        FilterEvaluator direct_evaluator(*direct);
        FilterEvaluator general_evaluator(*general);
        for (int subset = 0; subset < 3; ++subset) {
          SelectionVector direct_rows, general_rows;
          direct_rows.select_all(rows);
          if (subset > 0) {
            const std::vector<uint32_t> selection =
                RandomSelection(rng, rng() % (rows + 1), rows);
            direct_rows.resize(selection.size());
            std::copy(selection.begin(), selection.end(), direct_rows.data());
          }
          general_rows.resize(direct_rows.size());
          std::copy(direct_rows.data(), direct_rows.data() + direct_rows.size(),
                    general_rows.data());
          direct_evaluator.filter(batch, direct_rows);
          general_evaluator.filter(batch, general_rows);
          auto as_vector = [](const SelectionVector& selection) {
            return std::vector<uint32_t>(selection.data(), selection.data() + selection.size());
          };
          ASSERT_EQ(as_vector(direct_rows), as_vector(general_rows))
              << text << " over " << rows << " rows, subset " << subset;
        }
      }
    }
  }
}

}  // namespace
}  // namespace weir::kernels
