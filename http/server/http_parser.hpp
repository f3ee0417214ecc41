#pragma once

// Incremental parsing of HTTP/1.x requests from a connection's input buffer. Pure:
// no sockets, no threads; every rejection carries the status to answer and a reason.

#include "http/server/http_message.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace onevalue {

/// Limits of what one request may carry.
struct http_parser_limits {
  /// Request line plus headers, in bytes; more is 431, or 414 when the request line
  /// alone is longer (the API's requests are tiny; the limit caps memory per
  /// connection and refuses header floods early). Also bounds a chunked body's
  /// trailer section.
  std::size_t max_header_bytes = 8192;
  /// Decoded body, in bytes; more is 413 (without reading the body).
  std::size_t max_body_bytes = 4096;
};

/// The result of one `parse_http_request` call.
struct http_parse_result {
  enum class status {
    /// More bytes are needed; nothing was consumed.
    incomplete,
    /// `request` holds one request that used the first `consumed` bytes.
    complete,
    /// The bytes are not an acceptable request: answer `error_status` with
    /// `error_message` and close the connection (its framing can't be trusted).
    bad,
  };
  status outcome = status::incomplete;
  std::size_t consumed = 0;
  http_request request;
  /// Whether the connection stays open after the response (HTTP/1.1 unless
  /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`).
  bool keep_alive = true;
  /// While `incomplete`: the headers are in and the client sent
  /// `Expect: 100-continue`, so it may wait for `100 Continue` before the body.
  bool expects_continue = false;
  /// While `incomplete`: the request line is complete (the connection's
  /// request-header timeout stops counting).
  bool has_request_line = false;
  int error_status = 0;
  std::string error_message;
};

/// Parses the request at the start of `input` strictly (RFC 9112, with the choices
/// that close request-smuggling gaps): a request line (origin-form or absolute-form
/// target of visible ASCII, HTTP/1.0 or 1.1), header fields (names lower-cased,
/// repeated fields joined with ", "), then a body framed by `Content-Length` or
/// `Transfer-Encoding: chunked`. Empty lines (CRLF) before the request line are
/// skipped. The path is percent-decoded and split from its query string, which fills
/// `request.query`.
///
/// Every line must end in CRLF: a bare LF or a bare CR anywhere in the head or the
/// chunk framing is refused (400), so no two parsers can disagree on where a line
/// ends. Also refused with 400: control characters (NUL, DEL, ...) in the request
/// line or a field value, a header name that is not a token (whitespace before the
/// colon), obsolete line folding, a missing or repeated `Host` in HTTP/1.1, a
/// malformed or repeated-but-different `Content-Length`, both `Content-Length` and
/// `Transfer-Encoding`, `Transfer-Encoding` in HTTP/1.0 or without chunked as the
/// final coding, a malformed chunk size or chunk extension. Other transfer codings
/// are 501, other HTTP versions 505, an over-long request line 414, oversized
/// headers 431 and bodies 413.
http_parse_result parse_http_request(std::string_view input,
                                     const http_parser_limits& limits);

} // namespace onevalue
