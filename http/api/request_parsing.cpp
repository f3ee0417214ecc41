#include "http/api/request_parsing.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace onevalue {

namespace {

/// Quotes client text in an error message, shortened so errors stay small.
std::string quoted(std::string_view text) {
  constexpr std::size_t max_shown = 40;
  std::string out{"'"};
  out.append(text.substr(0, max_shown));
  if (text.size() > max_shown)
    out += "...";
  out += "'";
  return out;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

bool mentions_json(std::string_view content_type) {
  std::string lower{content_type};
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("json") != std::string::npos;
}

const char* json_type_name(const nlohmann::json& j) {
  if (j.is_string())
    return "a string";
  if (j.is_boolean())
    return "a boolean";
  if (j.is_null())
    return "null";
  if (j.is_array())
    return "an array";
  if (j.is_object())
    return "an object";
  return "a number";
}

/// The integer in a JSON number `v` (the body itself or its "value" field, named
/// `what` in errors): fails on fractions, exponents and numbers outside int64.
parse_result json_integer(const nlohmann::json& v, const std::string& what) {
  if (v.is_number_unsigned()) {
    auto u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return parse_result::failure(what + " " + std::to_string(u)
                                   + " is out of int64 range");
    return parse_result::success(static_cast<int64_t>(u));
  }
  if (v.is_number_integer())
    return parse_result::success(v.get<int64_t>());
  if (v.is_number_float()) {
    // nlohmann turns integers beyond (u)int64 into doubles; report those as range
    // errors and everything else (1.5, 2e3, 5.0) as not an integer.
    auto d = v.get<double>();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) >= 9.2e18)
      return parse_result::failure(what + " is out of int64 range");
    return parse_result::failure(what
                                 + " must be an integer, got a fractional or "
                                   "exponent number");
  }
  return parse_result::failure(what + " must be an integer, got " + json_type_name(v));
}

/// Names the fields of `doc` other than "value", quoted and comma-separated (at most
/// a few, so the error stays small); "" if there are none.
std::string unknown_fields(const nlohmann::json& doc) {
  constexpr std::size_t max_named = 5;
  std::string names;
  std::size_t count = 0;
  for (const auto& item : doc.items()) {
    if (item.key() == "value")
      continue;
    if (++count <= max_named)
      // Qualified: unqualified, argument-dependent lookup would find std::quoted.
      names += (names.empty() ? "" : ", ") + onevalue::quoted(item.key());
  }
  if (count > max_named)
    names += " and " + std::to_string(count - max_named) + " more";
  return names;
}

parse_result parse_json_body(std::string_view body) {
  auto doc = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded())
    return parse_result::failure("malformed JSON body; expected {\"value\": <integer>} "
                                 "or a bare integer");
  // A bare JSON number (`-d 13` with a JSON content type) is the value itself.
  if (doc.is_number())
    return json_integer(doc, "the JSON body");
  if (!doc.is_object())
    return parse_result::failure(std::string{"JSON body must be an object like "
                                             "{\"value\": <integer>} or a bare integer, "
                                             "got "}
                                 + json_type_name(doc));
  if (auto extra = unknown_fields(doc); !extra.empty())
    return parse_result::failure("unknown field(s) in JSON body: " + extra
                                 + "; expected only {\"value\": <integer>}");
  auto it = doc.find("value");
  if (it == doc.end())
    return parse_result::failure("JSON body has no \"value\" field");
  return json_integer(*it, "\"value\"");
}

} // namespace

parse_result parse_int64_strict(std::string_view text) {
  if (text.empty())
    return parse_result::failure("empty value; expected a decimal integer");
  std::string_view digits = text[0] == '-' ? text.substr(1) : text;
  if (digits.empty())
    return parse_result::failure("not an integer: " + quoted(text) + " (no digits)");
  for (char c : digits)
    if (!is_digit(c))
      return parse_result::failure("not an integer: " + quoted(text)
                                   + " (only an optional '-' and decimal digits "
                                     "are allowed)");
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range)
    return parse_result::failure("out of int64 range: " + quoted(text));
  if (ec != std::errc{} || end != text.data() + text.size())
    return parse_result::failure("not an integer: " + quoted(text));
  return parse_result::success(value);
}

parse_result parse_value_body(std::string_view body, std::string_view content_type) {
  auto trimmed = trim(body);
  if (trimmed.empty())
    return parse_result::failure("empty body; expected {\"value\": <integer>} or a "
                                 "plain integer");
  char first = trimmed.front();
  if (mentions_json(content_type) || first == '{' || first == '[' || first == '"')
    return parse_json_body(body);
  return parse_int64_strict(trimmed);
}

} // namespace onevalue
