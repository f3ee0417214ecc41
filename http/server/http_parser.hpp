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
  /// Request line plus headers, in bytes; more is 431 (the API's requests are tiny;
  /// the limit caps memory per connection and refuses header floods early).
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
  int error_status = 0;
  std::string error_message;
};

/// Parses the request at the start of `input`: a request line (origin-form or
/// absolute-form target, HTTP/1.0 or 1.1), header fields (names lower-cased, repeated
/// fields joined with ", "), then a body framed by `Content-Length` or
/// `Transfer-Encoding: chunked`. The path is percent-decoded and split from its query
/// string, which fills `request.query`. Refuses, among others: malformed request
/// lines and header fields (400), other HTTP versions (505), both or conflicting
/// framing headers (400), transfer codings other than chunked (501), oversized
/// headers (431) and bodies (413). Bare LF line endings are accepted.
http_parse_result parse_http_request(std::string_view input, const http_parser_limits& limits);

} // namespace onevalue
