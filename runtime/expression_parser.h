#pragma once

#include <memory>
#include <string_view>

#include "runtime/expression.h"
#include "runtime/schema.h"

namespace weir {

// Parses and binds a filter predicate (the text of a WHERE clause) against
// `schema`. Returns a bound tree whose root has type Bool.
//
// Grammar, loosest binding first:
//   OR  <  AND  <  NOT  <  comparison (= <> != < <= > >=) and IS [NOT] NULL
//   <  + -  <  * / %  <  unary minus  <  primary
// Binary operators are left-associative; comparisons and IS [NOT] NULL share
// a level, so `a = b IS NULL` is `(a = b) IS NULL`. Primaries are
// parenthesized expressions, literals and column names.
//   Keywords (case-insensitive): AND OR NOT IS NULL TRUE FALSE.
//   Column names: [A-Za-z_][A-Za-z0-9_]* matched exactly (case-sensitive), or
//     "any name" in double quotes ("" inside is one quote).
//   String literals: 'text' ('' inside is one quote).
//   Integer literals: int64 (a literal out of range is an error; a leading
//     minus is part of the literal, so -9223372036854775808 is accepted).
//   Float literals: 1.5, 1., .5, 1e3, 2.5E-3.
//
// Typing rules (violations are errors):
//   * Int64 and Float64 mix in comparisons and arithmetic by promoting the
//     Int64 side to Float64. `/` always yields Float64. `%` on Int64 is the
//     C remainder (sign of the dividend); on Float64 it is fmod. Division or
//     modulo by zero yields NULL. Int64 + - * and unary minus throw
//     InputError("integer overflow in expression ...") at evaluation.
//   * Timestamp compares with Timestamp, with Int64 (epoch milliseconds) and
//     with a string literal, which is parsed with parse_timestamp() here.
//     Timestamp +/- Int64 (milliseconds) and Int64 + Timestamp yield
//     Timestamp; Timestamp - Timestamp yields Int64 (milliseconds).
//   * Strings support = <> < <= > >= only (byte-wise, unsigned) with strings.
//   * Bool compares with Bool (FALSE < TRUE); AND, OR and NOT take Bool.
//   * IS [NOT] NULL takes any type.
//   * A NULL literal takes the type its context needs (the other operand's,
//     Int64 next to a Timestamp in + or -, Bool where a predicate is needed).
//   * The whole expression must be Bool (or a NULL literal: no row passes).
//
// Every error is a ConfigError whose message names the problem, quotes the
// offending part, and ends with the 1-based character position and the full
// text, e.g.
//   unknown column 'pricee' at position 1 in "pricee >= 1000" (available
//   columns: price, channel)
// Nesting deeper than kMaxExpressionDepth is an error, so any input — however
// malformed or deep — yields a tree or a ConfigError, never a crash.
//
// Thread-safe (pure function of its arguments).
std::unique_ptr<Expression> parse_expression(std::string_view text, const Schema& schema);

// Parses and binds a value expression (an item of a SELECT list) with the
// same grammar and typing rules, except that the result may have any type
// (a bare NULL, whose type is unknown, is an error).
std::unique_ptr<Expression> parse_value_expression(std::string_view text, const Schema& schema);

}  // namespace weir
