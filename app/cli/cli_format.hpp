#pragma once

// How the client subcommands print what a node answers. Pure: JSON in, text out.

#include <nlohmann/json.hpp>

#include <string>

namespace onevalue::cli {

/// `GET /v1/value`'s body as `get -detailed` prints it: one `key value` line per field
/// (value, version as `counter-node`, writer, index, synchronized).
std::string format_value_detailed(const nlohmann::json& value);

/// The version of a `/v1/value` body as `-cas` takes it: `counter-node` ("7-n2").
std::string format_version(const nlohmann::json& value);

/// `GET /v1/members`'s body as a table like `serf members`: name, address (with the
/// cluster port), state, incarnation, HTTP port; columns aligned, sorted by name,
/// only members in `state_filter` unless it is empty.
std::string format_members_table(const nlohmann::json& members,
                                 const std::string& state_filter);

/// The members of `state_filter` (all if empty) as a JSON array, one line.
std::string format_members_json(const nlohmann::json& members,
                                const std::string& state_filter);

} // namespace onevalue::cli
