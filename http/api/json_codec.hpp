#pragma once

// JSON shapes of the HTTP API, built with nlohmann::json (never by hand).

#include "actors/core/member.hpp"
#include "actors/core/version.hpp"
#include "http/api/health.hpp"
#include "http/api/snapshot_store.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace onevalue {

/// `{"counter":7,"node":"n2"}`.
void to_json(nlohmann::json& j, const version& x);

/// `{"value":5,"version":{"counter":7,"node":"n2"},"index":7}`; `index` is the
/// version counter, which a client can send back like Consul's index.
void to_json(nlohmann::json& j, const versioned_value& x);

/// `{"name","address","cluster_port","http_port","state","incarnation"}` with state
/// one of alive|suspect|failed|left.
void to_json(nlohmann::json& j, const member_info& x);

/// A JSON array of the members, sorted by name.
nlohmann::json members_to_json(const member_list& members);

/// `{"status":"ok","node":NAME,"synchronized":bool,"members":{"alive":a,"suspect":s,
/// "failed":f,"left":l}}` for `view` as `report` assessed it, plus `"reason"` when the
/// status is not ok.
nlohmann::json health_to_json(const node_view& view, const health_report& report);

/// Serializes `j` compactly; invalid UTF-8 in strings is replaced, never thrown.
std::string dump_json(const nlohmann::json& j);

/// `j` as an HTTP reply body: compact, ending with a newline, so a reply printed by
/// curl does not run into the shell prompt.
std::string json_body(const nlohmann::json& j);

/// `{"error":"<message>"}` as an HTTP reply body (with `json_body`'s newline).
std::string error_body(const std::string& message);

} // namespace onevalue
