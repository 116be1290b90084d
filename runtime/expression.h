#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "runtime/data_type.h"

namespace weir {

// A bound expression tree: the output of parse_expression()
// (runtime/expression_parser.h), evaluated by FilterEvaluator
// (runtime/expression_evaluator.h).
//
// "Bound" means column names are resolved to schema indices and every node
// has a result type that obeys the typing rules documented in
// expression_parser.h. The binder may insert nodes that were not written in
// the text (Cast) and may fold literals (a string literal compared with a
// timestamp becomes a timestamp literal).
//
// Contract: built once on the configuring thread, then immutable and shared
// read-only by any number of threads (each with its own FilterEvaluator).
// The only mutators (set_type, set_span) are for the binder while it builds
// the tree.

enum class ExpressionKind {
  ColumnRef,   // a column of the input schema
  Literal,     // a constant (possibly NULL)
  Compare,     // two children, CompareOp; result Bool
  Arithmetic,  // two children, ArithmeticOp
  Negate,      // unary minus; one child
  And,         // two or more Bool children (chains are flattened); Kleene logic
  Or,          // two or more Bool children (chains are flattened); Kleene logic
  Not,         // one Bool child
  IsNull,      // one child of any type; result Bool, never NULL
  IsNotNull,   // one child of any type; result Bool, never NULL
  Cast,        // implicit Int64 -> Float64 promotion inserted by the binder
};

enum class CompareOp { Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual };
enum class ArithmeticOp { Add, Subtract, Multiply, Divide, Modulo };

// The operator as written in expressions ("=", "<>", "+", ...).
std::string_view compare_op_symbol(CompareOp op);
std::string_view arithmetic_op_symbol(ArithmeticOp op);

// Trees deeper than this are rejected by the parser, so recursive walks over
// a tree (evaluation, printing, destruction) use bounded stack.
inline constexpr size_t kMaxExpressionDepth = 256;

// A byte range [offset, offset + length) of the expression's source text.
struct SourceSpan {
  size_t offset = 0;
  size_t length = 0;
  size_t end() const { return offset + length; }
};

// A literal's value. std::monostate is NULL. Int64 and Timestamp literals
// hold int64_t (timestamps in epoch milliseconds), Float64 double, Bool bool,
// String std::string.
using LiteralValue = std::variant<std::monostate, int64_t, double, bool, std::string>;

class Expression {
 public:
  using Children = std::vector<std::unique_ptr<Expression>>;

  // Factories. They record structure only; the binder checks types first.
  // `source` is the whole expression text, shared by every node of a tree.
  static std::unique_ptr<Expression> column_ref(size_t column_index, std::string column_name,
                                                DataType type,
                                                std::shared_ptr<const std::string> source,
                                                SourceSpan span);
  // `type` is std::nullopt only for a NULL literal whose type the context
  // has not fixed yet (the binder fixes it with set_type()).
  static std::unique_ptr<Expression> literal(LiteralValue value, std::optional<DataType> type,
                                             std::shared_ptr<const std::string> source,
                                             SourceSpan span);
  static std::unique_ptr<Expression> compare(CompareOp op, std::unique_ptr<Expression> left,
                                             std::unique_ptr<Expression> right);
  static std::unique_ptr<Expression> arithmetic(ArithmeticOp op, DataType result_type,
                                                std::unique_ptr<Expression> left,
                                                std::unique_ptr<Expression> right);
  // Negate, Not, IsNull, IsNotNull and Cast. The result type follows from
  // the kind (Negate: the operand's; Cast: Float64; the others: Bool).
  static std::unique_ptr<Expression> unary(ExpressionKind kind, std::unique_ptr<Expression> operand,
                                           SourceSpan span);
  // And / Or over two or more operands.
  static std::unique_ptr<Expression> logical(ExpressionKind kind, Children operands);

  ExpressionKind kind() const { return kind_; }

  // The result type. Every node of a bound tree has one; has_type() is false
  // only for a NULL literal during binding.
  bool has_type() const { return type_.has_value(); }
  DataType type() const;

  const Children& children() const { return children_; }
  const Expression& child(size_t index) const { return *children_[index]; }

  // Number of nodes on the longest path from this node to a leaf (a leaf is 1).
  size_t depth() const { return depth_; }

  // Payloads; each is meaningful only for its kind.
  size_t column_index() const { return column_index_; }
  const std::string& column_name() const { return column_name_; }
  const LiteralValue& literal_value() const { return literal_; }
  bool is_null_literal() const {
    return kind_ == ExpressionKind::Literal && std::holds_alternative<std::monostate>(literal_);
  }
  CompareOp compare_op() const { return compare_op_; }
  ArithmeticOp arithmetic_op() const { return arithmetic_op_; }

  // The whole expression text, this node's part of it, and where it starts.
  std::string_view source() const { return *source_; }
  SourceSpan span() const { return span_; }
  std::string_view text() const;
  // 1-based character (UTF-8 code point) position of text() within source().
  size_t position() const;

  // A fully parenthesized rendering of the bound tree, e.g.
  // "((price > 10) AND (channel = 'web'))"; casts appear as float64(x).
  std::string to_string() const;

  // Binder only: fix the type of an untyped NULL literal; widen the span to
  // include surrounding parentheses.
  void set_type(DataType type) { type_ = type; }
  void set_span(SourceSpan span) { span_ = span; }

 private:
  Expression(ExpressionKind kind, std::optional<DataType> type,
             std::shared_ptr<const std::string> source, SourceSpan span);
  void adopt_children(Children children);
  void append_to(std::string& out) const;

  ExpressionKind kind_;
  std::optional<DataType> type_;
  std::shared_ptr<const std::string> source_;
  SourceSpan span_;
  size_t depth_ = 1;
  Children children_;
  size_t column_index_ = 0;
  std::string column_name_;
  LiteralValue literal_;
  CompareOp compare_op_ = CompareOp::Equal;
  ArithmeticOp arithmetic_op_ = ArithmeticOp::Add;
};

// 1-based character (UTF-8 code point) position of byte `offset` in `text`.
size_t character_position(std::string_view text, size_t offset);

}  // namespace weir
