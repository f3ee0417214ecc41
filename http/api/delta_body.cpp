#include "http/api/delta_body.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <limits>

namespace onevalue {

namespace {

constexpr const char* expected_shape =
    "expected {\"delta\": <integer>} or a plain integer";

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0)
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0)
    s.remove_suffix(1);
  return s;
}

} // namespace

parse_result parse_delta_body(std::string_view body) {
  auto trimmed = trim(body);
  if (trimmed.empty())
    return parse_result::failure(std::string{"empty body; "} + expected_shape);
  if (trimmed.front() != '{') {
    auto plain = parse_int64_strict(trimmed);
    if (!plain.ok)
      plain.error = "delta: " + plain.error + "; " + expected_shape;
    return plain;
  }
  auto doc = nlohmann::json::parse(trimmed.begin(), trimmed.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return parse_result::failure(std::string{"malformed JSON body; "} + expected_shape);
  if (doc.size() != 1 || !doc.contains("delta"))
    return parse_result::failure(std::string{"the JSON body must hold exactly one field, "
                                             "\"delta\"; "}
                                 + expected_shape);
  const auto& v = doc["delta"];
  if (v.is_number_unsigned()) {
    auto u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return parse_result::failure("\"delta\" is out of int64 range");
    return parse_result::success(static_cast<int64_t>(u));
  }
  if (v.is_number_integer())
    return parse_result::success(v.get<int64_t>());
  return parse_result::failure("\"delta\" must be an integer in int64 range");
}

} // namespace onevalue
