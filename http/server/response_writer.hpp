#pragma once

// Serializes the router's responses as HTTP/1.1 bytes. Pure: no sockets.

#include "http/server/http_message.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace onevalue {

/// The standard reason phrase of `status` ("OK", "Not Found", ...; "Unknown" for
/// codes the API never uses).
const char* reason_phrase(int status);

/// Appends `res` to `out` as an HTTP/1.1 response: status line, `Content-Type` (if
/// any), `Content-Length` (not for 1xx/204/304), `Connection: keep-alive` or `close`,
/// the extra headers, an empty line and the body. `head_only` (a HEAD request) keeps
/// the headers of the GET response but leaves out the body.
///
/// Whatever the response holds, the head stays well-formed, so no value (a node name
/// in an ETag, an echoed input) can inject a header or split the response: control
/// characters other than tab (CR, LF, NUL, ...) are removed from header values and
/// the content type, a header whose name is not a token is left out, extra headers
/// named Content-Length, Transfer-Encoding, Connection or Content-Type are left out
/// (the writer alone frames the response), and a status outside 100-999 is written
/// as 500.
void append_response(std::string& out, const http_response& res, bool keep_alive,
                     bool head_only);

/// `{"error":"<message>"}` with the message escaped for JSON; bytes that are not
/// ASCII become U+FFFD (the server's messages are ASCII; only echoed input is not).
std::string json_error_body(std::string_view message);

/// A whole response with `status`, the JSON error body of `message` (and a newline)
/// and the `extra`
/// headers, announcing `Connection: close` (the server closes after it).
std::string closing_error_response(
    int status, const std::string& message,
    const std::vector<std::pair<std::string, std::string>>& extra = {});

} // namespace onevalue
