#include "runtime/projection.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

#include "runtime/errors.h"
#include "runtime/expression_parser.h"

namespace weir {
namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool is_identifier(std::string_view text) {
  if (text.empty() || !(std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_')) return false;
  for (char c : text) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

// The offset of the last " AS " keyword outside quotes (preceded by a space
// or ')' and followed by a space), if any.
std::optional<size_t> last_as_keyword(std::string_view text) {
  std::optional<size_t> found;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == quote) quote = 0;  // a doubled quote re-opens at the next character
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      continue;
    }
    if (i > 0 && i + 2 < text.size() && (c == 'a' || c == 'A') && (text[i + 1] == 's' || text[i + 1] == 'S') &&
        (is_space(text[i - 1]) || text[i - 1] == ')') && is_space(text[i + 2])) {
      found = i;
    }
  }
  return found;
}

}  // namespace

SelectItem parse_select_item(std::string_view text, const Schema& schema) {
  std::string_view expression_text = trim(text);
  std::string name;
  if (const auto as = last_as_keyword(expression_text)) {
    std::string_view alias = trim(expression_text.substr(*as + 2));
    expression_text = trim(expression_text.substr(0, *as));
    if (alias.size() >= 2 && alias.front() == '"' && alias.back() == '"') {
      alias = alias.substr(1, alias.size() - 2);
    } else if (!is_identifier(alias)) {
      throw ConfigError("\"" + std::string(alias) + "\" is not a valid output name in \"" + std::string(text) +
                        "\"");
    }
    if (alias.empty()) throw ConfigError("the output name is empty in \"" + std::string(text) + "\"");
    name = std::string(alias);
  }
  SelectItem item;
  item.expression = parse_value_expression(expression_text, schema);
  if (name.empty()) {
    name = item.expression->kind() == ExpressionKind::ColumnRef ? item.expression->column_name()
                                                                : std::string(expression_text);
  }
  item.output_name = std::move(name);
  return item;
}

Projection::Projection(std::vector<SelectItem> items) : items_(std::move(items)) {
  std::vector<Field> fields;
  for (const SelectItem& item : items_) fields.push_back({item.output_name, item.expression->type()});
  output_schema_ = std::make_shared<const Schema>(std::move(fields));
  std::vector<size_t> moved;
  for (const SelectItem& item : items_) {
    const Expression& expression = *item.expression;
    const bool first = expression.kind() == ExpressionKind::ColumnRef &&
                       std::find(moved.begin(), moved.end(), expression.column_index()) == moved.end();
    moves_from_.push_back(first ? static_cast<std::ptrdiff_t>(expression.column_index()) : -1);
    if (first) moved.push_back(expression.column_index());
  }
}

std::unique_ptr<Projection::LocalState> Projection::make_local_state(MemoryTracker* tracker) const {
  auto local = std::make_unique<LocalState>();
  for (const SelectItem& item : items_) local->evaluators.emplace_back(*item.expression, tracker);
  return local;
}

void Projection::project(const Batch& batch, const SelectionVector& selection, LocalState& local,
                         Batch& out) const {
  for (size_t i = 0; i < items_.size(); ++i) local.evaluators[i].evaluate_into(batch, selection, out.column(i));
  out.set_num_rows(selection.size());
}

void Projection::project_consuming(Batch& batch, const SelectionVector& selection, LocalState& local,
                                   Batch& out) const {
  // Ascending distinct row indices: as many as the rows means every row.
  if (selection.size() != batch.num_rows()) {
    project(batch, selection, local, out);
    return;
  }
  // Copies first: an expression may read a column that a later step moves.
  for (size_t i = 0; i < items_.size(); ++i) {
    if (moves_from_[i] < 0) local.evaluators[i].evaluate_into(batch, selection, out.column(i));
  }
  for (size_t i = 0; i < items_.size(); ++i) {
    if (moves_from_[i] >= 0) std::swap(out.column(i), batch.column(static_cast<size_t>(moves_from_[i])));
  }
  out.set_num_rows(selection.size());
}

}  // namespace weir
