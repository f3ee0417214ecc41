#include "http/api/query_parsing.hpp"

#include "actors/core/duration_text.hpp"
#include "actors/core/integer_text.hpp"

#include "http/server/text_util.hpp"

#include <cstddef>
#include <limits>

namespace onevalue {

std::string format_etag(const version& v) {
  return "\"" + std::to_string(v.counter) + "-" + v.node + "\"";
}

if_match parse_if_match(std::string_view text) {
  if_match out;
  text = trim_blanks(text);
  if (text == "*") {
    out.ok = true;
    return out;
  }
  if (text.substr(0, 2) == "W/") {
    out.error = "If-Match: weak entity tags are not accepted";
    return out;
  }
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') {
    out.error = "If-Match: expected * or one quoted ETag such as \"7-n2\", got "
                + std::string{text};
    return out;
  }
  auto inner = text.substr(1, text.size() - 2);
  auto dash = inner.find('-');
  auto counter = dash == std::string_view::npos
                     ? std::nullopt
                     : parse_integer<uint64_t>(inner.substr(0, dash));
  if (inner.find('"') != std::string_view::npos || !counter) {
    out.error =
        "If-Match: expected one ETag \"<counter>-<node>\", got " + std::string{text};
    return out;
  }
  out.ok = true;
  out.expected = version{*counter, std::string{inner.substr(dash + 1)}};
  return out;
}

std::optional<std::chrono::milliseconds> parse_wait(std::string_view text) {
  auto d = parse_duration(text);
  if (!d)
    return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

blocking_query parse_blocking_query(const std::map<std::string, std::string>& params) {
  blocking_query out;
  auto index = params.find("index");
  if (index == params.end()) {
    out.ok = true;
    return out;
  }
  auto parsed_index = parse_integer<uint64_t>(index->second);
  if (!parsed_index) {
    out.error = "index: expected a decimal counter (0..18446744073709551615), got \""
                + index->second + "\"";
    return out;
  }
  out.blocking = true;
  out.index = *parsed_index;
  out.wait = default_blocking_wait;
  if (auto wait = params.find("wait"); wait != params.end()) {
    auto parsed_wait = parse_wait(wait->second);
    if (!parsed_wait) {
      out.error = "wait: expected a duration such as 500ms, 10s, 1m or 1m30s, got \""
                  + wait->second + "\"";
      return out;
    }
    out.wait = *parsed_wait;
  }
  if (out.wait > max_blocking_wait)
    out.wait = max_blocking_wait;
  out.ok = true;
  return out;
}

} // namespace onevalue
