// Randomized tests of filter expressions: random well-typed expressions over
// random batches are evaluated by FilterEvaluator and compared with a simple
// row-at-a-time reference interpreter; mangled expression text must parse
// or fail cleanly. Deterministic (fixed seeds).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "runtime/batch.h"
#include "runtime/errors.h"
#include "runtime/expression.h"
#include "runtime/expression_evaluator.h"
#include "runtime/expression_parser.h"
#include "runtime/timestamp.h"
#include "tests/column_cells.h"

namespace weir {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kNewYear2026 = 1767225600000;  // 2026-01-01T00:00:00Z

using testing::append_cell;
using testing::Cell;

// The reference's value: std::nullopt is NULL; timestamps are int64_t.
using RefValue = std::optional<std::variant<int64_t, double, bool, std::string>>;

struct RefNode {
  enum class Op { Column, Literal, Compare, Arithmetic, Negate, And, Or, Not, IsNull, IsNotNull };
  Op op = Op::Literal;
  CompareOp compare = CompareOp::Equal;
  ArithmeticOp arithmetic = ArithmeticOp::Add;
  size_t column = 0;
  RefValue literal;
  std::vector<std::shared_ptr<const RefNode>> children;
};

// Evaluates one row at a time with std::optional three-valued logic. Every
// operand is evaluated (no short-circuit); `overflowed` records any int64
// overflow on non-NULL operands.
class Reference {
 public:
  explicit Reference(const std::vector<std::vector<RefValue>>& columns) : columns_(columns) {}

  bool overflowed = false;

  RefValue eval(const RefNode& node, size_t row) {
    using Op = RefNode::Op;
    switch (node.op) {
      case Op::Column:
        return columns_[node.column][row];
      case Op::Literal:
        return node.literal;
      case Op::Compare: {
        const RefValue left = eval(*node.children[0], row);
        const RefValue right = eval(*node.children[1], row);
        if (!left || !right) return std::nullopt;
        return compare(node.compare, *left, *right);
      }
      case Op::Arithmetic: {
        const RefValue left = eval(*node.children[0], row);
        const RefValue right = eval(*node.children[1], row);
        if (!left || !right) return std::nullopt;
        return arithmetic(node.arithmetic, *left, *right);
      }
      case Op::Negate: {
        const RefValue value = eval(*node.children[0], row);
        if (!value) return std::nullopt;
        if (const auto* real = std::get_if<double>(&*value)) return -*real;
        const int64_t integer = std::get<int64_t>(*value);
        if (integer == kInt64Min) overflowed = true;
        return integer == kInt64Min ? integer : -integer;
      }
      case Op::And:
      case Op::Or: {
        const bool is_and = node.op == Op::And;
        bool decided = false, saw_null = false;
        for (const auto& child : node.children) {
          const RefValue value = eval(*child, row);
          if (!value) {
            saw_null = true;
          } else if (std::get<bool>(*value) != is_and) {
            decided = true;
          }
        }
        if (decided) return !is_and;
        if (saw_null) return std::nullopt;
        return is_and;
      }
      case Op::Not: {
        const RefValue value = eval(*node.children[0], row);
        if (!value) return std::nullopt;
        return !std::get<bool>(*value);
      }
      case Op::IsNull:
        return !eval(*node.children[0], row).has_value();
      case Op::IsNotNull:
        return eval(*node.children[0], row).has_value();
    }
    return std::nullopt;
  }

 private:
  using Value = std::variant<int64_t, double, bool, std::string>;

  static double as_double(const Value& value) {
    if (const auto* real = std::get_if<double>(&value)) return *real;
    return static_cast<double>(std::get<int64_t>(value));
  }

  template <typename T>
  static bool apply(CompareOp op, const T& a, const T& b) {
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

  static RefValue compare(CompareOp op, const Value& a, const Value& b) {
    if (std::holds_alternative<int64_t>(a) && std::holds_alternative<int64_t>(b)) {
      return apply(op, std::get<int64_t>(a), std::get<int64_t>(b));
    }
    if (std::holds_alternative<double>(a) || std::holds_alternative<double>(b)) {
      return apply(op, as_double(a), as_double(b));
    }
    if (std::holds_alternative<bool>(a)) return apply(op, std::get<bool>(a), std::get<bool>(b));
    return apply(op, std::get<std::string>(a), std::get<std::string>(b));
  }

  RefValue arithmetic(ArithmeticOp op, const Value& a, const Value& b) {
    if (op == ArithmeticOp::Divide || std::holds_alternative<double>(a) ||
        std::holds_alternative<double>(b)) {
      const double x = as_double(a), y = as_double(b);
      switch (op) {
        case ArithmeticOp::Add:
          return x + y;
        case ArithmeticOp::Subtract:
          return x - y;
        case ArithmeticOp::Multiply:
          return x * y;
        case ArithmeticOp::Divide:
          return y == 0 ? RefValue() : RefValue(x / y);
        case ArithmeticOp::Modulo:
          return y == 0 ? RefValue() : RefValue(std::fmod(x, y));
      }
    }
    const int64_t x = std::get<int64_t>(a), y = std::get<int64_t>(b);
    int64_t result = 0;
    switch (op) {
      case ArithmeticOp::Add:
        overflowed |= __builtin_add_overflow(x, y, &result);
        return result;
      case ArithmeticOp::Subtract:
        overflowed |= __builtin_sub_overflow(x, y, &result);
        return result;
      case ArithmeticOp::Multiply:
        overflowed |= __builtin_mul_overflow(x, y, &result);
        return result;
      case ArithmeticOp::Modulo:
        if (y == 0) return std::nullopt;
        return y == -1 ? 0 : x % y;
      case ArithmeticOp::Divide:
        break;
    }
    return std::nullopt;
  }

  const std::vector<std::vector<RefValue>>& columns_;
};

// Column layout of the random batches.
enum RandomColumn : size_t { kI1, kI2, kF1, kF2, kS1, kS2, kB1, kB2, kT1, kT2 };
const char* const kRandomColumnNames[] = {"i1", "i2", "f1", "f2", "s1",
                                          "s2", "b1", "b2", "t1", "t2"};
const char* const kStrings[] = {"", "a", "b", "ab", "B", "it's", "\xC3\xA9"};

std::shared_ptr<const Schema> random_schema() {
  const DataType types[] = {DataType::Int64,    DataType::Int64,  DataType::Float64,
                            DataType::Float64,  DataType::String, DataType::String,
                            DataType::Bool,     DataType::Bool,   DataType::Timestamp,
                            DataType::Timestamp};
  std::vector<Field> fields;
  for (size_t c = 0; c < 10; ++c) fields.push_back(Field{kRandomColumnNames[c], types[c]});
  return std::make_shared<const Schema>(std::move(fields));
}

struct RandomBatch {
  std::unique_ptr<Batch> batch;
  std::vector<std::vector<RefValue>> columns;  // the same data for the reference
};

// A batch of `rows` rows with ~20% NULLs in every column.
RandomBatch make_random_batch(std::mt19937_64& rng, const std::shared_ptr<const Schema>& schema,
                              size_t rows) {
  RandomBatch out;
  out.batch = std::make_unique<Batch>(schema);
  out.columns.resize(schema->size());
  for (size_t c = 0; c < schema->size(); ++c) {
    for (size_t r = 0; r < rows; ++r) {
      Cell cell;
      if (rng() % 5 != 0) {
        const auto k = static_cast<int64_t>(rng() % 41) - 20;
        switch (c) {
          case kI1:
          case kI2:
            cell = rng() % 40 == 0 ? (int64_t{1} << 62) + k : k;
            break;
          case kF1:
          case kF2:
            cell = static_cast<double>(k) * 0.5;
            break;
          case kS1:
          case kS2:
            cell = std::string(kStrings[rng() % 7]);
            break;
          case kB1:
          case kB2:
            cell = rng() % 2 == 0;
            break;
          default:
            cell = kNewYear2026 + k * 500;
            break;
        }
      }
      append_cell(out.batch->column(c), cell);
      std::visit(
          [&](const auto& value) {
            if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::monostate>) {
              out.columns[c].push_back(std::nullopt);
            } else {
              out.columns[c].push_back(value);
            }
          },
          cell);
    }
  }
  out.batch->set_num_rows(rows);
  return out;
}

// Generates random well-typed expressions as text (with only the parentheses
// precedence needs, plus a few extra) together with their reference tree.
class ExpressionGenerator {
 public:
  explicit ExpressionGenerator(uint64_t seed) : rng_(seed) {}

  struct Generated {
    std::string text;
    int level;  // precedence of the top operator; kPrimary for atoms
    std::shared_ptr<const RefNode> ref;
  };
  enum Level { kOr = 1, kAnd, kNot, kCompare, kAdditive, kMultiplicative, kUnary, kPrimary };

  Generated boolean(int depth) {
    if (depth <= 0) {
      switch (pick(4)) {
        case 0:
          return column(pick(2) == 0 ? kB1 : kB2);
        case 1:
          return compare(integer(0), integer(0));
        case 2:
          return compare(string(), string());
        default:
          return pick(8) == 0 ? literal_bool() : compare(floating(0), number(0));
      }
    }
    switch (pick(11)) {
      case 0:
        return column(pick(2) == 0 ? kB1 : kB2);
      case 1:
        return compare(number(depth - 1), number(depth - 1));
      case 2:
        return compare(string(), string());
      case 3:
        return compare(timestamp(depth - 1), timestamp_operand(depth - 1));
      case 4:
        return compare(boolean(depth - 1), boolean(depth - 1));
      case 5:
      case 6:
        return logical(RefNode::Op::And, depth);
      case 7:
        return logical(RefNode::Op::Or, depth);
      case 8:
        return unary_bool(RefNode::Op::Not, "NOT ", boolean(depth - 1), kNot);
      case 9:
        return is_null(depth - 1);
      default:
        return pick(4) == 0 ? literal_bool() : compare(integer(depth - 1), number(depth - 1));
    }
  }

 private:
  size_t pick(size_t n) { return rng_() % n; }

  std::string embed(const Generated& child, int min_level) {
    return child.level < min_level || pick(10) == 0 ? "(" + child.text + ")" : child.text;
  }

  static std::shared_ptr<RefNode> node(RefNode::Op op, std::vector<Generated*> children = {}) {
    auto ref = std::make_shared<RefNode>();
    ref->op = op;
    for (Generated* child : children) ref->children.push_back(child->ref);
    return ref;
  }

  Generated column(size_t index) {
    auto ref = node(RefNode::Op::Column);
    ref->column = index;
    return {kRandomColumnNames[index], kPrimary, ref};
  }

  Generated literal(std::string text, RefValue value) {
    auto ref = node(RefNode::Op::Literal);
    ref->literal = std::move(value);
    return {std::move(text), kPrimary, ref};
  }

  Generated literal_bool() {
    switch (pick(3)) {
      case 0:
        return literal(pick(2) == 0 ? "TRUE" : "true", true);
      case 1:
        return literal(pick(2) == 0 ? "FALSE" : "False", false);
      default:
        return literal("NULL", std::nullopt);
    }
  }

  std::string keyword(const char* upper) {
    std::string word = upper;
    if (pick(3) == 0) {
      for (char& c : word) c = static_cast<char>(c - 'A' + 'a');
    }
    return word;
  }

  Generated compare(Generated left, Generated right) {
    static const char* const kSymbols[] = {"=", "<>", "<", "<=", ">", ">=", "!="};
    const size_t symbol = pick(7);
    auto ref = node(RefNode::Op::Compare, {&left, &right});
    ref->compare = static_cast<CompareOp>(symbol == 6 ? 1 : symbol);
    return {embed(left, kCompare) + " " + kSymbols[symbol] + " " + embed(right, kAdditive),
            kCompare, ref};
  }

  Generated arithmetic(ArithmeticOp op, Generated left, Generated right) {
    const int level =
        op == ArithmeticOp::Add || op == ArithmeticOp::Subtract ? kAdditive : kMultiplicative;
    auto ref = node(RefNode::Op::Arithmetic, {&left, &right});
    ref->arithmetic = op;
    return {embed(left, level) + " " + std::string(arithmetic_op_symbol(op)) + " " +
                embed(right, level + 1),
            level, ref};
  }

  Generated negate(Generated operand) {
    std::string inner = embed(operand, kUnary);
    std::string text = (inner[0] == '-' ? "- " : "-") + inner;
    return {std::move(text), kUnary, node(RefNode::Op::Negate, {&operand})};
  }

  Generated unary_bool(RefNode::Op op, const char* prefix, Generated operand, int level) {
    return {prefix + embed(operand, level), level, node(op, {&operand})};
  }

  Generated is_null(int depth) {
    Generated operand;
    switch (pick(5)) {
      case 0:
        operand = integer(depth);
        break;
      case 1:
        operand = floating(depth);
        break;
      case 2:
        operand = string();
        break;
      case 3:
        operand = timestamp(depth);
        break;
      default:
        operand = boolean(depth);
        break;
    }
    const bool negated = pick(2) == 0;
    return {embed(operand, kCompare) + " " + keyword("IS") + (negated ? " NOT NULL" : " NULL"),
            kCompare, node(negated ? RefNode::Op::IsNotNull : RefNode::Op::IsNull, {&operand})};
  }

  Generated logical(RefNode::Op op, int depth) {
    const bool is_and = op == RefNode::Op::And;
    const int level = is_and ? kAnd : kOr;
    std::vector<Generated> operands(2 + pick(2));
    std::string text;
    auto ref = std::make_shared<RefNode>();
    ref->op = op;
    for (size_t k = 0; k < operands.size(); ++k) {
      operands[k] = boolean(depth - 1);
      if (k > 0) {
        text += ' ';
        text += keyword(is_and ? "AND" : "OR");
        text += ' ';
      }
      text += embed(operands[k], level + 1);
      ref->children.push_back(operands[k].ref);
    }
    return {std::move(text), level, ref};
  }

  Generated integer_literal() {
    if (pick(40) == 0) {
      const int64_t big[] = {int64_t{1} << 62, kInt64Max, kInt64Min, -(int64_t{1} << 62)};
      const int64_t value = big[pick(4)];
      return literal(std::to_string(value), value);
    }
    const auto value = static_cast<int64_t>(pick(61)) - 30;
    return literal(std::to_string(value), value);
  }

  Generated integer(int depth) {
    switch (depth <= 0 ? pick(3) : pick(10)) {
      case 0:
        return column(pick(2) == 0 ? kI1 : kI2);
      case 1:
        return pick(12) == 0 ? literal("NULL", std::nullopt) : column(kI1);
      case 2:
        return integer_literal();
      case 3:
      case 4:
        return arithmetic(pick(2) == 0 ? ArithmeticOp::Add : ArithmeticOp::Subtract,
                          integer(depth - 1), integer(depth - 1));
      case 5:
        return arithmetic(ArithmeticOp::Multiply, integer(depth - 1), integer(depth - 1));
      case 6:
        return arithmetic(ArithmeticOp::Modulo, integer(depth - 1), integer(depth - 1));
      case 7:
        return negate(integer(depth - 1));
      case 8:
        return arithmetic(ArithmeticOp::Subtract, timestamp(depth - 1), timestamp(depth - 1));
      default:
        return integer_literal();
    }
  }

  Generated float_literal() {
    if (pick(50) == 0) return literal("1e300", 1e300);
    const double value = static_cast<double>(static_cast<int64_t>(pick(81)) - 40) * 0.25;
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
    std::string text(buffer, result.ptr);
    if (text.find_first_of(".e") == std::string::npos) text += ".0";
    return literal(text, value);
  }

  Generated floating(int depth) {
    switch (depth <= 0 ? pick(3) : pick(8)) {
      case 0:
      case 1:
        return column(pick(2) == 0 ? kF1 : kF2);
      case 2:
        return float_literal();
      case 3:
      case 4: {
        static const ArithmeticOp kOps[] = {ArithmeticOp::Add, ArithmeticOp::Subtract,
                                            ArithmeticOp::Multiply, ArithmeticOp::Modulo};
        const ArithmeticOp op = kOps[pick(4)];
        if (pick(2) == 0) return arithmetic(op, floating(depth - 1), number(depth - 1));
        return arithmetic(op, number(depth - 1), floating(depth - 1));
      }
      case 5:
      case 6:
        return arithmetic(ArithmeticOp::Divide, number(depth - 1), number(depth - 1));
      default:
        return negate(floating(depth - 1));
    }
  }

  Generated number(int depth) { return pick(2) == 0 ? integer(depth) : floating(depth); }

  Generated timestamp(int depth) {
    switch (depth <= 0 ? 0 : pick(5)) {
      case 0:
      case 1:
        return column(pick(2) == 0 ? kT1 : kT2);
      case 2:
        return arithmetic(ArithmeticOp::Add, timestamp(depth - 1), integer(depth - 1));
      case 3:
        return arithmetic(ArithmeticOp::Subtract, timestamp(depth - 1), integer(depth - 1));
      default:
        return arithmetic(ArithmeticOp::Add, integer(depth - 1), timestamp(depth - 1));
    }
  }

  // What a timestamp may be compared with.
  Generated timestamp_operand(int depth) {
    const int64_t millis = kNewYear2026 + (static_cast<int64_t>(pick(41)) - 20) * 500;
    switch (pick(4)) {
      case 0:
        return literal("'" + format_timestamp(millis) + "'", millis);
      case 1:
        return literal("'2026-01-01'", kNewYear2026);
      case 2:
        return literal(std::to_string(millis), millis);
      default:
        return timestamp(depth);
    }
  }

  Generated string() {
    if (pick(2) == 0) return column(pick(2) == 0 ? kS1 : kS2);
    const std::string value = kStrings[pick(7)];
    std::string text = "'";
    for (char c : value) text += c == '\'' ? std::string("''") : std::string(1, c);
    return literal(text + "'", value);
  }

  std::mt19937_64 rng_;
};

// Mangled valid expressions and token soup must yield a tree or a
// ConfigError, and every tree must evaluate (or report overflow).
TEST(ExpressionDifferentialTest, MangledInputYieldsTreeOrConfigError) {
  const std::vector<std::string> pieces = {"i1",
                                           "f2",
                                           "s1",
                                           "b2",
                                           "t1",
                                           "\"i2\"",
                                           "(",
                                           ")",
                                           "=",
                                           "<>",
                                           "!=",
                                           "<",
                                           ">=",
                                           "+",
                                           "-",
                                           "*",
                                           "/",
                                           "%",
                                           " AND ",
                                           " OR ",
                                           "NOT ",
                                           " IS ",
                                           "NULL",
                                           "TRUE",
                                           "1",
                                           "-3",
                                           "2.5",
                                           ".5",
                                           "1e3",
                                           "'x'",
                                           "'2026-01-01'",
                                           "'",
                                           "\"",
                                           "9223372036854775807",
                                           "#",
                                           " ",
                                           "\xC3",
                                           "\n",
                                           ".",
                                           "e"};
  const std::shared_ptr<const Schema> schema = random_schema();
  std::mt19937_64 rng(20260101);
  const RandomBatch random = make_random_batch(rng, schema, 100);
  ExpressionGenerator generator(99);
  int parsed = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string text;
    if (round % 4 == 0) {
      for (size_t k = rng() % 12; k > 0; --k) text += pieces[rng() % pieces.size()];
    } else {
      text = generator.boolean(static_cast<int>(rng() % 4)).text;
      for (size_t edits = 1 + rng() % 3; edits > 0; --edits) {
        const size_t at = rng() % (text.size() + 1);
        switch (rng() % 4) {
          case 0:
            text.erase(at, 1 + rng() % 3);
            break;
          case 1:
            text.insert(at, pieces[rng() % pieces.size()]);
            break;
          case 2:
            text.insert(at, text.substr(rng() % (text.size() + 1), rng() % 8));
            break;
          default:
            text.resize(at);
            break;
        }
      }
    }
    std::unique_ptr<Expression> predicate;
    try {
      predicate = parse_expression(text, *schema);
    } catch (const ConfigError& error) {
      EXPECT_THAT(error.what(), HasSubstr(" at position ")) << text;
      continue;
    }
    ++parsed;
    EXPECT_EQ(predicate->type(), DataType::Bool) << text;
    FilterEvaluator evaluator(*predicate);
    SelectionVector selection;
    selection.select_all(random.batch->num_rows());
    try {
      evaluator.filter(*random.batch, selection);
    } catch (const InputError& error) {
      EXPECT_THAT(error.what(), HasSubstr("integer overflow")) << text;
    }
  }
  EXPECT_GT(parsed, 200);
}

TEST(ExpressionDifferentialTest, MatchesRowAtATimeReference) {
#ifdef WEIR_EXTENDED_PROPERTY_TESTS
  const int kCases = 30000;
#else
  const int kCases = 1000;
#endif
  const std::shared_ptr<const Schema> schema = random_schema();
  std::mt19937_64 rng(7);
  std::vector<RandomBatch> batches;
  for (size_t rows : {300u, 37u, 520u}) batches.push_back(make_random_batch(rng, schema, rows));
  ExpressionGenerator generator(42);
  int overflow_cases = 0, failures = 0;
  size_t rows_in = 0, rows_out = 0;
  for (int index = 0; index < kCases && failures < 5; ++index) {
    const ExpressionGenerator::Generated generated = generator.boolean(static_cast<int>(rng() % 6));
    std::unique_ptr<Expression> predicate;
    try {
      predicate = parse_expression(generated.text, *schema);
    } catch (const ConfigError& error) {
      ADD_FAILURE() << "case " << index << ": " << error.what();
      ++failures;
      continue;
    }
    FilterEvaluator evaluator(*predicate);  // reused across the batches
    for (const RandomBatch& random : batches) {
      const size_t rows = random.batch->num_rows();
      std::vector<uint32_t> input;
      const size_t mode = rng() % 4;  // 0: every row; 1-3: a random subset
      const uint64_t keep_percent = rng() % 100;
      for (uint32_t row = 0; row < rows; ++row) {
        if (mode == 0 || rng() % 100 < keep_percent) input.push_back(row);
      }
      Reference reference(random.columns);
      std::vector<uint32_t> expected;
      for (uint32_t row : input) {
        const RefValue value = reference.eval(*generated.ref, row);
        if (value && std::get<bool>(*value)) expected.push_back(row);
      }
      SelectionVector selection;
      selection.resize(input.size());
      std::copy(input.begin(), input.end(), selection.data());
      try {
        evaluator.filter(*random.batch, selection);
      } catch (const InputError& error) {
        // Only legitimate if some evaluated operation really overflows.
        EXPECT_TRUE(reference.overflowed) << generated.text << ": " << error.what();
        EXPECT_THAT(error.what(), HasSubstr("integer overflow in expression"));
        ++overflow_cases;
        continue;
      }
      // Without an error, rows whose overflow was skipped by short-circuiting
      // were decided by other operands, so the result must match regardless.
      const std::vector<uint32_t> actual(selection.data(), selection.data() + selection.size());
      rows_in += input.size();
      rows_out += actual.size();
      if (actual != expected) {
        ++failures;
        size_t first = 0;
        while (first < std::min(actual.size(), expected.size()) &&
               actual[first] == expected[first]) {
          ++first;
        }
        ADD_FAILURE() << "case " << index << ": " << generated.text << "\n  bound as "
                      << predicate->to_string() << "\n  rows " << rows << ", input " << input.size()
                      << ", expected " << expected.size() << " rows, got " << actual.size()
                      << "; first difference at result index " << first;
      }
    }
  }
  // The cases must be meaningful: some rows pass, some fail, few overflows.
  EXPECT_LT(overflow_cases, kCases * 3 / 10);
  EXPECT_GT(rows_out, rows_in / 10);
  EXPECT_LT(rows_out, rows_in * 9 / 10);
}

}  // namespace
}  // namespace weir
