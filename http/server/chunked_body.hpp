#pragma once

// Strict decoding of a chunked request body (RFC 9112 §7.1). Pure; used by the request
// parser once the headers said `Transfer-Encoding: chunked`.

#include <cstddef>
#include <string>
#include <string_view>

namespace onevalue {

/// The outcome of `decode_chunked_body`.
struct chunked_result {
  enum class status { incomplete, complete, bad };
  status outcome = status::incomplete;
  /// While `complete`: the bytes used, through the CRLF that ends the trailers.
  std::size_t consumed = 0;
  /// While `bad`: the status to answer (400, 413, 431) and why.
  int error_status = 0;
  std::string error_message;
};

/// Decodes the chunked body at the start of `input` into `body` (which the caller
/// passes empty). Chunk sizes are hex digits with optional extensions
/// (`;name[=token|"quoted"]`, checked and ignored); trailer fields are checked like
/// header fields and ignored. Refuses: a bare CR or LF, a size line longer than
/// `max_line_bytes` or not of that grammar (400), data not followed by CRLF (400), a
/// body past `max_body_bytes` (413, as soon as a chunk size says so, so no size can
/// overflow), trailers past `max_header_bytes` (431). `incomplete` leaves `body`
/// partly filled.
chunked_result decode_chunked_body(std::string_view input, std::string& body,
                                   std::size_t max_body_bytes,
                                   std::size_t max_header_bytes,
                                   std::size_t max_line_bytes = 1024);

} // namespace onevalue
