#pragma once

// Serializes the router's responses as HTTP/1.1 bytes. Pure: no sockets.

#include "http/server/http_message.hpp"

#include <string>

namespace onevalue {

/// The standard reason phrase of `status` ("OK", "Not Found", ...; "Unknown" for
/// codes the API never uses).
const char* reason_phrase(int status);

/// Appends `res` to `out` as an HTTP/1.1 response: status line, `Content-Type` (if
/// any), `Content-Length` (not for 1xx/204/304), `Connection: keep-alive` or `close`,
/// the extra headers, an empty line and the body. `head_only` (a HEAD request) keeps
/// the headers of the GET response but leaves out the body.
void append_response(std::string& out, const http_response& res, bool keep_alive,
                     bool head_only);

/// A whole response with `status` and the JSON error body `{"error": message}` that
/// announces `Connection: close` (the server closes after it).
std::string closing_error_response(int status, const std::string& message);

} // namespace onevalue
