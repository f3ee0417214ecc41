#pragma once

// Turns argv, the environment and the config file into validated node_options.

#include "app/config/node_config.hpp"
#include "app/config/node_options.hpp"

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

namespace onevalue {

/// Reads one environment variable; returns nullptr when it is unset.
using getenv_function = std::function<const char*(const char*)>;

/// What the loader takes from the process, injectable so tests are deterministic.
struct load_context {
  /// Environment lookup (ADVERTISE_ADDR, CLUSTER_ADDR). Never the process-global
  /// getenv inside the loader: main passes it in.
  getenv_function getenv;
  /// Returns this machine's host name (the default node name); "" if unknown.
  std::function<std::string()> host_name;
  /// Resolves a host name to one IPv4 address; nullopt if it does not resolve.
  std::function<std::optional<std::string>(const std::string&)> resolve_ipv4;
  /// Where --help and the other texts go (stdout in production).
  std::ostream* help_out = nullptr;
};

/// A context with the real host name, the system resolver (getaddrinfo) and
/// std::cout, plus the given environment lookup.
load_context make_load_context(getenv_function getenv_fn);

/// How main should continue after loading.
enum class load_status {
  /// `options` is valid: start the node.
  run,
  /// Help or the config dump was printed: exit 0 without starting.
  exit_ok,
  /// The configuration is invalid: print `message` to stderr and exit `exit_code`.
  exit_error,
};

/// The outcome of `load_node_options`.
struct load_result {
  load_status status = load_status::exit_error;
  /// Validated options; meaningful only when `status == load_status::run`.
  node_options options;
  /// 0 for run and exit_ok; 2 for a configuration error.
  int exit_code = 2;
  /// For exit_error: one line per problem, each "config error in SOURCE: KEY: what",
  /// where SOURCE is the file, "command line" or "environment VAR".
  std::string message;
};

/// Parses `--config-file` (or caf-application.ini), the environment and the command
/// line into `cfg` (file < environment < command line), validates every value against
/// node_option_table() and returns the node's options. Durations may use onevalue's
/// syntax (10m) in the file and on the command line, also for CAF's own options. Sets
/// the CAF settings of config::caf_defaults() the user did not set.
///
/// On --help/-h, --long-help or --options-markdown prints that text to `ctx.help_out`;
/// --dump-config prints CAF's dump to stdout once the options are valid. Each returns
/// exit_ok.
/// On any invalid input returns exit_error with every problem found, not only the
/// first. Never throws for bad input. `cfg` must be freshly constructed; after
/// `run`, create the caf::actor_system from it.
load_result load_node_options(node_config& cfg, int argc, char** argv,
                              const load_context& ctx);

/// As above with `make_load_context(getenv_fn)`.
load_result load_node_options(node_config& cfg, int argc, char** argv,
                              const getenv_function& getenv_fn);

} // namespace onevalue
