// Fuzzes the incremental HTTP/1.x request parser: the whole input at once, then every
// prefix of it (as a connection that receives the bytes one at a time would see them),
// then the input as a pipeline (request after request, as the event loop parses a
// connection's buffer), and checks the parser's own promises on each result: what it
// accepts is strict HTTP/1.1 (no control characters in names and values, a Host on
// HTTP/1.1, a body within the limit).

#include "http/server/http_parser.hpp"
#include "http/server/http_syntax.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

void check_request(const onevalue::http_request& req) {
  check(onevalue::is_token(req.method));
  check(!req.path.empty() && (req.path.front() == '/' || req.path == "*"));
  for (const auto& [name, value] : req.headers) {
    check(onevalue::is_token(name));
    for (char c : name)
      check(c < 'A' || c > 'Z');
    check(onevalue::is_field_value(value));
  }
  if (auto te = req.headers.find("transfer-encoding"); te != req.headers.end())
    check(req.headers.count("content-length") == 0);
}

void check_result(std::string_view input, const onevalue::http_parse_result& r,
                  const onevalue::http_parser_limits& limits) {
  using status = onevalue::http_parse_result::status;
  switch (r.outcome) {
  case status::incomplete:
    check(r.consumed == 0);
    break;
  case status::complete:
    check(r.consumed > 0 && r.consumed <= input.size());
    check(r.request.body.size() <= limits.max_body_bytes);
    check_request(r.request);
    break;
  case status::bad:
    check(r.error_status >= 400 && r.error_status <= 599);
    check(!r.error_message.empty());
    break;
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  onevalue::http_parser_limits limits;
  limits.max_header_bytes = 512;
  limits.max_body_bytes = 256;
  std::string_view input{reinterpret_cast<const char*>(data), size};
  auto whole = onevalue::parse_http_request(input, limits);
  check_result(input, whole, limits);
  // A prefix never completes a request the whole input does not start with: if it
  // completes, the whole input completes the same request with the same length.
  for (std::size_t n = 0; n < size; ++n) {
    auto prefix = input.substr(0, n);
    auto part = onevalue::parse_http_request(prefix, limits);
    check_result(prefix, part, limits);
    if (part.outcome == onevalue::http_parse_result::status::complete)
      check(whole.outcome == part.outcome && whole.consumed == part.consumed);
  }
  // The input as a pipeline: each request starts where the previous one ended.
  auto rest = input;
  for (;;) {
    auto next = onevalue::parse_http_request(rest, limits);
    check_result(rest, next, limits);
    if (next.outcome != onevalue::http_parse_result::status::complete)
      break;
    rest.remove_prefix(next.consumed);
  }
  return 0;
}
