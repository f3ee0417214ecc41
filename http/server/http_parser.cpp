#include "http/server/http_parser.hpp"

#include "http/server/chunked_body.hpp"
#include "http/server/http_syntax.hpp"
#include "http/server/text_util.hpp"
#include "http/server/url_decoding.hpp"

#include <charconv>
#include <optional>
#include <vector>

namespace onevalue {

namespace {

using status = http_parse_result::status;

http_parse_result bad(int code, std::string message) {
  return refusal<http_parse_result>(code, std::move(message));
}

std::string limit_text(std::size_t bytes) {
  return "the limit of " + std::to_string(bytes) + " bytes";
}

/// The items of the comma-separated list `value`, trimmed and lower-cased; empty items
/// are dropped (RFC 9110 §5.6.1).
std::vector<std::string> list_items(std::string_view value) {
  std::vector<std::string> out;
  while (!value.empty()) {
    auto comma = value.find(',');
    auto item = trim_blanks(value.substr(0, comma));
    if (!item.empty())
      out.push_back(to_lower(item));
    if (comma == std::string_view::npos)
      break;
    value.remove_prefix(comma + 1);
  }
  return out;
}

bool list_has(std::string_view value, std::string_view token) {
  for (const auto& item : list_items(value))
    if (item == token)
      return true;
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
    if (proto.substr(0, 5) == "HTTP/" && proto.size() == 8 && proto[5] >= '0'
        && proto[5] <= '9' && proto[6] == '.' && proto[7] >= '0' && proto[7] <= '9')
      return "version";
    return "malformed HTTP version";
  }
  if (proto[7] != '0' && proto[7] != '1')
    return "version";
  http10 = proto[7] == '0';
  if (!is_target_text(target))
    return "control character, space or non-ASCII byte in the request target";
  // Absolute-form (`http://host/path`): only the path and query count.
  if (auto scheme = target.find("://");
      scheme != std::string_view::npos && !target.empty() && target.front() != '/') {
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

/// What the header section said about the body and the connection.
struct head_facts {
  bool http10 = false;
  int host_fields = 0;
  std::optional<std::size_t> content_length;
};

/// Checks one header field line and adds it to `headers`; "" or the reason for a 400.
std::string add_field(std::string_view line, std::map<std::string, std::string>& headers,
                      head_facts& facts) {
  if (line.front() == ' ' || line.front() == '\t')
    return "obsolete line folding (a header line starting with whitespace)";
  auto colon = line.find(':');
  if (colon == std::string_view::npos)
    return "malformed header field (no colon)";
  auto raw_name = line.substr(0, colon);
  if (!is_token(raw_name)) {
    if (!raw_name.empty() && (raw_name.back() == ' ' || raw_name.back() == '\t'))
      return "whitespace between a header name and its colon";
    return "malformed header name";
  }
  auto name = to_lower(raw_name);
  auto value = trim_blanks(line.substr(colon + 1));
  if (!is_field_value(value))
    return "control character in the value of header " + name;
  if (name == "host") {
    if (++facts.host_fields > 1)
      return "more than one Host header";
    if (!is_host_value(value))
      return "malformed Host header";
  }
  if (name == "content-length") {
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (value.empty() || ec != std::errc{} || end != value.data() + value.size())
      return "malformed Content-Length";
    if (facts.content_length && *facts.content_length != n)
      return "conflicting Content-Length fields";
    facts.content_length = n;
  }
  auto [it, fresh] = headers.emplace(std::move(name), std::string{value});
  if (!fresh && it->first != "content-length")
    it->second += ", " + std::string{value};
  return "";
}

/// The framing checks once all header fields are in; "" or sets `status_out` and
/// returns the reason. `chunked` tells whether the body is chunked.
std::string check_framing(const std::map<std::string, std::string>& headers,
                          const head_facts& facts, bool& chunked, int& status_out) {
  status_out = 400;
  if (!facts.http10 && facts.host_fields == 0)
    return "missing Host header (required in HTTP/1.1)";
  auto te = headers.find("transfer-encoding");
  if (te == headers.end())
    return "";
  if (facts.http10)
    return "Transfer-Encoding is not allowed in HTTP/1.0";
  if (facts.content_length)
    return "both Content-Length and Transfer-Encoding";
  auto codings = list_items(te->second);
  if (codings.empty() || codings.back() != "chunked")
    return "Transfer-Encoding must end with chunked";
  if (codings.size() > 1) {
    bool repeated = false;
    for (std::size_t i = 0; i + 1 < codings.size(); ++i)
      repeated = repeated || codings[i] == "chunked";
    if (repeated)
      return "chunked applied more than once";
    status_out = 501;
    return "unsupported Transfer-Encoding " + te->second
           + "; only chunked is implemented";
  }
  chunked = true;
  return "";
}

/// An `incomplete` result, telling whether the request line is complete.
http_parse_result waiting(bool has_request_line, bool expects_continue = false) {
  http_parse_result out;
  out.has_request_line = has_request_line;
  out.expects_continue = expects_continue;
  return out;
}

} // namespace

http_parse_result parse_http_request(std::string_view input,
                                     const http_parser_limits& limits) {
  http_parse_result out;
  // Skip empty lines before a request (RFC 9112 §2.2 robustness).
  std::size_t skipped = 0;
  while (input.substr(skipped, 2) == "\r\n")
    skipped += 2;
  const std::string_view head_start = input.substr(skipped);
  std::string_view rest = head_start;
  std::string_view line;
  auto got = next_crlf_line(rest, line);
  if (got == line_status::incomplete) {
    if (rest.size() <= limits.max_header_bytes)
      return waiting(false);
    if (rest.find(' ') == std::string_view::npos)
      return bad(400, "malformed request line");
    return bad(414, "request line exceeds " + limit_text(limits.max_header_bytes));
  }
  if (got != line_status::complete)
    return bad(400, describe(got));
  if (line.size() + 2 > limits.max_header_bytes)
    return bad(414, "request line exceeds " + limit_text(limits.max_header_bytes));
  head_facts facts;
  if (auto err = parse_request_line(line, out.request, facts.http10); !err.empty()) {
    if (err == "version")
      return bad(505, "HTTP version not supported; use HTTP/1.1 or HTTP/1.0");
    return bad(400, err);
  }
  auto& headers = out.request.headers;
  for (;;) {
    got = next_crlf_line(rest, line);
    auto head_size = head_start.size() - rest.size();
    if (head_size > limits.max_header_bytes
        || (got == line_status::incomplete
            && head_start.size() > limits.max_header_bytes))
      return bad(431,
                 "request header fields exceed " + limit_text(limits.max_header_bytes));
    if (got == line_status::incomplete)
      return waiting(true);
    if (got != line_status::complete)
      return bad(400, describe(got));
    if (line.empty())
      break;
    if (auto err = add_field(line, headers, facts); !err.empty())
      return bad(400, err);
  }
  bool chunked = false;
  int framing_status = 400;
  if (auto err = check_framing(headers, facts, chunked, framing_status); !err.empty())
    return bad(framing_status, err);
  if (!chunked && facts.content_length && *facts.content_length > limits.max_body_bytes)
    return bad(413, "request body of " + std::to_string(*facts.content_length)
                        + " bytes exceeds " + limit_text(limits.max_body_bytes));
  auto connection = headers.find("connection");
  if (facts.http10)
    out.keep_alive =
        connection != headers.end() && list_has(connection->second, "keep-alive");
  else
    out.keep_alive =
        connection == headers.end() || !list_has(connection->second, "close");
  if (auto ct = headers.find("content-type"); ct != headers.end())
    out.request.content_type = ct->second;
  auto expect = headers.find("expect");
  bool wants_continue = expect != headers.end()
                        && to_lower(expect->second) == "100-continue" && !facts.http10;
  auto head_size = head_start.size() - rest.size();
  if (chunked) {
    auto body = decode_chunked_body(rest, out.request.body, limits.max_body_bytes,
                                    limits.max_header_bytes);
    if (body.outcome == chunked_result::status::bad)
      return bad(body.error_status, body.error_message);
    if (body.outcome == chunked_result::status::incomplete)
      return waiting(true, wants_continue);
    out.consumed = skipped + head_size + body.consumed;
  } else {
    auto length = facts.content_length.value_or(0);
    if (rest.size() < length)
      return waiting(true, wants_continue);
    out.request.body = std::string{rest.substr(0, length)};
    out.consumed = skipped + head_size + length;
  }
  out.outcome = status::complete;
  return out;
}

} // namespace onevalue
