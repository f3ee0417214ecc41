#pragma once

// The HTTP side of the client subcommands: an interface the commands talk to (so they
// are unit-tested against a fake), and its implementation on cpp-httplib's client.

#include "app/cli/cli_args.hpp"

#include <map>
#include <memory>
#include <string>

namespace onevalue::cli {

/// One HTTP exchange as the commands see it.
struct http_reply {
  /// False if no answer arrived (cannot connect, timeout, TLS failure): see `error`.
  bool answered = false;
  std::string error;
  int status = 0;
  std::string body;
  /// Header names in lower case.
  std::map<std::string, std::string> headers;
};

/// Sends requests to one node. Implementations are used from one thread.
class api_client {
public:
  virtual ~api_client() = default;
  /// Sends `method path` with `body` and extra `headers` (the token is added by the
  /// implementation); waits at most `timeout` for the answer.
  virtual http_reply send(const std::string& method, const std::string& path,
                          const std::string& body,
                          const std::map<std::string, std::string>& headers,
                          std::chrono::milliseconds timeout) = 0;
};

/// The client for `options` on cpp-httplib: plain or HTTPS (by the address's scheme),
/// with the CA, client certificate and token of `options`. Never throws: a bad address
/// or TLS setup shows up as an unanswered reply.
std::unique_ptr<api_client> make_http_client(const connection_options& options);

} // namespace onevalue::cli
