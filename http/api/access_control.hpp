#pragma once

// Who may use the HTTP API: read, write and admin tokens (as Consul's ACL tokens), and
// whether `GET /set/{n}` may write. Pure: no sockets, no CAF; the router calls `admit`
// first.

#include "http/server/http_message.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace onevalue {

/// The API's access rules (config: acl-read-tokens, acl-write-tokens, allow-get-writes,
/// acl-admin-tokens).
struct access_settings {
  /// Tokens that may read (every GET, HEAD and OPTIONS but `GET /set/{n}`).
  std::vector<std::string> read_tokens;
  /// Tokens that may read and write (`/set/{n}`, PUT, POST and every other method).
  std::vector<std::string> write_tokens;
  /// Whether `GET /set/{n}` writes (the blog's API). False makes it 405, so no link,
  /// image or prefetch a browser follows can write; POST and PUT still do.
  bool allow_get_writes = true;
  /// Tokens that may do everything a write token may and also change the cluster's
  /// keyring (`POST /v1/keyring`), which no read or write token may: installing a key
  /// would make an API client a holder of the cluster key (a member, on the network).
  std::vector<std::string> admin_tokens;
};

/// Why `token` cannot be used as an access token, or "" if it can: it must be 16 to
/// 4096 characters of visible ASCII without commas (the environment variables are
/// comma-separated lists). The message never repeats the token.
std::string check_token(const std::string& token);

/// The access rules in force, with the tokens kept only as SHA-256 digests.
///
/// Built once (by main) and shared read-only by every event loop; thread-safe. With no
/// token configured every request is let through (the blog's open API). With any
/// token, every request but `GET|HEAD|OPTIONS /health` must carry a known one in
/// `Authorization: Bearer <token>` or `X-Onevalue-Token: <token>`:
/// - missing, or in another scheme: 401 with `WWW-Authenticate: Bearer realm="onevalue"`;
/// - unknown: 401 with `WWW-Authenticate: Bearer realm="onevalue",
/// error="invalid_token"`;
/// - a read token on a write: 403;
/// - any token but an admin token on `POST /v1/keyring` (install, use, remove): 403;
/// - both headers with different tokens: 400.
/// `/health` without a token answers with only its `status` field. Tokens are compared
/// as digests with CRYPTO_memcmp against every configured token, so the time taken
/// depends on neither the presented token nor which token matched; tokens never
/// appear in a response or a log.
class access_control {
public:
  explicit access_control(const access_settings& settings);

  /// Whether requests need a token (any token configured).
  bool tokens_required() const { return !tokens_.empty(); }

  /// What the request's token allows.
  enum class grant {
    /// No token presented.
    none,
    /// A token presented that matches none configured (or a malformed header).
    unknown,
    read,
    write,
    /// Writes and changes the keyring.
    admin,
  };
  grant grant_of(const http_request& request) const;

  /// The refusal for `request`, or nullopt if it may be routed (then `respond` may
  /// have been wrapped to reduce a `/health` body to its status).
  std::optional<http_response> check(const http_request& request,
                                     responder& respond) const;

private:
  using digest = std::array<unsigned char, 32>;
  struct known_token {
    digest hash;
    grant access;
  };

  std::vector<known_token> tokens_;
  bool allow_get_writes_;
};

/// The hook at the start of `route()`: true if `request` may be routed (`respond`
/// possibly wrapped), false if it was refused (then `respond` was called). A null
/// `access` lets everything through.
bool admit(const access_control* access, const http_request& request, responder& respond);

} // namespace onevalue
