#pragma once

// The routes of the linearizable mode: `POST /v1/value/add` and
// `GET /v1/value?consistent`. Pure, like the router that calls them.

#include "http/api/router.hpp"

#include <string>

namespace onevalue {

/// 409: `what` needs the linearizable mode and the cluster runs in eventual mode.
http_response needs_linearizable(const std::string& what);

/// `POST /v1/value/add` with `{"delta": n}`: 400 for a malformed body, else the
/// committed value or the operation's failure (409 overflow, 503, 504).
void handle_add(const http_request& req, gateway_backend& backend,
                const responder& respond);

/// `GET /v1/value?consistent`: the committed value (`X-Onevalue-Read: consistent`) or
/// the failure (503 no quorum, 504 outcome unknown).
void handle_consistent_read(gateway_backend& backend, const responder& respond);

} // namespace onevalue
