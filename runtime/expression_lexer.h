#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "runtime/expression.h"

namespace weir {

// The tokenizer of the filter expression language (the grammar is in
// runtime/expression_parser.h). It produces one token per next() call, so the
// parser reports the first error in reading order, lexical or syntactic.
//
// Tokens:
//   Keywords (case-insensitive): AND OR NOT IS NULL TRUE FALSE.
//   Identifier        [A-Za-z_][A-Za-z0-9_]* that is not a keyword; value is
//                     the name as written.
//   QuotedIdentifier  "any name" ("" inside is one quote); value is the name.
//   String            'text' ('' inside is one quote); value is the text.
//   Integer           digits.
//   Float             digits with a '.' and/or an exponent: 1.5 1. .5 1e3
//                     2.5E-3. A leading minus is a separate token, and the
//                     value is left empty: the parser converts the span's
//                     text, so range errors can cover that minus.
//   Operators         ( ) = <> != < <= > >= + - * / %
//   End               after the last token; its span is empty and sits at
//                     the end of the text.
// Spaces, tabs, newlines, \r, \f and \v between tokens are skipped.
//
// Errors: next() throws ConfigError, formatted by throw_expression_error()
// below (so the message carries the 1-based character position), for
//   syntax error: unexpected character 'c'    (non-printable shown as \xNN;
//                                              also a '!' not followed by '=')
//   syntax error: malformed number 'text'     (a number running into letters,
//                                              digits or '.', e.g. 1.2.3, 12ab)
//   syntax error: unterminated string literal
//   syntax error: unterminated quoted column name
//
// Contract: pure (the tokens and errors depend only on the text) and
// thread-safe (no shared state: one lexer per parse; separate lexers may run
// concurrently).
enum class ExpressionTokenKind {
  End,
  Identifier,        // plain name
  QuotedIdentifier,  // "any name"
  Integer,
  Float,
  String,
  And,
  Or,
  Not,
  Is,
  Null,
  True,
  False,
  LeftParen,
  RightParen,
  Equal,
  NotEqual,
  Less,
  LessEqual,
  Greater,
  GreaterEqual,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
};

struct ExpressionToken {
  ExpressionTokenKind kind = ExpressionTokenKind::End;
  SourceSpan span;    // the token's bytes in the text, quotes included
  std::string value;  // identifiers: the name; strings: the decoded contents; else empty
};

class ExpressionLexer {
 public:
  // `text` is viewed, not copied: it must outlive the lexer.
  explicit ExpressionLexer(std::string_view text) : text_(text) {}

  // Overwrites `token` with the next token (reusing its string's storage).
  // Once the text is used up, every call yields End. Throws ConfigError as
  // described above.
  void next(ExpressionToken& token);

 private:
  size_t lex_number(size_t start, ExpressionTokenKind& kind) const;
  size_t lex_quoted(size_t start, char quote, std::string& value) const;

  std::string_view text_;
  size_t cursor_ = 0;
};

// Throws ConfigError("<problem> at position <N> in \"<text>\"<suffix>"), where
// N is the 1-based character (UTF-8 code point) position of span.offset in
// `text`. Every lexer and parser error of an expression is built here.
[[noreturn]] void throw_expression_error(std::string_view text, SourceSpan span,
                                         const std::string& problem, std::string_view suffix = {});

}  // namespace weir
