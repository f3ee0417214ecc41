#pragma once

// The client subcommands: each sends its requests through an `api_client` and prints
// what the node answered. Exit codes: 0 done, 1 the node refused, 2 usage error or no
// answer (see `usage()`).

#include "app/cli/cli_args.hpp"
#include "app/cli/cli_http.hpp"

#include <chrono>
#include <functional>
#include <ostream>

namespace onevalue::cli {

/// Seams for `watch`, which otherwise runs until interrupted.
struct watch_hooks {
  /// Waits before retrying after a failed request (real time in the CLI).
  std::function<void(std::chrono::milliseconds)> pause;
  /// Asked before every request; true ends the watch with exit code 0.
  std::function<bool()> stop;
  /// Runs a -handler command with `input` on stdin and `env` added to its environment;
  /// returns its exit status. The CLI runs it with /bin/sh -c.
  std::function<int(const std::string& command, const std::string& input,
                    const std::map<std::string, std::string>& env)>
      run_handler;
};

/// The hooks the real CLI uses: sleep, never stop, /bin/sh.
watch_hooks default_watch_hooks();

/// Runs the parsed `inv` against `client`, printing results to `out` and problems to
/// `err`; returns the exit code.
int run_command(const invocation& inv, api_client& client, std::ostream& out,
                std::ostream& err, const watch_hooks& hooks);

/// The whole client: parses `args` (args[0] is the subcommand) with the process
/// environment, runs it against the real node, prints usage on errors or -help.
int run_client(const std::vector<std::string>& args);

} // namespace onevalue::cli
