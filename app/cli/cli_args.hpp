#pragma once

// The command line of onevalue's client subcommands (`onevalue get`, `onevalue set 5
// -cas 7-n2`, ...), parsed without I/O so every rule is unit-tested. Flags follow Serf
// and Consul: one dash (`-detailed`), two are accepted too; a value follows `=` or comes
// as the next argument.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace onevalue::cli {

/// Where and how to reach a node's HTTP API; shared by every subcommand.
struct connection_options {
  /// `host:port`, `http://host:port` or `https://host:port`. Default from the
  /// environment variable ONEVALUE_HTTP_ADDR, else 127.0.0.1:8080.
  std::string http_addr = "127.0.0.1:8080";
  /// Access token sent as `Authorization: Bearer`; from ONEVALUE_HTTP_TOKEN by default.
  std::string token;
  /// CA certificate (PEM) that signs the node's HTTPS certificate; from
  /// ONEVALUE_HTTP_CA_FILE by default. Empty: the system's CAs.
  std::string ca_file;
  /// Client certificate and key (PEM) for a node that requires one.
  std::string client_cert;
  std::string client_key;
  /// Connect and read timeout of one request (a `watch` waits longer: see there).
  std::chrono::milliseconds timeout{std::chrono::seconds{5}};
};

/// One parsed invocation: the subcommand, its flags and its positional arguments.
struct invocation {
  std::string command;
  connection_options connection;
  /// Flags of the subcommand by name (without dashes); a bare flag maps to "".
  std::map<std::string, std::string> flags;
  std::vector<std::string> positional;

  bool has(const std::string& flag) const { return flags.count(flag) > 0; }
  std::string flag(const std::string& name, const std::string& fallback = "") const {
    auto it = flags.find(name);
    return it == flags.end() ? fallback : it->second;
  }
};

/// The result of parsing: an invocation, or a usage error to print (exit code 2).
struct parse_result {
  std::optional<invocation> parsed;
  std::string error;
  /// `-h`/`-help`/`--help` anywhere: print the usage (of the subcommand, if known).
  bool help = false;
};

/// Whether `word` names a client subcommand (so `main` runs the client, not a node).
bool is_client_command(const std::string& word);

/// Parses `args` (without the program name; args[0] is the subcommand). `env` looks up
/// environment variables (ONEVALUE_HTTP_ADDR, ONEVALUE_HTTP_TOKEN,
/// ONEVALUE_HTTP_CA_FILE); flags win over the environment. Fails on an unknown
/// subcommand or flag, a missing flag value, a flag value of the wrong form, or the wrong
/// number of positional arguments, with a message naming what is wrong.
parse_result parse_arguments(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env);

/// The usage text: every subcommand, its flags, the global flags, the environment
/// variables and the exit codes; with `command` only that subcommand's part.
std::string usage(const std::string& command = "");

/// Parses a `-timeout` value in the one duration syntax (`5s`, `500ms`, `1m30s`;
/// actors/core/duration_text.hpp), truncated to milliseconds; nullopt if malformed.
std::optional<std::chrono::milliseconds> parse_timeout(const std::string& text);

} // namespace onevalue::cli
