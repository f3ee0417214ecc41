#pragma once

// `GET /v1/keyring` and `POST /v1/keyring` (issue 10.4): list the cluster's keys by
// fingerprint, and install, use or remove a key on every live member. Pure: the
// router calls these with the backend; no CAF, no sockets.

#include "actors/core/keyring_report.hpp"
#include "http/server/http_message.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace onevalue {

/// How a keyring request through the backend ended.
struct keyring_result {
  enum class kind {
    /// Every live member was asked; `report` holds each one's answer.
    ok,
    /// This node refused the change before spreading it (the primary key, a key not
    /// installed, a full keyring, no keyring, or a key that would travel in
    /// plaintext): `message` says why, `report` holds this node's answer if any.
    refused,
    /// The node did not answer in time: 503.
    timeout,
    /// The node's actors are gone or answered with an unexpected error: 500.
    failed,
  };
  kind outcome = kind::ok;
  keyring_report report;
  std::string message;
};

/// Receives the outcome of a keyring request; called exactly once.
using keyring_callback = std::function<void(keyring_result)>;

/// A parsed `POST /v1/keyring` body, or the 400 message.
struct keyring_body {
  std::optional<keyring_command> command;
  std::string error;
};

/// Parses `{"install": K}`, `{"use": K}` or `{"remove": K}` (exactly one field, K a
/// base64 key). Errors never quote the key.
keyring_body parse_keyring_body(std::string_view body);

/// The response to a keyring request: 200 with per-node results when every member
/// succeeded; 409 when this node refused; 500 when some member failed or could not be
/// asked (results say which); 503 on timeout. For `list`, the keys by fingerprint with
/// how many members hold each.
http_response keyring_response(const keyring_result& result);

} // namespace onevalue
