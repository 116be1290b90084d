#include "runtime/expression.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "runtime/batch.h"
#include "runtime/errors.h"
#include "runtime/expression_evaluator.h"
#include "runtime/expression_parser.h"
#include "runtime/timestamp.h"
#include "tests/column_cells.h"

namespace weir {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kNewYear2026 = 1767225600000;  // 2026-01-01T00:00:00Z

// One cell of test data; std::monostate is NULL. Timestamps are int64_t.
using testing::append_cell;
using testing::Cell;
using testing::Cells;

template <typename T, typename Stored = T>
Cells cells(std::initializer_list<std::optional<T>> values) {
  Cells out;
  for (const auto& value : values) {
    if (value) {
      out.emplace_back(Stored(*value));
    } else {
      out.emplace_back(std::monostate{});
    }
  }
  return out;
}
Cells ints(std::initializer_list<std::optional<int64_t>> v) { return cells<int64_t>(v); }
Cells floats(std::initializer_list<std::optional<double>> v) { return cells<double>(v); }
Cells bools(std::initializer_list<std::optional<bool>> v) { return cells<bool>(v); }
Cells strings(std::initializer_list<std::optional<const char*>> v) {
  return cells<const char*, std::string>(v);
}

struct ColumnData {
  std::string name;
  DataType type;
  Cells cells;
};

Batch make_batch(std::shared_ptr<const Schema> schema, const std::vector<Cells>& columns) {
  Batch batch(std::move(schema));
  for (size_t c = 0; c < columns.size(); ++c) {
    for (const Cell& cell : columns[c]) append_cell(batch.column(c), cell);
  }
  batch.set_num_rows(columns.empty() ? 0 : columns[0].size());
  return batch;
}

// A schema and one batch built from column-wise test data.
class Table {
 public:
  explicit Table(std::vector<ColumnData> columns) {
    std::vector<Field> fields;
    std::vector<Cells> data;
    for (ColumnData& column : columns) {
      fields.push_back(Field{column.name, column.type});
      data.push_back(std::move(column.cells));
    }
    schema_ = std::make_shared<const Schema>(std::move(fields));
    batch_ = std::make_unique<Batch>(make_batch(schema_, data));
  }

  const Schema& schema() const { return *schema_; }
  const Batch& batch() const { return *batch_; }

  // Rows (all of them, or `input`) where `text` is TRUE.
  std::vector<uint32_t> select(const std::string& text,
                               std::optional<std::vector<uint32_t>> input = std::nullopt) const {
    std::unique_ptr<Expression> predicate = parse_expression(text, *schema_);
    FilterEvaluator evaluator(*predicate);
    SelectionVector selection;
    if (input) {
      selection.resize(input->size());
      std::copy(input->begin(), input->end(), selection.data());
    } else {
      selection.select_all(batch_->num_rows());
    }
    evaluator.filter(*batch_, selection);
    return std::vector<uint32_t>(selection.data(), selection.data() + selection.size());
  }

  // Per row: TRUE, FALSE or NULL (std::nullopt).
  std::vector<std::optional<bool>> truth(const std::string& text) const {
    const std::vector<uint32_t> true_rows = select(text);
    const std::vector<uint32_t> null_rows = select("(" + text + ") IS NULL");
    std::vector<std::optional<bool>> out(batch_->num_rows(), false);
    for (uint32_t row : true_rows) out[row] = true;
    for (uint32_t row : null_rows) out[row] = std::nullopt;
    return out;
  }

 private:
  std::shared_ptr<const Schema> schema_;
  std::unique_ptr<Batch> batch_;
};

const Schema& test_schema() {
  static const Schema schema({{"i", DataType::Int64},
                              {"j", DataType::Int64},
                              {"f", DataType::Float64},
                              {"g", DataType::Float64},
                              {"s", DataType::String},
                              {"t", DataType::String},
                              {"b", DataType::Bool},
                              {"c", DataType::Bool},
                              {"ts", DataType::Timestamp},
                              {"ts2", DataType::Timestamp},
                              {"unit price", DataType::Float64}});
  return schema;
}

std::string bound(const std::string& text) {
  return parse_expression(text, test_schema())->to_string();
}

std::string parse_error(const std::string& text, const Schema& schema = test_schema()) {
  try {
    parse_expression(text, schema);
  } catch (const ConfigError& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected a ConfigError for: " << text;
  return "";
}

// ---- Parsing and binding ------------------------------------------------------

TEST(ExpressionParserTest, PrecedenceAndAssociativity) {
  EXPECT_EQ(bound("i + j * 2 > 3"), "((i + (j * 2)) > 3)");
  EXPECT_EQ(bound("i - j - 1 = 0"), "(((i - j) - 1) = 0)");
  EXPECT_EQ(bound("(i + j) * 2 >= 1"), "(((i + j) * 2) >= 1)");
  EXPECT_EQ(bound("i * j % 3 <= i - -2"), "(((i * j) % 3) <= (i - -2))");
  EXPECT_EQ(bound("-i * j < 0"), "(((-i) * j) < 0)");
  EXPECT_EQ(bound("- - i > 0"), "((-(-i)) > 0)");
  EXPECT_EQ(bound("NOT b AND c OR b"), "(((NOT b) AND c) OR b)");
  EXPECT_EQ(bound("b OR c AND NOT b"), "(b OR (c AND (NOT b)))");
  EXPECT_EQ(bound("not b and c Or b"), "(((NOT b) AND c) OR b)");
  EXPECT_EQ(bound("NOT i = 1"), "(NOT (i = 1))");
  EXPECT_EQ(bound("NOT NOT b"), "(NOT (NOT b))");
  EXPECT_EQ(bound("b OR c OR b OR c"), "(b OR c OR b OR c)");
  EXPECT_EQ(bound("b AND (c AND b)"), "(b AND (c AND b))");
  EXPECT_EQ(bound("i = 1 IS NULL"), "((i = 1) IS NULL)");
  EXPECT_EQ(bound("i + 1 IS NOT NULL AND b"), "(((i + 1) IS NOT NULL) AND b)");
  EXPECT_EQ(bound("b = c = TRUE"), "((b = c) = TRUE)");
  EXPECT_EQ(bound("i != 1"), "(i <> 1)");
  EXPECT_EQ(bound("  i\t<>\n1  "), "(i <> 1)");
  EXPECT_EQ(bound("i=1 AND(j<2)"), "((i = 1) AND (j < 2))");
}

TEST(ExpressionParserTest, LiteralsAndNames) {
  EXPECT_EQ(bound("f > .5"), "(f > 0.5)");
  EXPECT_EQ(bound("f > 1e3"), "(f > 1000.0)");
  EXPECT_EQ(bound("f > 2.5E-3"), "(f > 0.0025)");
  EXPECT_EQ(bound("f > 1."), "(f > 1.0)");
  EXPECT_EQ(bound("f > -1.5"), "(f > -1.5)");
  EXPECT_EQ(bound("i > -9223372036854775808"), "(i > -9223372036854775808)");
  EXPECT_EQ(bound("i < 9223372036854775807"), "(i < 9223372036854775807)");
  EXPECT_EQ(bound("s = 'it''s'"), "(s = 'it''s')");
  EXPECT_EQ(bound("s = ''"), "(s = '')");
  EXPECT_EQ(bound("\"unit price\" > 1.5"), "(\"unit price\" > 1.5)");
  EXPECT_EQ(bound("\"i\" = 1"), "(i = 1)");
  EXPECT_EQ(bound("b = true OR c = False"), "((b = TRUE) OR (c = FALSE))");
  EXPECT_EQ(bound("b"), "b");
  EXPECT_EQ(bound("TRUE"), "TRUE");
  EXPECT_EQ(bound("null"), "NULL");
  EXPECT_EQ(bound("(((b)))"), "b");
}

TEST(ExpressionParserTest, TypesAndPromotion) {
  EXPECT_EQ(bound("i < f"), "(float64(i) < f)");
  EXPECT_EQ(bound("f > 1"), "(f > 1.0)");
  EXPECT_EQ(bound("i + f > 0"), "((float64(i) + f) > 0.0)");
  EXPECT_EQ(bound("i / j > 1"), "((float64(i) / float64(j)) > 1.0)");
  EXPECT_EQ(bound("7 / 2 = 3.5"), "((7.0 / 2.0) = 3.5)");
  EXPECT_EQ(bound("i % 2 = 1"), "((i % 2) = 1)");
  EXPECT_EQ(bound("ts > '2026-01-01'"), "(ts > '2026-01-01T00:00:00.000Z')");
  EXPECT_EQ(bound("'2026-01-01T01:00:00+01:00' = ts"), "('2026-01-01T00:00:00.000Z' = ts)");
  EXPECT_EQ(bound("ts = 1767225600000"), "(ts = 1767225600000)");

  const Schema& schema = test_schema();
  EXPECT_EQ(parse_expression("i + f > 0", schema)->child(0).type(), DataType::Float64);
  EXPECT_EQ(parse_expression("i * j > 0", schema)->child(0).type(), DataType::Int64);
  EXPECT_EQ(parse_expression("ts - ts2 > 0", schema)->child(0).type(), DataType::Int64);
  EXPECT_EQ(parse_expression("ts + 5 > ts2", schema)->child(0).type(), DataType::Timestamp);
  EXPECT_EQ(parse_expression("5 + ts > ts2", schema)->child(0).type(), DataType::Timestamp);
  EXPECT_EQ(parse_expression("ts - 5 > ts2", schema)->child(0).type(), DataType::Timestamp);
  EXPECT_EQ(parse_expression("i = NULL", schema)->child(1).type(), DataType::Int64);
  EXPECT_EQ(parse_expression("NULL + f > 0", schema)->child(0).type(), DataType::Float64);
  EXPECT_EQ(parse_expression("ts - NULL > ts2", schema)->child(0).type(), DataType::Timestamp);

  const std::unique_ptr<Expression> tree = parse_expression("i > 1 AND  s = 'x'", schema);
  EXPECT_EQ(tree->kind(), ExpressionKind::And);
  EXPECT_EQ(tree->child(1).text(), "s = 'x'");
  EXPECT_EQ(tree->child(1).position(), 12u);
  EXPECT_EQ(tree->child(1).child(1).text(), "'x'");
}

TEST(ExpressionParserTest, ErrorsNameTheProblemAndPosition) {
  const Schema shop({{"price", DataType::Float64}, {"channel", DataType::String}});
  EXPECT_EQ(parse_error("pricee >= 1000", shop),
            "unknown column 'pricee' at position 1 in \"pricee >= 1000\" "
            "(available columns: price, channel)");
  EXPECT_THAT(parse_error("channel + 1 > 0", shop),
              HasSubstr("cannot apply '+' to string and int64 in 'channel + 1' at position 1 in "
                        "\"channel + 1 > 0\""));
  EXPECT_THAT(parse_error("price = 'abc'", shop),
              HasSubstr("cannot compare float64 with string in 'price = 'abc'' at position 1"));
  EXPECT_THAT(parse_error("price + 1", shop),
              HasSubstr("must be boolean, but 'price + 1' has type float64 at position 1"));
  EXPECT_THAT(parse_error("i > 1 AND zz = 2"), HasSubstr("unknown column 'zz' at position 11"));
  EXPECT_THAT(parse_error("i > "), HasSubstr("found end of expression at position 5"));
  EXPECT_THAT(parse_error("i > > 1"), HasSubstr("found '>' at position 5"));
  EXPECT_THAT(parse_error("(i > 1"), HasSubstr("expected ')' to close the '(' at position 1"));
  EXPECT_THAT(parse_error("i > 1)"), HasSubstr("unexpected ')' after a complete expression at "
                                               "position 6"));
  EXPECT_THAT(parse_error("s = 'abc"), HasSubstr("unterminated string literal at position 5"));
  EXPECT_THAT(parse_error("\"abc = 1"), HasSubstr("unterminated quoted column name at position 1"));
  EXPECT_THAT(parse_error("ts > 'yesterday'"),
              HasSubstr("cannot parse 'yesterday' as a timestamp at position 6"));
  EXPECT_THAT(
      parse_error("i > 99999999999999999999"),
      HasSubstr("integer literal '99999999999999999999' does not fit in int64 at position 5"));
  EXPECT_THAT(parse_error("i > 9223372036854775808"), HasSubstr("does not fit in int64"));
  EXPECT_THAT(parse_error("f > 1e999"), HasSubstr("out of range at position 5"));
  EXPECT_THAT(parse_error("i # 1"), HasSubstr("unexpected character '#' at position 3"));
  EXPECT_THAT(parse_error("i ! 1"), HasSubstr("unexpected character '!' at position 3"));
  EXPECT_THAT(parse_error("12abc > 1"), HasSubstr("malformed number '12abc' at position 1"));
  EXPECT_THAT(parse_error("f > 1.2.3"), HasSubstr("malformed number '1.2.3'"));
  EXPECT_THAT(parse_error(""), HasSubstr("empty filter expression at position 1"));
  EXPECT_THAT(parse_error("   "), HasSubstr("empty filter expression"));
  EXPECT_THAT(parse_error("i AND b"),
              HasSubstr("AND needs boolean operands, but 'i' has type int64 at position 1"));
  EXPECT_THAT(parse_error("b OR s"), HasSubstr("OR needs boolean operands, but 's'"));
  EXPECT_THAT(parse_error("NOT i"), HasSubstr("NOT needs boolean operands, but 'i'"));
  EXPECT_THAT(parse_error("-s = 'a'"), HasSubstr("cannot negate string in '-s' at position 1"));
  EXPECT_THAT(parse_error("b + 1 > 0"), HasSubstr("cannot apply '+' to bool and int64"));
  EXPECT_THAT(parse_error("b = 1"), HasSubstr("cannot compare bool with int64"));
  EXPECT_THAT(parse_error("s < t + 1"), HasSubstr("cannot apply '+' to string and int64"));
  EXPECT_THAT(parse_error("s < ts"), HasSubstr("cannot compare string with timestamp"));
  EXPECT_THAT(parse_error("ts * 2 > 0"), HasSubstr("cannot apply '*' to timestamp and int64"));
  EXPECT_THAT(parse_error("i - ts > 0"), HasSubstr("cannot apply '-' to int64 and timestamp"));
  EXPECT_THAT(parse_error("ts + ts2 > 0"),
              HasSubstr("cannot apply '+' to timestamp and timestamp"));
  EXPECT_THAT(parse_error("ts = 1.5"), HasSubstr("cannot compare timestamp with float64"));
  EXPECT_THAT(parse_error("i IS 5"),
              HasSubstr("expected NULL after IS but found '5' at position 6"));
  EXPECT_THAT(parse_error("i IS NOT"), HasSubstr("expected NULL after IS NOT"));
  EXPECT_THAT(parse_error("i > 1 AND"), HasSubstr("found end of expression at position 10"));
  EXPECT_THAT(parse_error("and = 1"), HasSubstr("found 'and' at position 1"));
  EXPECT_THAT(parse_error("\"and\" = 1"), HasSubstr("unknown column 'and'"));
  EXPECT_THAT(parse_error("()"), HasSubstr("found ')' at position 2"));
  // Positions count characters, not bytes.
  EXPECT_THAT(parse_error("s = '\xC3\xA9' AND x > 1"),
              HasSubstr("unknown column 'x' at position 13"));
  EXPECT_THAT(parse_error("x = 1", Schema()), HasSubstr("(the schema has no columns)"));
}

TEST(ExpressionParserTest, DeepNestingThrowsInsteadOfCrashing) {
  const size_t n = 100000;
  const std::vector<std::string> deep = {std::string(n, '(') + "b" + std::string(n, ')'),
                                         [&] {
                                           std::string text;
                                           for (size_t k = 0; k < n; ++k) text += "NOT ";
                                           return text + "b";
                                         }(),
                                         std::string(n, '-') + "i > 0",
                                         [&] {
                                           std::string text = "i";
                                           for (size_t k = 0; k < n; ++k) text += " + i";
                                           return text + " > 0";
                                         }(),
                                         [&] {
                                           std::string text = "b";
                                           for (size_t k = 0; k < n; ++k) text += " = b";
                                           return text;
                                         }(),
                                         std::string(n, '(')};
  for (const std::string& text : deep) {
    EXPECT_THAT(parse_error(text), HasSubstr("nested too deeply")) << text.substr(0, 40);
  }
  // Within the limit.
  EXPECT_EQ(bound(std::string(200, '(') + "b" + std::string(200, ')')), "b");
  // Long AND / OR chains are flat, so they are not limited by depth.
  std::string chain = "i = 0";
  for (int k = 1; k < 5000; ++k) chain += " OR i = " + std::to_string(k);
  Table table({{"i", DataType::Int64, ints({4999, 5000, {}, 17})}});
  EXPECT_THAT(table.select(chain), ElementsAre(0, 3));
}

// ---- Evaluation ---------------------------------------------------------------------

TEST(ExpressionEvalTest, KleeneTruthTables) {
  // Rows: every (b, c) pair over {TRUE, FALSE, NULL}.
  Table table({{"b", DataType::Bool, bools({true, true, true, false, false, false, {}, {}, {}})},
               {"c", DataType::Bool, bools({true, false, {}, true, false, {}, true, false, {}})}});
  const std::optional<bool> T = true, F = false, N = std::nullopt;
  const std::vector<std::optional<bool>> expected_and = {T, F, N, F, F, F, N, F, N};
  const std::vector<std::optional<bool>> expected_or = {T, T, T, T, F, N, T, N, N};
  // The top-level form narrows the selection; under NOT NOT the vector kernels run.
  EXPECT_EQ(table.truth("b AND c"), expected_and);
  EXPECT_EQ(table.truth("NOT NOT (b AND c)"), expected_and);
  EXPECT_EQ(table.truth("b OR c"), expected_or);
  EXPECT_EQ(table.truth("NOT NOT (b OR c)"), expected_or);
  EXPECT_EQ(table.truth("NOT b"), (std::vector<std::optional<bool>>{F, F, F, T, T, T, N, N, N}));
  EXPECT_EQ(table.truth("b IS NULL"),
            (std::vector<std::optional<bool>>{F, F, F, F, F, F, T, T, T}));
  EXPECT_EQ(table.truth("c IS NOT NULL"),
            (std::vector<std::optional<bool>>{T, T, F, T, T, F, T, T, F}));
  // Constants against columns, at the top level and in the vector kernels.
  for (const char* prefix : {"", "NOT NOT "}) {
    const std::string p = prefix;
    EXPECT_EQ(table.truth(p + "(b AND NULL)"),
              (std::vector<std::optional<bool>>{N, N, N, F, F, F, N, N, N}));
    EXPECT_EQ(table.truth(p + "(b OR NULL)"),
              (std::vector<std::optional<bool>>{T, T, T, N, N, N, N, N, N}));
    EXPECT_EQ(table.truth(p + "(b AND TRUE AND c)"), expected_and);
    EXPECT_EQ(table.truth(p + "(b OR FALSE OR c)"), expected_or);
    EXPECT_EQ(table.truth(p + "(b AND FALSE)"), std::vector<std::optional<bool>>(9, F));
    EXPECT_EQ(table.truth(p + "(c OR TRUE)"), std::vector<std::optional<bool>>(9, T));
    EXPECT_EQ(table.truth(p + "(NULL AND FALSE)"), std::vector<std::optional<bool>>(9, F));
    EXPECT_EQ(table.truth(p + "(NULL OR TRUE)"), std::vector<std::optional<bool>>(9, T));
    EXPECT_EQ(table.truth(p + "(NULL AND TRUE)"), std::vector<std::optional<bool>>(9, N));
    EXPECT_EQ(table.truth(p + "(NULL OR FALSE)"), std::vector<std::optional<bool>>(9, N));
  }
  EXPECT_EQ(table.truth("NOT NULL"), std::vector<std::optional<bool>>(9, N));
  EXPECT_EQ(table.truth("NULL IS NULL"), std::vector<std::optional<bool>>(9, T));
  EXPECT_THAT(table.select("TRUE"), ElementsAre(0, 1, 2, 3, 4, 5, 6, 7, 8));
  EXPECT_THAT(table.select("FALSE"), ElementsAre());
  EXPECT_THAT(table.select("NULL"), ElementsAre());
}

TEST(ExpressionEvalTest, ComparisonsWithNull) {
  Table table({{"i", DataType::Int64, ints({1, {}, 3})}, {"j", DataType::Int64, ints({1, 2, {}})}});
  const std::optional<bool> T = true, F = false, N = std::nullopt;
  EXPECT_EQ(table.truth("i = j"), (std::vector<std::optional<bool>>{T, N, N}));
  EXPECT_EQ(table.truth("i <> j"), (std::vector<std::optional<bool>>{F, N, N}));
  EXPECT_EQ(table.truth("i = NULL"), (std::vector<std::optional<bool>>{N, N, N}));
  EXPECT_EQ(table.truth("NULL <> NULL"), (std::vector<std::optional<bool>>{N, N, N}));
  EXPECT_EQ(table.truth("i IS NULL"), (std::vector<std::optional<bool>>{F, T, F}));
  EXPECT_EQ(table.truth("i + j IS NOT NULL"), (std::vector<std::optional<bool>>{T, F, F}));
  EXPECT_EQ(table.truth("NOT (i > 2)"), (std::vector<std::optional<bool>>{T, N, F}));
  EXPECT_EQ(table.truth("i > 2 OR j = 2"), (std::vector<std::optional<bool>>{F, T, T}));
}

TEST(ExpressionEvalTest, EveryComparisonOperator) {
  Table table({{"i", DataType::Int64, ints({1, 2, 3})},
               {"f", DataType::Float64, floats({1.5, 2.0, 2.5})},
               {"s", DataType::String, strings({"a", "b", "c"})}});
  EXPECT_THAT(table.select("i = 2"), ElementsAre(1));
  EXPECT_THAT(table.select("i <> 2"), ElementsAre(0, 2));
  EXPECT_THAT(table.select("i != 2"), ElementsAre(0, 2));
  EXPECT_THAT(table.select("i < 2"), ElementsAre(0));
  EXPECT_THAT(table.select("i <= 2"), ElementsAre(0, 1));
  EXPECT_THAT(table.select("i > 2"), ElementsAre(2));
  EXPECT_THAT(table.select("i >= 2"), ElementsAre(1, 2));
  EXPECT_THAT(table.select("2 < i"), ElementsAre(2));
  EXPECT_THAT(table.select("f = 2"), ElementsAre(1));
  EXPECT_THAT(table.select("i < f"), ElementsAre(0));
  EXPECT_THAT(table.select("f >= i"), ElementsAre(0, 1));
  EXPECT_THAT(table.select("s >= 'b'"), ElementsAre(1, 2));
  EXPECT_THAT(table.select("s <> 'b'"), ElementsAre(0, 2));
  EXPECT_THAT(table.select("1 < 2"), ElementsAre(0, 1, 2));
  EXPECT_THAT(table.select("'b' > 'c'"), ElementsAre());
}

TEST(ExpressionEvalTest, ArithmeticAndPromotion) {
  Table table({{"i", DataType::Int64, ints({7, -7, 7, -7, 5})},
               {"j", DataType::Int64, ints({3, 3, -3, -3, 0})},
               {"f", DataType::Float64, floats({7.5, -7.5, 0.5, 2, 0})}});
  EXPECT_THAT(table.select("i + j = 10"), ElementsAre(0));
  EXPECT_THAT(table.select("i - j = -10"), ElementsAre(1));
  EXPECT_THAT(table.select("i * j = -21"), ElementsAre(1, 2));
  // `/` always yields float64.
  EXPECT_THAT(table.select("i / j = 7 / 3"), ElementsAre(0, 3));
  EXPECT_THAT(table.select("7 / 2 = 3.5"), ElementsAre(0, 1, 2, 3, 4));
  // `%` on int64 takes the sign of the dividend; INT64_MIN % -1 is 0.
  EXPECT_THAT(table.select("i % j = 1"), ElementsAre(0, 2));
  EXPECT_THAT(table.select("i % j = -1"), ElementsAre(1, 3));
  EXPECT_THAT(table.select("-9223372036854775808 % -1 = 0"), ElementsAre(0, 1, 2, 3, 4));
  // Float modulo is fmod.
  EXPECT_THAT(table.select("f % 2 = 1.5"), ElementsAre(0));
  EXPECT_THAT(table.select("f % 2 = -1.5"), ElementsAre(1));
  EXPECT_THAT(table.select("i + f = 14.5"), ElementsAre(0));
  EXPECT_THAT(table.select("i * 0.5 = 3.5"), ElementsAre(0, 2));
  EXPECT_THAT(table.select("-i = 7"), ElementsAre(1, 3));
  EXPECT_THAT(table.select("-f = -0.5"), ElementsAre(2));
  EXPECT_THAT(table.select("-(1 + 2) = -3"), ElementsAre(0, 1, 2, 3, 4));
}

TEST(ExpressionEvalTest, DivisionByZeroIsNull) {
  Table table({{"i", DataType::Int64, ints({6, 6, {}})},
               {"j", DataType::Int64, ints({0, 3, 0})},
               {"f", DataType::Float64, floats({0.0, -0.0, 2})}});
  const std::optional<bool> T = true, F = false, N = std::nullopt;
  EXPECT_EQ(table.truth("i / j = 2"), (std::vector<std::optional<bool>>{N, T, N}));
  EXPECT_EQ(table.truth("i % j = 0"), (std::vector<std::optional<bool>>{N, T, N}));
  EXPECT_EQ(table.truth("i / f > 0"), (std::vector<std::optional<bool>>{N, N, N}));
  EXPECT_EQ(table.truth("j % f >= 0"), (std::vector<std::optional<bool>>{N, N, T}));
  EXPECT_EQ(table.truth("1 / 0 IS NULL"), (std::vector<std::optional<bool>>{T, T, T}));
  EXPECT_EQ(table.truth("5 % 0 IS NULL"), (std::vector<std::optional<bool>>{T, T, T}));
  EXPECT_EQ(table.truth("(i / j IS NULL) = (j = 0 OR i IS NULL)"),
            (std::vector<std::optional<bool>>{T, T, T}));
  EXPECT_EQ(table.truth("1 / j > 0 OR j = 0"), (std::vector<std::optional<bool>>{T, T, T}));
  EXPECT_EQ(table.truth("i / j > 100"), (std::vector<std::optional<bool>>{N, F, N}));
}

std::string overflow_error(const Table& table, const std::string& text,
                           std::optional<std::vector<uint32_t>> input = std::nullopt) {
  try {
    table.select(text, std::move(input));
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

TEST(ExpressionEvalTest, IntegerOverflowThrowsInputError) {
  Table table({{"i", DataType::Int64, ints({1, kInt64Max, kInt64Min, 4})},
               {"k", DataType::Int64, ints({1, {}, {}, 1})},
               {"ts", DataType::Timestamp, ints({0, kInt64Max, 0, 0})}});
  EXPECT_THAT(overflow_error(table, "i + 1 > 0"),
              HasSubstr("integer overflow in expression 'i + 1' at position 1 in \"i + 1 > 0\": "
                        "9223372036854775807 + 1 does not fit in int64"));
  EXPECT_THAT(overflow_error(table, "i - 1 > 0"), HasSubstr("-9223372036854775808 - 1"));
  EXPECT_THAT(overflow_error(table, "k = 1 AND i * 3 > 0"), HasSubstr("no error"));
  EXPECT_THAT(overflow_error(table, "(k = 1) = (i * 3 > 0)"), HasSubstr("in expression 'i * 3'"));
  EXPECT_THAT(overflow_error(table, "-i > 0"), HasSubstr("-(-9223372036854775808)"));
  EXPECT_THAT(table.select("i % -1 = 0"), ElementsAre(0, 1, 2, 3));  // INT64_MIN % -1 is 0
  EXPECT_THAT(overflow_error(table, "ts + 1 > ts"), HasSubstr("integer overflow"));
  EXPECT_THAT(overflow_error(table, "9223372036854775807 + 1 > 0"), HasSubstr("integer overflow"));
  // Overflow at a NULL position is not an error (the NULL slot of i + k
  // holds i; doubling it would overflow).
  EXPECT_THAT(overflow_error(table, "(i + k) * 2 > 0"), HasSubstr("no error"));
  // Rows outside the selection are not evaluated.
  EXPECT_THAT(overflow_error(table, "i + 1 > 0", std::vector<uint32_t>{0, 3}),
              HasSubstr("no error"));
  EXPECT_THAT(table.select("i + 1 > 0", std::vector<uint32_t>{0, 3}), ElementsAre(0, 3));
}

TEST(ExpressionEvalTest, StringsCompareByteWise) {
  Table table({{"s", DataType::String, strings({"it's", "", {}, "B", "a", "ab", "\xC3\xA9"})},
               {"t", DataType::String, strings({"it's", {}, "x", "a", "a", "a", "z"})}});
  EXPECT_THAT(table.select("s = 'it''s'"), ElementsAre(0));
  EXPECT_THAT(table.select("s = ''"), ElementsAre(1));
  EXPECT_THAT(table.select("s IS NULL"), ElementsAre(2));
  EXPECT_THAT(table.select("s = t"), ElementsAre(0, 4));
  EXPECT_THAT(table.select("s < t"), ElementsAre(3));
  EXPECT_THAT(table.select("s > t"), ElementsAre(5, 6));  // 0xC3 > 'z'
  EXPECT_THAT(table.select("s < 'a'"), ElementsAre(1, 3));
  EXPECT_THAT(table.select("'ab' <= s"), ElementsAre(0, 5, 6));
  EXPECT_THAT(table.select("s <> 'a'", std::vector<uint32_t>{1, 4, 6}), ElementsAre(1, 6));
}

TEST(ExpressionEvalTest, TimestampsAndBools) {
  Table table({{"ts", DataType::Timestamp, ints({kNewYear2026, kNewYear2026 + 1500, {}, 0})},
               {"ts2", DataType::Timestamp, ints({kNewYear2026 + 500, kNewYear2026, 0, {}})},
               {"b", DataType::Bool, bools({true, false, {}, true})}});
  EXPECT_THAT(table.select("ts >= '2026-01-01T00:00:00Z'"), ElementsAre(0, 1));
  EXPECT_THAT(table.select("ts > '2026-01-01 00:00:01'"), ElementsAre(1));
  EXPECT_THAT(table.select("ts = '1970-01-01'"), ElementsAre(3));
  EXPECT_THAT(table.select("ts = 1767225600000"), ElementsAre(0));
  EXPECT_THAT(table.select("ts + 1000 > ts2"), ElementsAre(0, 1));
  EXPECT_THAT(table.select("ts - ts2 = 1500"), ElementsAre(1));
  EXPECT_THAT(table.select("ts - ts2 = -500"), ElementsAre(0));
  EXPECT_THAT(table.select("ts2 - 500 = '2026-01-01'"), ElementsAre(0));
  EXPECT_THAT(table.select("b"), ElementsAre(0, 3));
  EXPECT_THAT(table.select("NOT b"), ElementsAre(1));
  EXPECT_THAT(table.select("b = TRUE"), ElementsAre(0, 3));
  EXPECT_THAT(table.select("b = FALSE"), ElementsAre(1));
  EXPECT_THAT(table.select("b > FALSE"), ElementsAre(0, 3));
  EXPECT_THAT(table.select("b <> (ts IS NULL)"), ElementsAre(0, 3));
  EXPECT_THAT(table.select("b AND ts > 0"), ElementsAre(0));
}

TEST(ExpressionEvalTest, NarrowsTheGivenSelectionAndIsReusable) {
  auto schema = std::make_shared<const Schema>(
      std::vector<Field>{{"i", DataType::Int64}, {"unit price", DataType::Float64}});
  std::unique_ptr<Expression> predicate =
      parse_expression("i % 2 = 0 OR \"unit price\" > 10", *schema);
  FilterEvaluator evaluator(*predicate);
  for (size_t rows : {1000u, 3u, 5000u, 0u, 64u}) {
    Cells i, price;
    for (size_t r = 0; r < rows; ++r) {
      i.emplace_back(static_cast<int64_t>(r));
      if (r % 3 == 0) {
        price.emplace_back(std::monostate{});
      } else {
        price.emplace_back(static_cast<double>(r % 20));
      }
    }
    const Batch batch = make_batch(schema, {i, price});
    SelectionVector selection;
    std::vector<uint32_t> input, expected;
    for (uint32_t r = 0; r < rows; ++r) {
      if (r % 5 == 4) continue;
      input.push_back(r);
      if (r % 2 == 0 || (r % 3 != 0 && r % 20 > 10)) expected.push_back(r);
    }
    selection.resize(input.size());
    std::copy(input.begin(), input.end(), selection.data());
    evaluator.filter(batch, selection);
    EXPECT_EQ(std::vector<uint32_t>(selection.data(), selection.data() + selection.size()),
              expected)
        << rows;
  }
}

TEST(ExpressionEvalTest, FiltersTheBatchOwnSelectionInPlace) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"i", DataType::Int64}});
  Batch batch = make_batch(schema, {ints({5, {}, 7, 8, 9})});
  std::unique_ptr<Expression> predicate = parse_expression("i > 6 AND i <> 8", *schema);
  FilterEvaluator evaluator(*predicate);
  evaluator.filter(batch, batch.selection());
  ASSERT_EQ(batch.selection().size(), 2u);
  EXPECT_EQ(batch.selection()[0], 2u);
  EXPECT_EQ(batch.selection()[1], 4u);
  evaluator.filter(batch, batch.selection());  // idempotent on what is left
  EXPECT_EQ(batch.selection().size(), 2u);
}

}  // namespace
}  // namespace weir
