#pragma once

// `onevalue watch`: prints the value, then every newer one, by blocking reads
// (`/v1/value?index=...&wait=...`), or hands each to a -handler command; runs until
// interrupted, retrying while the node does not answer.

#include "app/cli/cli_args.hpp"
#include "app/cli/cli_http.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <ostream>
#include <string>

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

/// Runs the `watch` command `inv` against `client` until `hooks.stop()`: returns 0
/// then, or 2 once the node answers with a body that is not a value. A request
/// without an answer or refused is reported to `err` and retried after
/// `hooks.pause`; a handler that fails is reported and the watch goes on.
int cmd_watch(const invocation& inv, api_client& client, std::ostream& out,
              std::ostream& err, const watch_hooks& hooks);

} // namespace onevalue::cli
