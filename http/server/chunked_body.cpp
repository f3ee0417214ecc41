#include "http/server/chunked_body.hpp"

#include "http/server/http_syntax.hpp"
#include "http/server/text_util.hpp"

#include <cstdint>

namespace onevalue {

namespace {

using status = chunked_result::status;

chunked_result refuse(int code, std::string message) {
  return refusal<chunked_result>(code, std::move(message));
}

void skip_blanks(std::string_view& text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
}

/// Takes a quoted-string (RFC 9110 §5.6.4) off the front of `text`; false if malformed.
bool take_quoted_string(std::string_view& text) {
  if (text.empty() || text.front() != '"')
    return false;
  for (std::size_t i = 1; i < text.size(); ++i) {
    auto u = static_cast<unsigned char>(text[i]);
    if (text[i] == '"') {
      text.remove_prefix(i + 1);
      return true;
    }
    if (text[i] == '\\') {
      if (++i == text.size())
        return false;
      u = static_cast<unsigned char>(text[i]);
    }
    if (u < 0x20 && text[i] != '\t')
      return false;
    if (u == 0x7f)
      return false;
  }
  return false;
}

std::size_t take_token(std::string_view& text) {
  std::size_t n = 0;
  while (n < text.size() && is_token_char(text[n]))
    ++n;
  text.remove_prefix(n);
  return n;
}

/// Whether `ext` (what follows the chunk size) is `*( BWS ";" BWS name [ BWS "=" BWS
/// ( token / quoted-string ) ] )`.
bool valid_chunk_extensions(std::string_view ext) {
  for (;;) {
    skip_blanks(ext);
    if (ext.empty())
      return true;
    if (ext.front() != ';')
      return false;
    ext.remove_prefix(1);
    skip_blanks(ext);
    if (take_token(ext) == 0)
      return false;
    skip_blanks(ext);
    if (ext.empty() || ext.front() != '=')
      continue;
    ext.remove_prefix(1);
    skip_blanks(ext);
    if (!ext.empty() && ext.front() == '"') {
      if (!take_quoted_string(ext))
        return false;
    } else if (take_token(ext) == 0) {
      return false;
    }
  }
}

std::string body_limit_message(std::size_t max_body_bytes) {
  return "request body exceeds the limit of " + std::to_string(max_body_bytes) + " bytes";
}

} // namespace

chunked_result decode_chunked_body(std::string_view input, std::string& body,
                                   std::size_t max_body_bytes,
                                   std::size_t max_header_bytes,
                                   std::size_t max_line_bytes) {
  std::string_view cursor = input;
  for (;;) {
    std::string_view line;
    auto got = next_crlf_line(cursor, line);
    if (got == line_status::incomplete) {
      if (cursor.size() > max_line_bytes)
        return refuse(400, "chunk size line too long");
      return {};
    }
    if (got != line_status::complete)
      return refuse(400, describe(got));
    if (line.size() > max_line_bytes)
      return refuse(400, "chunk size line too long");
    std::size_t digits = 0;
    uint64_t size = 0;
    while (digits < line.size() && hex_digit(line[digits]) >= 0) {
      size = size * 16 + static_cast<uint64_t>(hex_digit(line[digits]));
      ++digits;
      // Checked per digit, so no size can grow past the limit and wrap around.
      if (size > max_body_bytes - body.size())
        return refuse(413, body_limit_message(max_body_bytes));
    }
    if (digits == 0)
      return refuse(400, "malformed chunk size");
    if (!valid_chunk_extensions(line.substr(digits)))
      return refuse(400, "malformed chunk extension");
    if (size == 0)
      break;
    if (cursor.size() < size + 2)
      return {};
    if (cursor.substr(size, 2) != "\r\n")
      return refuse(400, "malformed chunk: data not followed by CRLF");
    body.append(cursor.substr(0, size));
    cursor.remove_prefix(size + 2);
  }
  // Trailer fields, checked like header fields and ignored, up to an empty line.
  auto trailers_start = cursor.size();
  for (;;) {
    std::string_view line;
    auto got = next_crlf_line(cursor, line);
    if (trailers_start - cursor.size() > max_header_bytes
        || (got == line_status::incomplete && cursor.size() > max_header_bytes))
      return refuse(431, "trailer fields exceed the limit of "
                             + std::to_string(max_header_bytes) + " bytes");
    if (got == line_status::incomplete)
      return {};
    if (got != line_status::complete)
      return refuse(400, describe(got));
    if (line.empty())
      break;
    auto colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))
        || !is_field_value(line.substr(colon + 1)))
      return refuse(400, "malformed trailer field");
  }
  chunked_result out;
  out.outcome = status::complete;
  out.consumed = input.size() - cursor.size();
  return out;
}

} // namespace onevalue
