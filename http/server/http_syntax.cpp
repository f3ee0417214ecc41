#include "http/server/http_syntax.hpp"

#include <algorithm>

namespace onevalue {

namespace {

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_visible(char c) {
  return c > 0x20 && c < 0x7f;
}

} // namespace

bool is_token_char(char c) {
  static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  return is_alnum(c) || extra.find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char);
}

bool is_field_value(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || is_visible(c) || c == ' ' || c == '\t';
  });
}

bool is_target_text(std::string_view text) {
  return std::all_of(text.begin(), text.end(), is_visible);
}

bool is_host_value(std::string_view text) {
  static constexpr std::string_view extra = "-._~!$&'()*+,;=:[]%";
  return std::all_of(text.begin(), text.end(), [](char c) {
    return is_alnum(c) || extra.find(c) != std::string_view::npos;
  });
}

line_status next_crlf_line(std::string_view& rest, std::string_view& line) {
  auto end = rest.find_first_of("\r\n");
  if (end == std::string_view::npos)
    return line_status::incomplete;
  if (rest[end] == '\n')
    return line_status::bare_lf;
  if (end + 1 == rest.size())
    return line_status::incomplete;
  if (rest[end + 1] != '\n')
    return line_status::bare_cr;
  line = rest.substr(0, end);
  rest.remove_prefix(end + 2);
  return line_status::complete;
}

const char* describe(line_status bad_line) {
  switch (bad_line) {
  case line_status::bare_lf:
    return "a line ends in a bare LF; HTTP lines end in CRLF";
  case line_status::bare_cr:
    return "a bare CR (not followed by LF) in the request";
  case line_status::complete:
  case line_status::incomplete:
    break;
  }
  return "malformed line";
}

} // namespace onevalue
