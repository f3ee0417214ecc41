#include "http/server/http_parser.hpp"

#include "http/server/text_util.hpp"
#include "http/server/url_decoding.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace onevalue {

namespace {

using status = http_parse_result::status;

http_parse_result bad(int code, std::string message) {
  http_parse_result out;
  out.outcome = status::bad;
  out.error_status = code;
  out.error_message = std::move(message);
  return out;
}

bool is_token_char(char c) {
  static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || extra.find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char);
}


/// Splits off the next line of `rest` (without its CRLF or LF); nullopt if none is
/// complete yet.
std::optional<std::string_view> next_line(std::string_view& rest) {
  auto end = rest.find('\n');
  if (end == std::string_view::npos)
    return std::nullopt;
  auto line = rest.substr(0, end);
  rest.remove_prefix(end + 1);
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  return line;
}

/// Whether the comma-separated list `value` holds `token` (case-insensitive).
bool list_has(std::string_view value, std::string_view token) {
  auto items = to_lower(value);
  std::string_view rest = items;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    if (trim_blanks(rest.substr(0, comma)) == token)
      return true;
    if (comma == std::string_view::npos)
      break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

/// Parses the request line into `req`; "" on success, else the reason for a 400
/// ("version" for an unsupported HTTP version: 505).
std::string parse_request_line(std::string_view line, http_request& req, bool& http10) {
  auto sp1 = line.find(' ');
  auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return "malformed request line";
  auto method = line.substr(0, sp1);
  auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  auto proto = line.substr(sp2 + 1);
  if (!is_token(method))
    return "malformed method";
  if (proto.size() != 8 || proto.substr(0, 7) != "HTTP/1.") {
    if (proto.substr(0, 5) == "HTTP/")
      return "version";
    return "malformed HTTP version";
  }
  if (proto[7] != '0' && proto[7] != '1')
    return "version";
  http10 = proto[7] == '0';
  // Absolute-form (`http://host/path`): only the path and query count.
  if (auto scheme = target.find("://");
      scheme != std::string_view::npos && target.front() != '/') {
    auto path_start = target.find('/', scheme + 3);
    target = path_start == std::string_view::npos ? std::string_view{"/"}
                                                  : target.substr(path_start);
  }
  if (target.empty() || (target.front() != '/' && target != "*"))
    return "malformed request target";
  auto query = target.find('?');
  if (!percent_decode_path(target.substr(0, query), req.path))
    return "malformed percent-encoding in the path";
  if (query != std::string_view::npos)
    req.query = parse_query_string(target.substr(query + 1));
  req.method = std::string{method};
  return "";
}

/// Where the body of a request is, once the headers are parsed.
struct framing {
  bool chunked = false;
  std::size_t content_length = 0;
};

/// Decodes a chunked body at the start of `rest` into `body`. Returns the bytes used
/// (through the empty line after the last chunk), 0 if incomplete, or sets
/// `error`/`error_status`.
std::size_t decode_chunked(std::string_view rest, std::string& body,
                           const http_parser_limits& limits, int& error_status,
                           std::string& error) {
  std::string_view cursor = rest;
  for (;;) {
    auto line = next_line(cursor);
    if (!line)
      return 0;
    auto size_text = trim_blanks(line->substr(0, line->find(';')));
    std::size_t size = 0;
    if (size_text.empty() || size_text.size() > 8) {
      error_status = 400;
      error = "malformed chunk size";
      return 0;
    }
    for (char c : size_text) {
      int d = hex_digit(c);
      if (d < 0) {
        error_status = 400;
        error = "malformed chunk size";
        return 0;
      }
      size = size * 16 + static_cast<std::size_t>(d);
    }
    if (body.size() + size > limits.max_body_bytes) {
      error_status = 413;
      error = "request body exceeds the limit of " + std::to_string(limits.max_body_bytes)
              + " bytes";
      return 0;
    }
    if (size == 0) {
      // Trailer fields (ignored) up to an empty line.
      for (;;) {
        auto trailer = next_line(cursor);
        if (!trailer)
          return 0;
        if (trailer->empty())
          return rest.size() - cursor.size();
      }
    }
    if (cursor.size() < size + 1)
      return 0;
    body.append(cursor.substr(0, size));
    cursor.remove_prefix(size);
    auto end = next_line(cursor);
    if (!end)
      return 0;
    if (!end->empty()) {
      error_status = 400;
      error = "malformed chunk: data longer than its size";
      return 0;
    }
  }
}

} // namespace

http_parse_result parse_http_request(std::string_view input,
                                     const http_parser_limits& limits) {
  http_parse_result out;
  // Skip empty lines before a request (RFC 9112 §2.2 robustness).
  std::size_t skipped = 0;
  while (skipped < input.size() && (input[skipped] == '\r' || input[skipped] == '\n'))
    ++skipped;
  std::string_view rest = input.substr(skipped);
  auto head_end = rest.find("\n\r\n");
  auto bare_end = rest.find("\n\n");
  std::size_t head_size = std::string_view::npos;
  if (head_end != std::string_view::npos)
    head_size = head_end + 3;
  if (bare_end != std::string_view::npos && (bare_end + 2 < head_size))
    head_size = bare_end + 2;
  if (head_size == std::string_view::npos) {
    if (rest.size() > limits.max_header_bytes)
      return bad(431, "request header fields exceed the limit of "
                          + std::to_string(limits.max_header_bytes) + " bytes");
    return out;
  }
  if (head_size > limits.max_header_bytes)
    return bad(431, "request header fields exceed the limit of "
                        + std::to_string(limits.max_header_bytes) + " bytes");
  std::string_view head = rest.substr(0, head_size);
  auto request_line = next_line(head);
  bool http10 = false;
  if (auto err = parse_request_line(*request_line, out.request, http10); !err.empty()) {
    if (err == "version")
      return bad(505, "HTTP version not supported; use HTTP/1.1 or HTTP/1.0");
    return bad(400, err);
  }
  auto& headers = out.request.headers;
  std::optional<std::size_t> content_length;
  for (auto line = next_line(head); line && !line->empty(); line = next_line(head)) {
    auto colon = line->find(':');
    if (colon == std::string_view::npos || !is_token(line->substr(0, colon)))
      return bad(400, "malformed header field");
    auto name = to_lower(line->substr(0, colon));
    auto value = std::string{trim_blanks(line->substr(colon + 1))};
    if (name == "content-length") {
      std::size_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value.empty() || ec != std::errc{} || end != value.data() + value.size())
        return bad(400, "malformed Content-Length");
      if (content_length && *content_length != n)
        return bad(400, "conflicting Content-Length fields");
      content_length = n;
    }
    auto [it, fresh] = headers.emplace(name, value);
    if (!fresh && name != "content-length")
      it->second += ", " + value;
  }
  framing frame;
  if (auto te = headers.find("transfer-encoding"); te != headers.end()) {
    if (http10)
      return bad(400, "Transfer-Encoding is not allowed in HTTP/1.0");
    if (content_length)
      return bad(400, "both Content-Length and Transfer-Encoding");
    if (to_lower(trim_blanks(te->second)) != "chunked")
      return bad(501, "unsupported Transfer-Encoding " + te->second
                          + "; only chunked is implemented");
    frame.chunked = true;
  } else if (content_length) {
    frame.content_length = *content_length;
    if (frame.content_length > limits.max_body_bytes)
      return bad(413, "request body of " + std::to_string(frame.content_length)
                          + " bytes exceeds the limit of "
                          + std::to_string(limits.max_body_bytes) + " bytes");
  }
  auto connection = headers.find("connection");
  if (http10)
    out.keep_alive =
        connection != headers.end() && list_has(connection->second, "keep-alive");
  else
    out.keep_alive = connection == headers.end() || !list_has(connection->second, "close");
  if (auto ct = headers.find("content-type"); ct != headers.end())
    out.request.content_type = ct->second;
  auto body_input = rest.substr(head_size);
  auto expect = headers.find("expect");
  bool wants_continue = expect != headers.end() && to_lower(expect->second) == "100-continue"
                        && !http10;
  if (frame.chunked) {
    int error_status = 0;
    std::string error;
    auto used = decode_chunked(body_input, out.request.body, limits, error_status, error);
    if (error_status != 0)
      return bad(error_status, error);
    if (used == 0) {
      http_parse_result waiting;
      waiting.expects_continue = wants_continue;
      return waiting;
    }
    out.consumed = skipped + head_size + used;
  } else {
    if (body_input.size() < frame.content_length) {
      http_parse_result waiting;
      waiting.expects_continue = wants_continue;
      return waiting;
    }
    out.request.body = std::string{body_input.substr(0, frame.content_length)};
    out.consumed = skipped + head_size + frame.content_length;
  }
  out.outcome = status::complete;
  return out;
}

} // namespace onevalue
