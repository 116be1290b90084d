#include "runtime/aggregate_function.h"

#include <cctype>
#include <string>

#include "runtime/errors.h"

namespace weir {

std::string_view aggregate_kind_name(AggregateKind kind) {
  switch (kind) {
    case AggregateKind::CountStar:
    case AggregateKind::Count:
      return "count";
    case AggregateKind::Sum:
      return "sum";
    case AggregateKind::Min:
      return "min";
    case AggregateKind::Max:
      return "max";
    case AggregateKind::Avg:
      return "avg";
  }
  return "unknown";
}

DataType AggregateSpec::output_type() const {
  switch (kind) {
    case AggregateKind::CountStar:
    case AggregateKind::Count:
      return DataType::Int64;
    case AggregateKind::Sum:
    case AggregateKind::Min:
    case AggregateKind::Max:
      return input_type;
    case AggregateKind::Avg:
      return DataType::Float64;
  }
  return DataType::Int64;
}

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::string lowercase(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

bool is_identifier(std::string_view text) {
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text.front()))) return false;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

[[noreturn]] void fail(std::string_view text, const std::string& problem) {
  throw ConfigError("aggregate \"" + std::string(text) + "\": " + problem);
}

}  // namespace

AggregateSpec parse_aggregate(std::string_view text, const Schema& schema) {
  std::string_view rest = trim(text);
  AggregateSpec spec;

  // Split off " AS alias" (case-insensitive), searching after the closing parenthesis.
  const size_t close = rest.rfind(')');
  if (close == std::string_view::npos) fail(text, "expected a call such as sum(price)");
  std::string_view call = trim(rest.substr(0, close + 1));
  std::string_view tail = trim(rest.substr(close + 1));
  if (!tail.empty()) {
    if (tail.size() < 3 || lowercase(tail.substr(0, 2)) != "as" ||
        !std::isspace(static_cast<unsigned char>(tail[2]))) {
      fail(text, "unexpected \"" + std::string(tail) + "\" after the call (expected AS name)");
    }
    std::string_view alias = trim(tail.substr(2));
    if (alias.size() >= 2 && alias.front() == '"' && alias.back() == '"') {
      alias = alias.substr(1, alias.size() - 2);
    } else if (!is_identifier(alias)) {
      fail(text, "\"" + std::string(alias) + "\" is not a valid output name");
    }
    if (alias.empty()) fail(text, "the output name is empty");
    spec.output_name = std::string(alias);
  }

  const size_t open = call.find('(');
  if (open == std::string_view::npos) fail(text, "expected a call such as sum(price)");
  const std::string function = lowercase(trim(call.substr(0, open)));
  const std::string_view argument = trim(call.substr(open + 1, call.size() - open - 2));
  if (spec.output_name.empty()) spec.output_name = std::string(call);

  if (function == "count") {
    spec.kind = argument == "*" ? AggregateKind::CountStar : AggregateKind::Count;
  } else if (function == "sum") {
    spec.kind = AggregateKind::Sum;
  } else if (function == "min") {
    spec.kind = AggregateKind::Min;
  } else if (function == "max") {
    spec.kind = AggregateKind::Max;
  } else if (function == "avg" || function == "mean") {
    spec.kind = AggregateKind::Avg;
  } else {
    fail(text, "unknown function '" + function + "' (known: count, sum, min, max, avg)");
  }
  if (spec.kind == AggregateKind::CountStar) return spec;
  if (argument == "*") fail(text, function + "(*) is not allowed; only count(*) takes *");
  std::string_view column_name = argument;
  if (column_name.size() >= 2 && column_name.front() == '"' && column_name.back() == '"') {
    column_name = column_name.substr(1, column_name.size() - 2);
  }
  const std::optional<size_t> column = schema.find(column_name);
  if (!column) {
    std::string known;
    for (const Field& field : schema.fields()) known += (known.empty() ? "" : ", ") + field.name;
    fail(text, "unknown column '" + std::string(column_name) + "' (columns: " + known + ")");
  }
  spec.input_column = *column;
  spec.input_type = schema.field(*column).type;
  const DataType type = spec.input_type;
  const std::string type_name(data_type_name(type));
  switch (spec.kind) {
    case AggregateKind::Sum:
    case AggregateKind::Avg:
      if (!is_numeric(type)) fail(text, function + " needs an int64 or float64 column, not " + type_name);
      break;
    case AggregateKind::Min:
    case AggregateKind::Max:
      if (type == DataType::Bool) fail(text, function + " is not defined for bool columns");
      break;
    default:
      break;
  }
  return spec;
}

}  // namespace weir
