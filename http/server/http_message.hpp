#pragma once

// The request and response types the HTTP server hands to its request handler and
// writes back: plain data, no sockets, so the API layer (http/api/) and its tests never
// see the transport.

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace onevalue {

/// One HTTP request as the router sees it.
struct http_request {
  std::string method;
  /// The path without the query string, already percent-decoded.
  std::string path;
  std::string body;
  /// Header names in lower case.
  std::map<std::string, std::string> headers;
  /// Decoded query parameters. A '?' left in `path` is parsed as well (tests).
  std::map<std::string, std::string> query;
  std::string content_type;
};

/// One HTTP response as the router produces it.
struct http_response {
  int status = 200;
  std::string content_type;
  std::string body;
  /// Extra headers (e.g. Allow, Retry-After).
  std::vector<std::pair<std::string, std::string>> headers;

  /// Returns the value of the extra header `name` (exact case), or "" if absent.
  std::string header(const std::string& name) const {
    for (const auto& [key, value] : headers)
      if (key == name)
        return value;
    return "";
  }
};

/// Receives the one response to a request; callable from any thread.
using responder = std::function<void(http_response)>;

/// What the server does with each parsed request: answer it through `respond`, exactly
/// once, now or later from any thread. Called on the event loop that read the request,
/// so it must never block.
using request_handler = std::function<void(const http_request&, responder)>;

} // namespace onevalue
