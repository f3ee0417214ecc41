// Fuzzes the API's parsers of client text: the `/set/{n}` integer, the PUT body (JSON
// or plain), If-Match, the blocking-read query (`index`, `wait`), the query-string
// splitter and the path decoder. Checks that each either succeeds or gives a reason,
// and that what succeeds round-trips.

#include "http/api/query_parsing.hpp"
#include "http/api/request_parsing.hpp"
#include "http/server/url_decoding.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace onevalue;

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

void check_int(std::string_view text) {
  auto r = parse_int64_strict(text);
  check(r.ok == r.error.empty());
  if (r.ok) {
    // Strict: the text is the canonical decimal form, or that with leading zeros.
    auto again = parse_int64_strict(std::to_string(r.value));
    check(again.ok && again.value == r.value);
  }
}

void check_body(std::string_view body, std::string_view content_type) {
  auto r = parse_value_body(body, content_type);
  check(r.ok == r.error.empty());
  if (r.ok) {
    auto json = parse_value_body("{\"value\":" + std::to_string(r.value) + "}",
                                 "application/json");
    check(json.ok && json.value == r.value);
  }
}

void check_if_match(std::string_view text) {
  auto m = parse_if_match(text);
  check(m.ok == m.error.empty());
  if (m.ok && m.expected) {
    auto again = parse_if_match(format_etag(*m.expected));
    check(again.ok && again.expected && again.expected->counter == m.expected->counter
          && again.expected->node == m.expected->node);
  }
}

void check_query(std::string_view query) {
  auto params = parse_query_string(query);
  auto q = parse_blocking_query(params);
  check(q.ok == q.error.empty());
  if (q.ok)
    check(q.wait >= std::chrono::milliseconds{0} && q.wait <= max_blocking_wait);
  if (auto w = parse_wait(query))
    check(w->count() >= 0);
}

void check_path(std::string_view path) {
  std::string decoded;
  if (percent_decode_path(path, decoded)) {
    check(decoded.size() <= path.size());
    // No escape decodes to NUL ('%00' is refused; raw bytes are the parser's concern).
    if (path.find('\0') == std::string_view::npos)
      check(decoded.find('\0') == std::string::npos);
  }
}

} // namespace

// Input: the first byte picks the content type of the body check; the rest is the
// text every parser gets (split at the first '\n' for body and content type).
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  static const char* const content_types[] = {"", "text/plain", "application/json",
                                              "application/json; charset=utf-8"};
  std::string_view text{reinterpret_cast<const char*>(data) + 1, size - 1};
  check_int(text);
  check_body(text, content_types[data[0] % 4]);
  check_if_match(text);
  check_query(text);
  check_path(text);
  return 0;
}
