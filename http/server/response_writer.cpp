#include "http/server/response_writer.hpp"

#include "http/server/http_syntax.hpp"
#include "http/server/text_util.hpp"

namespace onevalue {

namespace {

/// Appends `value` without the control characters that could end a header line early.
void append_field_value(std::string& out, std::string_view value) {
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f)
      continue;
    out.push_back(c);
  }
}

/// Whether `name` is a header the writer itself writes from the response's fields:
/// the framing and the connection are never taken from the extra headers.
bool is_writer_owned(std::string_view name) {
  auto lower = to_lower(name);
  return lower == "content-length" || lower == "transfer-encoding"
         || lower == "connection" || lower == "content-type";
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  if (!is_token(name))
    return;
  out += name;
  out += ": ";
  append_field_value(out, value);
  out += "\r\n";
}

} // namespace

const char* reason_phrase(int status) {
  switch (status) {
  case 100:
    return "Continue";
  case 200:
    return "OK";
  case 204:
    return "No Content";
  case 304:
    return "Not Modified";
  case 400:
    return "Bad Request";
  case 401:
    return "Unauthorized";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 405:
    return "Method Not Allowed";
  case 408:
    return "Request Timeout";
  case 412:
    return "Precondition Failed";
  case 413:
    return "Content Too Large";
  case 414:
    return "URI Too Long";
  case 429:
    return "Too Many Requests";
  case 431:
    return "Request Header Fields Too Large";
  case 500:
    return "Internal Server Error";
  case 501:
    return "Not Implemented";
  case 503:
    return "Service Unavailable";
  case 505:
    return "HTTP Version Not Supported";
  case 507:
    return "Insufficient Storage";
  default:
    return "Unknown";
  }
}

void append_response(std::string& out, const http_response& res, bool keep_alive,
                     bool head_only) {
  int status = res.status >= 100 && res.status <= 999 ? res.status : 500;
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason_phrase(status);
  out += "\r\n";
  if (!res.content_type.empty())
    append_header(out, "Content-Type", res.content_type);
  bool bodyless_status = status < 200 || status == 204 || status == 304;
  if (!bodyless_status) {
    out += "Content-Length: ";
    out += std::to_string(res.body.size());
    out += "\r\n";
  }
  out += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  for (const auto& [name, value] : res.headers)
    if (!is_writer_owned(name))
      append_header(out, name, value);
  out += "\r\n";
  if (!head_only && !bodyless_status)
    out += res.body;
}

std::string json_error_body(std::string_view message) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = R"({"error":")";
  for (char c : message) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\u00";
      out += hex[u >> 4];
      out += hex[u & 0xf];
    } else if (u >= 0x80) {
      out += "\\ufffd";
    } else {
      out += c;
    }
  }
  out += "\"}";
  return out;
}

std::string
closing_error_response(int status, const std::string& message,
                       const std::vector<std::pair<std::string, std::string>>& extra) {
  std::string out;
  // Every reply body ends in a newline, as the API's do (curl prints a whole line).
  append_response(
      out,
      http_response{status, "application/json", json_error_body(message) + "\n", extra},
      false, false);
  return out;
}

} // namespace onevalue
