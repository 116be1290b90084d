#include "runtime/expression_lexer.h"

#include <string>
#include <utility>

#include "runtime/errors.h"

namespace weir {
namespace {

using TokenKind = ExpressionTokenKind;

bool is_identifier_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_identifier_char(char c) { return is_identifier_start(c) || is_digit(c); }
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool equals_ignoring_case(std::string_view text, std::string_view lowercase_keyword) {
  if (text.size() != lowercase_keyword.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lowercase_keyword[i]) return false;
  }
  return true;
}

TokenKind keyword_or_identifier(std::string_view word) {
  static constexpr std::pair<std::string_view, TokenKind> kKeywords[] = {
      {"and", TokenKind::And},    {"or", TokenKind::Or},     {"not", TokenKind::Not},
      {"is", TokenKind::Is},      {"null", TokenKind::Null}, {"true", TokenKind::True},
      {"false", TokenKind::False}};
  for (const auto& [keyword, kind] : kKeywords) {
    if (equals_ignoring_case(word, keyword)) return kind;
  }
  return TokenKind::Identifier;
}

// Shows a character in a message: printable ASCII as is, anything else as \xNN.
std::string printable_character(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7F) return std::string(1, c);
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("\\x") + kHex[byte >> 4] + kHex[byte & 0xF];
}

}  // namespace

void throw_expression_error(std::string_view text, SourceSpan span, const std::string& problem,
                            std::string_view suffix) {
  throw ConfigError(problem + " at position " +
                    std::to_string(character_position(text, span.offset)) + " in \"" +
                    std::string(text) + "\"" + std::string(suffix));
}

void ExpressionLexer::next(ExpressionToken& token) {
  while (cursor_ < text_.size() && is_space(text_[cursor_])) ++cursor_;
  const size_t start = cursor_;
  token.value.clear();
  if (start == text_.size()) {
    token = ExpressionToken{TokenKind::End, SourceSpan{start, 0}, {}};
    return;
  }
  const char c = text_[start];
  const char next = start + 1 < text_.size() ? text_[start + 1] : '\0';
  TokenKind kind;
  size_t length = 1;
  if (is_identifier_start(c)) {
    while (start + length < text_.size() && is_identifier_char(text_[start + length])) ++length;
    kind = keyword_or_identifier(text_.substr(start, length));
    if (kind == TokenKind::Identifier) token.value = text_.substr(start, length);
  } else if (is_digit(c) || (c == '.' && is_digit(next))) {
    length = lex_number(start, kind);
  } else if (c == '\'' || c == '"') {
    length = lex_quoted(start, c, token.value);
    kind = c == '\'' ? TokenKind::String : TokenKind::QuotedIdentifier;
  } else {
    switch (c) {
      case '(':
        kind = TokenKind::LeftParen;
        break;
      case ')':
        kind = TokenKind::RightParen;
        break;
      case '=':
        kind = TokenKind::Equal;
        break;
      case '+':
        kind = TokenKind::Plus;
        break;
      case '-':
        kind = TokenKind::Minus;
        break;
      case '*':
        kind = TokenKind::Star;
        break;
      case '/':
        kind = TokenKind::Slash;
        break;
      case '%':
        kind = TokenKind::Percent;
        break;
      case '<':
        kind = next == '='   ? TokenKind::LessEqual
               : next == '>' ? TokenKind::NotEqual
                             : TokenKind::Less;
        length = kind == TokenKind::Less ? 1 : 2;
        break;
      case '>':
        kind = next == '=' ? TokenKind::GreaterEqual : TokenKind::Greater;
        length = kind == TokenKind::Greater ? 1 : 2;
        break;
      case '!':
        if (next != '=') {
          throw_expression_error(text_, SourceSpan{start, 1},
                                 "syntax error: unexpected character '!'");
        }
        kind = TokenKind::NotEqual;
        length = 2;
        break;
      default:
        throw_expression_error(
            text_, SourceSpan{start, 1},
            "syntax error: unexpected character '" + printable_character(c) + "'");
    }
  }
  token.kind = kind;
  token.span = SourceSpan{start, length};
  cursor_ = start + length;
}

// Digits [. digits] [e [+-] digits], or . digits [...]. Returns the length.
size_t ExpressionLexer::lex_number(size_t start, TokenKind& kind) const {
  size_t end = start;
  auto skip_digits = [&] {
    while (end < text_.size() && is_digit(text_[end])) ++end;
  };
  kind = TokenKind::Integer;
  skip_digits();
  if (end < text_.size() && text_[end] == '.') {
    kind = TokenKind::Float;
    ++end;
    skip_digits();
  }
  if (end < text_.size() && (text_[end] == 'e' || text_[end] == 'E')) {
    size_t digits = end + 1;
    if (digits < text_.size() && (text_[digits] == '+' || text_[digits] == '-')) ++digits;
    if (digits < text_.size() && is_digit(text_[digits])) {
      kind = TokenKind::Float;
      end = digits;
      skip_digits();
    }
  }
  if (end < text_.size() && (is_identifier_char(text_[end]) || text_[end] == '.')) {
    size_t bad_end = end;
    while (bad_end < text_.size() &&
           (is_identifier_char(text_[bad_end]) || text_[bad_end] == '.')) {
      ++bad_end;
    }
    throw_expression_error(text_, SourceSpan{start, bad_end - start},
                           "syntax error: malformed number '" +
                               std::string(text_.substr(start, bad_end - start)) + "'");
  }
  return end - start;
}

// A '...' string or "..." name; a doubled quote stands for one. Appends the
// decoded contents to `value` and returns the length including the quotes.
size_t ExpressionLexer::lex_quoted(size_t start, char quote, std::string& value) const {
  size_t i = start + 1;
  while (true) {
    if (i >= text_.size()) {
      throw_expression_error(text_, SourceSpan{start, 1},
                             quote == '\'' ? "syntax error: unterminated string literal"
                                           : "syntax error: unterminated quoted column name");
    }
    if (text_[i] == quote) {
      if (i + 1 < text_.size() && text_[i + 1] == quote) {
        value += quote;
        i += 2;
        continue;
      }
      return i + 1 - start;
    }
    value += text_[i++];
  }
}

}  // namespace weir
