#pragma once

// The API's common responses: JSON errors, plain-text and JSON bodies, version headers
// and the answer to each way a write can fail. Pure; used by every route handler.

#include "http/api/router.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace onevalue::reply {

constexpr const char* text_type = "text/plain; charset=utf-8";
constexpr const char* json_type = "application/json";

/// `status` with the JSON body `{"error": message}`.
http_response error(int status, const std::string& message);

/// 200 with `body` as plain text. A plain-text reply ends with a newline (the blog's did
/// not), so the shell prompt does not stick to the value curl prints.
http_response text(const std::string& body);

/// 200 with `body` as JSON.
http_response json(const nlohmann::json& body);

/// 503 with `Retry-After: 1`: the node has published no value yet.
http_response not_ready();

/// Adds `ETag` and `X-Onevalue-Index` for `v` to `res`.
void add_version_headers(http_response& res, const versioned_value& v);

/// The response to a failed write (412 with the current value, 503 with `Retry-After`,
/// 409 overflow, 504 outcome unknown, 500); `ok` outcomes are the callers'.
http_response write_failure(const write_outcome& out);

/// "true" or "false", for headers.
const char* flag(bool b);

/// 200 with the node's value, its version headers, `X-Onevalue-Synchronized` and
/// `X-Onevalue-Applied-At` (this node's monotonic clock, microseconds).
http_response value_response(const node_view& view);

} // namespace onevalue::reply
