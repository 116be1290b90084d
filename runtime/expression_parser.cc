#include "runtime/expression_parser.h"

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "runtime/expression_lexer.h"
#include "runtime/timestamp.h"

namespace weir {
namespace {

// Keeps cold code (literals, messages) out of the recursive parsing frames.
#define NOINLINE __attribute__((noinline))

using Node = std::unique_ptr<Expression>;
using Token = ExpressionToken;
using TokenKind = ExpressionTokenKind;

std::string type_name(const Expression& node) {
  return node.has_type() ? std::string(data_type_name(node.type())) : std::string("null");
}

// Parses and binds in one pass: each node is type-checked as it is built.
// Tokens are read one at a time (ExpressionLexer), so the first error in
// reading order is the one reported, lexical or not.
class Parser {
 public:
  Parser(std::string_view text, const Schema& schema)
      : source_(std::make_shared<const std::string>(text)),
        text_(*source_),
        schema_(schema),
        lexer_(text_) {}

  Node parse_filter() {
    advance();
    if (current_.kind == TokenKind::End) fail(current_.span, "empty filter expression");
    Node root = parse_or();
    if (current_.kind != TokenKind::End) {
      fail(current_.span,
           "syntax error: unexpected " + describe(current_) + " after a complete expression");
    }
    if (!root->has_type()) root->set_type(DataType::Bool);
    if (root->type() != DataType::Bool) {
      fail(root->span(), "a filter expression must be boolean, but '" + std::string(root->text()) +
                             "' has type " + type_name(*root));
    }
    return root;
  }

  // A SELECT-list expression: any type, but it must have one.
  Node parse_value() {
    advance();
    if (current_.kind == TokenKind::End) fail(current_.span, "empty expression");
    Node root = parse_or();
    if (current_.kind != TokenKind::End) {
      fail(current_.span,
           "syntax error: unexpected " + describe(current_) + " after a complete expression");
    }
    if (!root->has_type()) fail(root->span(), "the type of a bare NULL is unknown");
    return root;
  }

 private:
  // Counts nesting (parentheses, NOT, unary minus) so recursion is bounded.
  class NestingGuard {
   public:
    NestingGuard(Parser& parser, SourceSpan where) : parser_(parser) {
      if (parser_.nesting_ >= kMaxExpressionDepth) parser_.fail_too_deep(where);
      ++parser_.nesting_;
    }
    ~NestingGuard() { --parser_.nesting_; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;

   private:
    Parser& parser_;
  };

  [[noreturn]] void fail(SourceSpan span, const std::string& problem,
                         std::string_view suffix = {}) const {
    throw_expression_error(text_, span, problem, suffix);
  }

  [[noreturn]] void fail_too_deep(SourceSpan span) const {
    fail(span, "expression is nested too deeply (the limit is " +
                   std::to_string(kMaxExpressionDepth) + " levels)");
  }

  std::string describe(const Token& token) const {
    if (token.kind == TokenKind::End) return "end of expression";
    const std::string_view text = text_.substr(token.span.offset, token.span.length);
    std::string quoted(1, '\'');
    quoted.append(text.substr(0, 40));
    quoted.append(text.size() > 40 ? "...'" : "'");
    return quoted;
  }

  // Moves current_ to the next token; throws on a lexical error.
  void advance() { lexer_.next(current_); }

  // ---- Grammar -----------------------------------------------------------
  //
  // The functions on the recursive path (parse_logical .. parse_primary) keep
  // their frames small: literals and error messages are built in separate,
  // non-inlined functions, so deep (but legal) nesting needs little stack.

  Node parse_or() { return parse_logical(TokenKind::Or); }

  // OR and AND chains become one n-ary node, so long chains stay shallow.
  NOINLINE Node parse_logical(TokenKind op) {
    Node first = op == TokenKind::Or ? parse_logical(TokenKind::And) : parse_not();
    if (current_.kind != op) return first;
    return parse_logical_chain(op, std::move(first));
  }

  NOINLINE Node parse_logical_chain(TokenKind op, Node first) {
    const bool is_or = op == TokenKind::Or;
    const char* name = is_or ? "OR" : "AND";
    Expression::Children operands;
    operands.push_back(require_bool(std::move(first), name));
    while (current_.kind == op) {
      advance();
      operands.push_back(require_bool(is_or ? parse_logical(TokenKind::And) : parse_not(), name));
    }
    return checked(
        Expression::logical(is_or ? ExpressionKind::Or : ExpressionKind::And, std::move(operands)));
  }

  NOINLINE Node parse_not() {
    if (current_.kind != TokenKind::Not) return parse_predicate();
    const SourceSpan keyword = current_.span;
    NestingGuard guard(*this, keyword);
    advance();
    return bind_prefix(ExpressionKind::Not, keyword, require_bool(parse_not(), "NOT"));
  }

  NOINLINE Node parse_predicate() {
    Node left = parse_additive();
    while (true) {
      if (const std::optional<CompareOp> op = compare_op(current_.kind)) {
        advance();
        left = bind_compare(*op, std::move(left), parse_additive());
      } else if (current_.kind == TokenKind::Is) {
        left = parse_is_null(std::move(left));
      } else {
        return left;
      }
    }
  }

  // After `operand`: IS [NOT] NULL.
  NOINLINE Node parse_is_null(Node operand) {
    advance();
    bool negated = false;
    if (current_.kind == TokenKind::Not) {
      negated = true;
      advance();
    }
    if (current_.kind != TokenKind::Null) {
      fail(current_.span, std::string("syntax error: expected NULL after IS") +
                              (negated ? " NOT" : "") + " but found " + describe(current_));
    }
    const SourceSpan span{operand->span().offset, current_.span.end() - operand->span().offset};
    advance();
    if (!operand->has_type()) operand->set_type(DataType::Bool);
    return checked(Expression::unary(negated ? ExpressionKind::IsNotNull : ExpressionKind::IsNull,
                                     std::move(operand), span));
  }

  static std::optional<CompareOp> compare_op(TokenKind kind) {
    switch (kind) {
      case TokenKind::Equal:
        return CompareOp::Equal;
      case TokenKind::NotEqual:
        return CompareOp::NotEqual;
      case TokenKind::Less:
        return CompareOp::Less;
      case TokenKind::LessEqual:
        return CompareOp::LessEqual;
      case TokenKind::Greater:
        return CompareOp::Greater;
      case TokenKind::GreaterEqual:
        return CompareOp::GreaterEqual;
      default:
        return std::nullopt;
    }
  }

  NOINLINE Node parse_additive() {
    Node left = parse_multiplicative();
    while (current_.kind == TokenKind::Plus || current_.kind == TokenKind::Minus) {
      const ArithmeticOp op =
          current_.kind == TokenKind::Plus ? ArithmeticOp::Add : ArithmeticOp::Subtract;
      advance();
      left = bind_arithmetic(op, std::move(left), parse_multiplicative());
    }
    return left;
  }

  NOINLINE Node parse_multiplicative() {
    Node left = parse_unary();
    while (true) {
      ArithmeticOp op;
      switch (current_.kind) {
        case TokenKind::Star:
          op = ArithmeticOp::Multiply;
          break;
        case TokenKind::Slash:
          op = ArithmeticOp::Divide;
          break;
        case TokenKind::Percent:
          op = ArithmeticOp::Modulo;
          break;
        default:
          return left;
      }
      advance();
      left = bind_arithmetic(op, std::move(left), parse_unary());
    }
  }

  NOINLINE Node parse_unary() {
    if (current_.kind != TokenKind::Minus) return parse_primary();
    const SourceSpan minus = current_.span;
    NestingGuard guard(*this, minus);
    advance();
    // A minus directly before a number is part of the literal.
    if (current_.kind == TokenKind::Integer || current_.kind == TokenKind::Float) {
      return parse_atom(minus);
    }
    return bind_prefix(ExpressionKind::Negate, minus, parse_unary());
  }

  NOINLINE Node parse_primary() {
    if (current_.kind != TokenKind::LeftParen) return parse_atom(std::nullopt);
    const SourceSpan open = current_.span;
    NestingGuard guard(*this, open);
    advance();
    Node inner = parse_or();
    if (current_.kind != TokenKind::RightParen) fail_unclosed(open);
    inner->set_span(SourceSpan{open.offset, current_.span.end() - open.offset});
    advance();
    return inner;
  }

  [[noreturn]] NOINLINE void fail_unclosed(SourceSpan open) const {
    fail(current_.span, "syntax error: expected ')' to close the '(' at position " +
                            std::to_string(character_position(text_, open.offset)) + " but found " +
                            describe(current_));
  }

  // A literal or column name; with `minus`, a number preceded by that minus.
  NOINLINE Node parse_atom(std::optional<SourceSpan> minus) {
    const SourceSpan span = current_.span;
    Node atom;
    switch (current_.kind) {
      case TokenKind::Integer:
      case TokenKind::Float:
        atom = minus ? number_literal(true, SourceSpan{minus->offset, span.end() - minus->offset})
                     : number_literal(false, span);
        break;
      case TokenKind::String:
        atom = Expression::literal(std::move(current_.value), DataType::String, source_, span);
        break;
      case TokenKind::True:
      case TokenKind::False:
        atom = Expression::literal(current_.kind == TokenKind::True, DataType::Bool, source_, span);
        break;
      case TokenKind::Null:
        atom = Expression::literal(std::monostate{}, std::nullopt, source_, span);
        break;
      case TokenKind::Identifier:
      case TokenKind::QuotedIdentifier:
        atom = resolve_column(current_.value, span);
        break;
      default:
        fail(span,
             "syntax error: expected a column, literal or '(' but found " + describe(current_));
    }
    advance();
    return atom;
  }

  // NOT or unary minus (`kind`) written at `keyword`, applied to `operand`.
  NOINLINE Node bind_prefix(ExpressionKind kind, SourceSpan keyword, Node operand) const {
    const SourceSpan span{keyword.offset, operand->span().end() - keyword.offset};
    if (kind == ExpressionKind::Negate) {
      if (!operand->has_type()) {  // -NULL is an untyped NULL
        operand->set_span(span);
        return operand;
      }
      if (!is_numeric(operand->type())) {
        fail(span, "type mismatch: cannot negate " + type_name(*operand) + " in '" +
                       std::string(text_.substr(span.offset, span.length)) + "'");
      }
    }
    return checked(Expression::unary(kind, std::move(operand), span));
  }

  // The current token is a number; `span` covers it and any leading minus.
  Node number_literal(bool negative, SourceSpan span) {
    const std::string_view digits = text_.substr(current_.span.offset, current_.span.length);
    const char* first = digits.data();
    const char* last = digits.data() + digits.size();
    if (current_.kind == TokenKind::Float) {
      double value = 0;
      const auto [end, error] = std::from_chars(first, last, value);
      if (error != std::errc() || end != last) {
        fail(span, "float literal '" + std::string(digits) + "' is out of range");
      }
      return Expression::literal(negative ? -value : value, DataType::Float64, source_, span);
    }
    uint64_t magnitude = 0;
    const auto [end, error] = std::from_chars(first, last, magnitude);
    const uint64_t limit = uint64_t{std::numeric_limits<int64_t>::max()} + (negative ? 1 : 0);
    if (error != std::errc() || end != last || magnitude > limit) {
      fail(span, "integer literal '" + std::string(text_.substr(span.offset, span.length)) +
                     "' does not fit in int64");
    }
    // Negating in uint64 is well defined; the cast back is exact for -2^63.
    const auto value = static_cast<int64_t>(negative ? uint64_t{0} - magnitude : magnitude);
    return Expression::literal(value, DataType::Int64, source_, span);
  }

  Node resolve_column(const std::string& name, SourceSpan span) {
    const std::optional<size_t> index = schema_.find(name);
    if (!index) {
      std::string available;
      for (const Field& field : schema_.fields()) {
        available += available.empty() ? " (available columns: " : ", ";
        available += field.name;
      }
      available += available.empty() ? " (the schema has no columns)" : ")";
      fail(span, "unknown column '" + name + "'", available);
    }
    return Expression::column_ref(*index, name, schema_.field(*index).type, source_, span);
  }

  // ---- Binding -----------------------------------------------------------

  Node checked(Node node) const {
    if (node->depth() > kMaxExpressionDepth) fail_too_deep(node->span());
    return node;
  }

  NOINLINE Node require_bool(Node node, const char* op) const {
    if (!node->has_type()) node->set_type(DataType::Bool);
    if (node->type() != DataType::Bool) {
      fail(node->span(), std::string("type mismatch: ") + op + " needs boolean operands, but '" +
                             std::string(node->text()) + "' has type " + type_name(*node));
    }
    return node;
  }

  // Int64 becomes Float64: literals are converted, anything else gets a Cast.
  Node promote_to_float(Node node) const {
    if (node->type() != DataType::Int64) return node;
    if (node->kind() == ExpressionKind::Literal) {
      if (node->is_null_literal()) {
        node->set_type(DataType::Float64);
        return node;
      }
      const auto value = static_cast<double>(std::get<int64_t>(node->literal_value()));
      return Expression::literal(value, DataType::Float64, source_, node->span());
    }
    const SourceSpan span = node->span();
    return checked(Expression::unary(ExpressionKind::Cast, std::move(node), span));
  }

  // A string literal compared with a timestamp becomes a timestamp literal.
  Node string_literal_to_timestamp(Node node) const {
    if (node->is_null_literal()) {
      node->set_type(DataType::Timestamp);
      return node;
    }
    const std::string& text = std::get<std::string>(node->literal_value());
    const std::optional<int64_t> millis = parse_timestamp(text);
    if (!millis) fail(node->span(), "cannot parse '" + text + "' as a timestamp");
    return Expression::literal(*millis, DataType::Timestamp, source_, node->span());
  }

  [[noreturn]] void fail_mismatch(const std::string& what, const Node& left,
                                  const Node& right) const {
    const SourceSpan span{left->span().offset, right->span().end() - left->span().offset};
    fail(span, "type mismatch: cannot " + what + " in '" +
                   std::string(text_.substr(span.offset, span.length)) + "'");
  }

  NOINLINE Node bind_compare(CompareOp op, Node left, Node right) const {
    if (!left->has_type() && !right->has_type()) {
      left->set_type(DataType::Bool);
      right->set_type(DataType::Bool);
    } else if (!left->has_type()) {
      left->set_type(right->type());
    } else if (!right->has_type()) {
      right->set_type(left->type());
    }
    const DataType lt = left->type();
    const DataType rt = right->type();
    auto is_string_literal = [](const Node& node) {
      return node->kind() == ExpressionKind::Literal && node->type() == DataType::String;
    };
    if (lt == rt || (is_int64_backed(lt) && is_int64_backed(rt))) {
      // Same type, or timestamp vs int64 epoch milliseconds.
    } else if (is_numeric(lt) && is_numeric(rt)) {
      left = promote_to_float(std::move(left));
      right = promote_to_float(std::move(right));
    } else if (lt == DataType::Timestamp && is_string_literal(right)) {
      right = string_literal_to_timestamp(std::move(right));
    } else if (rt == DataType::Timestamp && is_string_literal(left)) {
      left = string_literal_to_timestamp(std::move(left));
    } else {
      fail_mismatch("compare " + type_name(*left) + " with " + type_name(*right), left, right);
    }
    return checked(Expression::compare(op, std::move(left), std::move(right)));
  }

  // The type an untyped NULL takes next to `other` in `op`.
  static DataType null_partner_type(ArithmeticOp op, DataType other, bool null_on_left) {
    if (other != DataType::Timestamp) return other;
    if (op == ArithmeticOp::Subtract && null_on_left) return DataType::Timestamp;
    return DataType::Int64;  // milliseconds added to or subtracted from a timestamp
  }

  NOINLINE Node bind_arithmetic(ArithmeticOp op, Node left, Node right) const {
    if (!left->has_type() && !right->has_type()) {  // NULL op NULL is an (untyped) NULL
      const SourceSpan span{left->span().offset, right->span().end() - left->span().offset};
      std::optional<DataType> type;
      if (op == ArithmeticOp::Divide) type = DataType::Float64;
      return Expression::literal(std::monostate{}, type, source_, span);
    }
    if (!left->has_type()) left->set_type(null_partner_type(op, right->type(), true));
    if (!right->has_type()) right->set_type(null_partner_type(op, left->type(), false));
    const DataType lt = left->type();
    const DataType rt = right->type();
    DataType result;
    if (is_numeric(lt) && is_numeric(rt)) {
      if (op == ArithmeticOp::Divide || lt == DataType::Float64 || rt == DataType::Float64) {
        left = promote_to_float(std::move(left));
        right = promote_to_float(std::move(right));
        result = DataType::Float64;
      } else {
        result = DataType::Int64;
      }
    } else if (op == ArithmeticOp::Add && ((lt == DataType::Timestamp && rt == DataType::Int64) ||
                                           (lt == DataType::Int64 && rt == DataType::Timestamp))) {
      result = DataType::Timestamp;
    } else if (op == ArithmeticOp::Subtract && lt == DataType::Timestamp && is_int64_backed(rt)) {
      result = rt == DataType::Int64 ? DataType::Timestamp : DataType::Int64;
    } else {
      fail_mismatch("apply '" + std::string(arithmetic_op_symbol(op)) + "' to " + type_name(*left) +
                        " and " + type_name(*right),
                    left, right);
    }
    return checked(Expression::arithmetic(op, result, std::move(left), std::move(right)));
  }

  std::shared_ptr<const std::string> source_;
  std::string_view text_;
  const Schema& schema_;
  ExpressionLexer lexer_;
  Token current_;
  size_t nesting_ = 0;
};

#undef NOINLINE

}  // namespace

std::unique_ptr<Expression> parse_expression(std::string_view text, const Schema& schema) {
  return Parser(text, schema).parse_filter();
}

std::unique_ptr<Expression> parse_value_expression(std::string_view text, const Schema& schema) {
  return Parser(text, schema).parse_value();
}

}  // namespace weir
