#pragma once

// How the client subcommands read a node's answer: their exit codes, the report of a
// failed request, and the parse of a JSON body.

#include "app/cli/cli_http.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace onevalue::cli {

/// Exit codes of the client subcommands (see `usage()`).
constexpr int exit_ok = 0;
constexpr int exit_refused = 1;
constexpr int exit_usage = 2;

/// Prints why a request failed and returns its exit code: 2 without an answer, 1 for an
/// answer that refused (with the node's JSON error message when there is one).
int report_failure(const http_reply& r, std::ostream& err);

/// Parses a JSON body, or reports a malformed answer (exit 2: not what a node sends).
bool parse_body(const http_reply& r, nlohmann::json& out, std::ostream& err);

} // namespace onevalue::cli
