#pragma once

// Checks that bytes written by the response writer are exactly one well-formed
// HTTP/1.1 response: a status line, header lines that are `token: field-value`, and a
// body framed by Content-Length. Shared by the fuzz targets that write responses.

#include "http/server/http_syntax.hpp"

#include <cstdlib>
#include <string>
#include <string_view>

namespace onevalue::fuzzing {

inline void check(bool condition) {
  if (!condition)
    std::abort();
}

/// Checks `out` and returns the number of header lines; `body` is what the response
/// should carry after its head (empty for HEAD and bodyless statuses), `length` what
/// its Content-Length says if it has one (a HEAD response's is the GET body's).
inline std::size_t check_response_bytes(std::string_view out, std::string_view body,
                                        std::size_t length) {
  std::string_view line;
  auto rest = out;
  check(next_crlf_line(rest, line) == line_status::complete);
  check(line.size() >= 13 && line.substr(0, 9) == "HTTP/1.1 ");
  for (std::size_t i = 9; i < 12; ++i)
    check(line[i] >= '0' && line[i] <= '9');
  check(line[12] == ' ');
  std::size_t headers = 0;
  for (;;) {
    check(next_crlf_line(rest, line) == line_status::complete);
    if (line.empty())
      break;
    auto colon = line.find(": ");
    check(colon != std::string_view::npos);
    check(is_token(line.substr(0, colon)));
    check(is_field_value(line.substr(colon + 2)));
    if (line.substr(0, colon) == "Content-Length")
      check(line.substr(colon + 2) == std::to_string(length));
    ++headers;
  }
  check(rest == body);
  return headers;
}

} // namespace onevalue::fuzzing
