#pragma once

// The client subcommands: each sends its requests through an `api_client` and prints
// what the node answered. Exit codes: 0 done, 1 the node refused, 2 usage error or no
// answer (see `usage()`).

#include "app/cli/cli_args.hpp"
#include "app/cli/cli_http.hpp"
#include "app/cli/cli_watch.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace onevalue::cli {

/// Runs the parsed `inv` against `client`, printing results to `out` and problems to
/// `err`; returns the exit code.
int run_command(const invocation& inv, api_client& client, std::ostream& out,
                std::ostream& err, const watch_hooks& hooks);

/// The whole client: parses `args` (args[0] is the subcommand) with the process
/// environment, runs it against the real node, prints usage on errors or -help.
int run_client(const std::vector<std::string>& args);

} // namespace onevalue::cli
