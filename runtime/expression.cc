#include "runtime/expression.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "runtime/errors.h"
#include "runtime/timestamp.h"

namespace weir {

std::string_view compare_op_symbol(CompareOp op) {
  switch (op) {
    case CompareOp::Equal:
      return "=";
    case CompareOp::NotEqual:
      return "<>";
    case CompareOp::Less:
      return "<";
    case CompareOp::LessEqual:
      return "<=";
    case CompareOp::Greater:
      return ">";
    case CompareOp::GreaterEqual:
      return ">=";
  }
  return "?";
}

std::string_view arithmetic_op_symbol(ArithmeticOp op) {
  switch (op) {
    case ArithmeticOp::Add:
      return "+";
    case ArithmeticOp::Subtract:
      return "-";
    case ArithmeticOp::Multiply:
      return "*";
    case ArithmeticOp::Divide:
      return "/";
    case ArithmeticOp::Modulo:
      return "%";
  }
  return "?";
}

size_t character_position(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t characters = 0;
  for (size_t i = 0; i < offset; ++i) {
    // Count every byte except UTF-8 continuation bytes (10xxxxxx).
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++characters;
  }
  return characters + 1;
}

Expression::Expression(ExpressionKind kind, std::optional<DataType> type,
                       std::shared_ptr<const std::string> source, SourceSpan span)
    : kind_(kind), type_(type), source_(std::move(source)), span_(span) {
  WEIR_CHECK(source_ != nullptr);
}

void Expression::adopt_children(Children children) {
  WEIR_CHECK(!children.empty());
  size_t deepest = 0;
  for (const auto& child : children) {
    WEIR_CHECK(child != nullptr);
    deepest = std::max(deepest, child->depth_);
  }
  depth_ = deepest + 1;
  children_ = std::move(children);
}

std::unique_ptr<Expression> Expression::column_ref(size_t column_index, std::string column_name,
                                                   DataType type,
                                                   std::shared_ptr<const std::string> source,
                                                   SourceSpan span) {
  std::unique_ptr<Expression> node(
      new Expression(ExpressionKind::ColumnRef, type, std::move(source), span));
  node->column_index_ = column_index;
  node->column_name_ = std::move(column_name);
  return node;
}

std::unique_ptr<Expression> Expression::literal(LiteralValue value, std::optional<DataType> type,
                                                std::shared_ptr<const std::string> source,
                                                SourceSpan span) {
  std::unique_ptr<Expression> node(
      new Expression(ExpressionKind::Literal, type, std::move(source), span));
  node->literal_ = std::move(value);
  return node;
}

std::unique_ptr<Expression> Expression::compare(CompareOp op, std::unique_ptr<Expression> left,
                                                std::unique_ptr<Expression> right) {
  const SourceSpan span{left->span_.offset, right->span_.end() - left->span_.offset};
  std::unique_ptr<Expression> node(
      new Expression(ExpressionKind::Compare, DataType::Bool, left->source_, span));
  node->compare_op_ = op;
  Children children;
  children.push_back(std::move(left));
  children.push_back(std::move(right));
  node->adopt_children(std::move(children));
  return node;
}

std::unique_ptr<Expression> Expression::arithmetic(ArithmeticOp op, DataType result_type,
                                                   std::unique_ptr<Expression> left,
                                                   std::unique_ptr<Expression> right) {
  const SourceSpan span{left->span_.offset, right->span_.end() - left->span_.offset};
  std::unique_ptr<Expression> node(
      new Expression(ExpressionKind::Arithmetic, result_type, left->source_, span));
  node->arithmetic_op_ = op;
  Children children;
  children.push_back(std::move(left));
  children.push_back(std::move(right));
  node->adopt_children(std::move(children));
  return node;
}

std::unique_ptr<Expression> Expression::unary(ExpressionKind kind,
                                              std::unique_ptr<Expression> operand,
                                              SourceSpan span) {
  std::optional<DataType> type;
  switch (kind) {
    case ExpressionKind::Negate:
      type = operand->type_;
      break;
    case ExpressionKind::Cast:
      type = DataType::Float64;
      break;
    case ExpressionKind::Not:
    case ExpressionKind::IsNull:
    case ExpressionKind::IsNotNull:
      type = DataType::Bool;
      break;
    default:
      WEIR_CHECK(false && "not a unary expression kind");
  }
  std::unique_ptr<Expression> node(new Expression(kind, type, operand->source_, span));
  Children children;
  children.push_back(std::move(operand));
  node->adopt_children(std::move(children));
  return node;
}

std::unique_ptr<Expression> Expression::logical(ExpressionKind kind, Children operands) {
  WEIR_CHECK(kind == ExpressionKind::And || kind == ExpressionKind::Or);
  WEIR_CHECK(operands.size() >= 2);
  const SourceSpan span{operands.front()->span_.offset,
                        operands.back()->span_.end() - operands.front()->span_.offset};
  std::unique_ptr<Expression> node(
      new Expression(kind, DataType::Bool, operands.front()->source_, span));
  node->adopt_children(std::move(operands));
  return node;
}

DataType Expression::type() const {
  WEIR_CHECK(type_.has_value());
  return *type_;
}

std::string_view Expression::text() const {
  const std::string_view whole = *source_;
  const size_t offset = std::min(span_.offset, whole.size());
  return whole.substr(offset, span_.length);
}

size_t Expression::position() const { return character_position(*source_, span_.offset); }

std::string Expression::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

namespace {

bool is_plain_identifier(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

void append_quoted(std::string_view text, char quote, std::string& out) {
  out += quote;
  for (char c : text) {
    if (c == quote) out += quote;
    out += c;
  }
  out += quote;
}

void append_double(double value, std::string& out) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  const std::string_view digits(buffer, static_cast<size_t>(result.ptr - buffer));
  out += digits;
  if (digits.find_first_of(".eEn") == std::string_view::npos) out += ".0";  // n: inf, nan
}

}  // namespace

void Expression::append_to(std::string& out) const {
  switch (kind_) {
    case ExpressionKind::ColumnRef:
      if (is_plain_identifier(column_name_)) {
        out += column_name_;
      } else {
        append_quoted(column_name_, '"', out);
      }
      return;
    case ExpressionKind::Literal:
      if (std::holds_alternative<std::monostate>(literal_)) {
        out += "NULL";
      } else if (const auto* integer = std::get_if<int64_t>(&literal_)) {
        if (type_ == DataType::Timestamp) {
          append_quoted(format_timestamp(*integer), '\'', out);
        } else {
          out += std::to_string(*integer);
        }
      } else if (const auto* real = std::get_if<double>(&literal_)) {
        append_double(*real, out);
      } else if (const auto* boolean = std::get_if<bool>(&literal_)) {
        out += *boolean ? "TRUE" : "FALSE";
      } else {
        append_quoted(std::get<std::string>(literal_), '\'', out);
      }
      return;
    case ExpressionKind::Compare:
    case ExpressionKind::Arithmetic:
      out += '(';
      children_[0]->append_to(out);
      out += ' ';
      out += kind_ == ExpressionKind::Compare ? compare_op_symbol(compare_op_)
                                              : arithmetic_op_symbol(arithmetic_op_);
      out += ' ';
      children_[1]->append_to(out);
      out += ')';
      return;
    case ExpressionKind::Negate:
    case ExpressionKind::Not:
      out += kind_ == ExpressionKind::Negate ? "(-" : "(NOT ";
      children_[0]->append_to(out);
      out += ')';
      return;
    case ExpressionKind::And:
    case ExpressionKind::Or:
      out += '(';
      for (size_t i = 0; i < children_.size(); ++i) {
        if (i > 0) out += kind_ == ExpressionKind::And ? " AND " : " OR ";
        children_[i]->append_to(out);
      }
      out += ')';
      return;
    case ExpressionKind::IsNull:
    case ExpressionKind::IsNotNull:
      out += '(';
      children_[0]->append_to(out);
      out += kind_ == ExpressionKind::IsNull ? " IS NULL)" : " IS NOT NULL)";
      return;
    case ExpressionKind::Cast:
      out += "float64(";
      children_[0]->append_to(out);
      out += ')';
      return;
  }
}

}  // namespace weir
