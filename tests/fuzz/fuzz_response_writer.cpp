// Fuzzes the response writer with responses holding any bytes (a router bug, a node
// name from gossip in an ETag): whatever they hold, the bytes written are one
// well-formed response whose headers are exactly the valid ones asked for.

#include "http/server/http_syntax.hpp"
#include "http/server/response_writer.hpp"
#include "http/server/text_util.hpp"
#include "response_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using onevalue::fuzzing::check;

namespace {

/// Takes the next field (up to a '\n') off `rest`.
std::string take_field(std::string_view& rest) {
  auto end = rest.find('\n');
  std::string out{rest.substr(0, end)};
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  return out;
}

} // namespace

// Input: 2 bytes of status, 1 byte of flags (keep-alive, HEAD), then '\n'-separated
// fields: content type, body, and header names and values alternating.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 3)
    return 0;
  onevalue::http_response res;
  res.status = static_cast<int16_t>(data[0] << 8 | data[1]);
  bool keep_alive = (data[2] & 1) != 0;
  bool head = (data[2] & 2) != 0;
  std::string_view rest{reinterpret_cast<const char*>(data) + 3, size - 3};
  res.content_type = take_field(rest);
  res.body = take_field(rest);
  while (!rest.empty()) {
    auto name = take_field(rest);
    res.headers.emplace_back(name, take_field(rest));
  }
  std::string out;
  onevalue::append_response(out, res, keep_alive, head);
  int status = res.status >= 100 && res.status <= 999 ? res.status : 500;
  bool bodyless = status < 200 || status == 204 || status == 304;
  auto headers = onevalue::fuzzing::check_response_bytes(
      out, head || bodyless ? std::string_view{} : std::string_view{res.body},
      res.body.size());
  std::size_t expected = 1 + (res.content_type.empty() ? 0 : 1) + (bodyless ? 0 : 1);
  for (const auto& [name, value] : res.headers) {
    auto lower = onevalue::to_lower(name);
    bool owned = lower == "content-length" || lower == "transfer-encoding"
                 || lower == "connection" || lower == "content-type";
    expected += onevalue::is_token(name) && !owned ? 1 : 0;
  }
  check(headers == expected);
  check(out.compare(0, 12, "HTTP/1.1 " + std::to_string(status)) == 0);
  // The JSON error body is valid JSON text without raw control or non-ASCII bytes.
  auto error = onevalue::json_error_body(std::string_view{res.body});
  for (char c : error)
    check(c >= 0x20 && c < 0x7f);
  return 0;
}
