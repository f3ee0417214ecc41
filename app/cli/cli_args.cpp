#include "app/cli/cli_args.hpp"

#include "actors/core/duration_text.hpp"

#include <algorithm>
#include <charconv>

namespace onevalue::cli {

namespace {

/// What one flag of a subcommand takes.
enum class flag_kind { bare, value };

struct command_spec {
  const char* name;
  /// Positional arguments: at least `min_args`, at most `max_args`.
  std::size_t min_args;
  std::size_t max_args;
  const char* synopsis;
  const char* description;
  std::vector<std::pair<std::string, flag_kind>> flags;
  const char* flag_help;
};

const std::vector<command_spec>& commands() {
  static const std::vector<command_spec> specs{
      {"get",
       0,
       0,
       "get [-detailed] [-consistent]",
       "Prints the node's value.",
       {{"detailed", flag_kind::bare}, {"consistent", flag_kind::bare}},
       "  -detailed        also the version (counter and writer), index and whether the\n"
       "                   node has synchronized with the cluster\n"
       "  -consistent      a linearizable read through consensus (linearizable mode\n"
       "                   only): the latest committed value, not the node's local "
       "copy\n"},
      {"add",
       1,
       1,
       "add N",
       "Adds N (a signed 64-bit integer) to the value atomically and prints the new "
       "value\n"
       "  (linearizable mode only); exit 1 if the sum would overflow (nothing written).",
       {},
       ""},
      {"set",
       1,
       1,
       "set N [-cas VERSION]",
       "Writes N (a signed 64-bit integer) on the node and prints it.",
       {{"cas", flag_kind::value}},
       "  -cas VERSION     write only if the node's version is VERSION (as `get "
       "-detailed`\n"
       "                   prints it, e.g. 7-n2; `*` for any); otherwise exit 1 and "
       "print\n"
       "                   the current value\n"},
      {"members",
       0,
       0,
       "members [-status STATE] [-format table|json]",
       "Lists the members the node knows: name, address, state, incarnation.",
       {{"status", flag_kind::value}, {"format", flag_kind::value}},
       "  -status STATE    only members in STATE (alive, suspect, failed or left)\n"
       "  -format FORMAT   table (default) or json\n"},
      {"watch",
       0,
       0,
       "watch [-handler CMD]",
       "Prints every new value the node accepts, as it arrives (blocking reads), until\n"
       "  interrupted.",
       {{"handler", flag_kind::value}},
       "  -handler CMD     run CMD with /bin/sh for each new value instead of printing "
       "it:\n"
       "                   the value on stdin, and ONEVALUE_VALUE, ONEVALUE_VERSION,\n"
       "                   ONEVALUE_INDEX in its environment; its exit status is "
       "reported\n"},
      {"force-leave",
       1,
       1,
       "force-leave NAME",
       "Marks the failed member NAME as left on every node (as `serf force-leave`): it "
       "is\n"
       "  no longer probed and is forgotten after reap-after. Prints its entry; exit 1 "
       "if\n"
       "  the node refuses (no such member, or NAME is alive, suspect or the node "
       "itself).",
       {},
       ""},
      {"acceptor-info",
       1,
       1,
       "acceptor-info DATA_DIR",
       "Prints what a voter's acceptor files in DATA_DIR hold (promised and accepted\n"
       "  ballots, the accepted value), without a running node: for changing voters.",
       {},
       ""},
      {"health",
       0,
       0,
       "health",
       "Prints the node's health; exit 1 if it cannot take writes.",
       {},
       ""},
      {"keyring",
       0,
       0,
       "keyring -list | -install KEY | -use KEY | -remove KEY",
       "Lists or rotates the cluster's node-to-node keys on every live member and "
       "prints\n"
       "  each member's result; exit 1 if any member refused or could not be asked.",
       {{"list", flag_kind::bare},
        {"install", flag_kind::value},
        {"use", flag_kind::value},
        {"remove", flag_kind::value}},
       "  -list            the keys by fingerprint and how many members hold each\n"
       "  -install KEY     add KEY (base64, app/make_keyring.sh makes one) everywhere\n"
       "  -use KEY         seal with KEY from now on (install it everywhere first)\n"
       "  -remove KEY      stop accepting KEY (never the primary; use another first)\n"},
      {"metrics",
       0,
       0,
       "metrics",
       "Prints the node's metrics (GET /metrics) in the Prometheus text format.",
       {},
       ""},
  };
  return specs;
}

const command_spec* find_command(const std::string& name) {
  for (const auto& c : commands())
    if (name == c.name)
      return &c;
  return nullptr;
}

const std::vector<std::string> global_flags{"http-addr",   "token",      "ca-file",
                                            "client-cert", "client-key", "timeout"};

/// "-x", "--x", "-x=v", "--x=v": the name and, if given with '=', the value.
bool split_flag(const std::string& arg, std::string& name,
                std::optional<std::string>& value) {
  if (arg.size() < 2 || arg[0] != '-')
    return false;
  auto body = arg.substr(arg.compare(0, 2, "--") == 0 ? 2 : 1);
  if (body.empty())
    return false;
  auto eq = body.find('=');
  name = body.substr(0, eq);
  if (eq != std::string::npos)
    value = body.substr(eq + 1);
  return !name.empty();
}

bool is_negative_number(const std::string& arg) {
  return arg.size() > 1 && arg[0] == '-'
         && std::all_of(arg.begin() + 1, arg.end(),
                        [](char c) { return c >= '0' && c <= '9'; });
}

std::string apply_global(connection_options& c, const std::string& name,
                         const std::string& value) {
  if (name == "http-addr")
    c.http_addr = value;
  else if (name == "token")
    c.token = value;
  else if (name == "ca-file")
    c.ca_file = value;
  else if (name == "client-cert")
    c.client_cert = value;
  else if (name == "client-key")
    c.client_key = value;
  else if (name == "timeout") {
    auto d = parse_timeout(value);
    if (!d || d->count() <= 0)
      return "-timeout: expected a duration such as 5s or 500ms, got \"" + value + "\"";
    c.timeout = *d;
  }
  if (c.http_addr.empty())
    return "-http-addr: expected host:port";
  return "";
}

} // namespace

bool is_client_command(const std::string& word) {
  return find_command(word) != nullptr;
}

std::optional<std::chrono::milliseconds> parse_timeout(const std::string& text) {
  auto d = parse_duration(text);
  if (!d)
    return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

parse_result parse_arguments(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env) {
  parse_result out;
  if (args.empty()) {
    out.error = "no command given";
    return out;
  }
  const auto* spec = find_command(args[0]);
  if (!spec) {
    out.error = "unknown command \"" + args[0] + "\"";
    return out;
  }
  invocation inv;
  inv.command = spec->name;
  auto from_env = [&env](const char* key) -> std::optional<std::string> {
    auto it = env.find(key);
    if (it == env.end() || it->second.empty())
      return std::nullopt;
    return it->second;
  };
  if (auto v = from_env("ONEVALUE_HTTP_ADDR"))
    inv.connection.http_addr = *v;
  if (auto v = from_env("ONEVALUE_HTTP_TOKEN"))
    inv.connection.token = *v;
  if (auto v = from_env("ONEVALUE_HTTP_CA_FILE"))
    inv.connection.ca_file = *v;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const auto& arg = args[i];
    std::string name;
    std::optional<std::string> value;
    if (arg == "--") {
      inv.positional.insert(inv.positional.end(), args.begin() + static_cast<long>(i) + 1,
                            args.end());
      break;
    }
    if (is_negative_number(arg) || !split_flag(arg, name, value)) {
      inv.positional.push_back(arg);
      continue;
    }
    if (name == "h" || name == "help") {
      out.help = true;
      out.parsed = inv;
      return out;
    }
    bool global =
        std::find(global_flags.begin(), global_flags.end(), name) != global_flags.end();
    auto kind = flag_kind::value;
    if (!global) {
      auto it = std::find_if(spec->flags.begin(), spec->flags.end(),
                             [&name](const auto& f) { return f.first == name; });
      if (it == spec->flags.end()) {
        out.error = std::string{spec->name} + ": unknown flag -" + name;
        return out;
      }
      kind = it->second;
    }
    if (kind == flag_kind::bare) {
      if (value) {
        out.error = std::string{spec->name} + ": -" + name + " takes no value";
        return out;
      }
      inv.flags[name] = "";
      continue;
    }
    if (!value) {
      if (i + 1 >= args.size()) {
        out.error = std::string{spec->name} + ": -" + name + " needs a value";
        return out;
      }
      value = args[++i];
    }
    if (global) {
      if (auto err = apply_global(inv.connection, name, *value); !err.empty()) {
        out.error = err;
        return out;
      }
    } else {
      inv.flags[name] = *value;
    }
  }
  if (inv.positional.size() < spec->min_args || inv.positional.size() > spec->max_args) {
    out.error = std::string{spec->name} + ": expected `onevalue " + spec->synopsis + "`";
    return out;
  }
  out.parsed = std::move(inv);
  return out;
}

std::string usage(const std::string& command) {
  std::string text;
  const auto* only = find_command(command);
  if (!only)
    text += "Usage: onevalue COMMAND [flags]   (a client of a node's HTTP API)\n"
            "       onevalue [--config-file=FILE] [--onevalue.KEY=VALUE ...]   (runs a "
            "node;\n"
            "       see onevalue --help)\n\nCommands:\n";
  for (const auto& c : commands()) {
    if (only && only != &c)
      continue;
    text += std::string{"  onevalue "} + c.synopsis + "\n    " + c.description + "\n";
    text += c.flag_help;
    text += "\n";
  }
  text +=
      "Flags of every command (environment variable in brackets):\n"
      "  -http-addr ADDR  the node's HTTP API: host:port, http://host:port or\n"
      "                   https://host:port [ONEVALUE_HTTP_ADDR] (default\n"
      "                   127.0.0.1:8080)\n"
      "  -token TOKEN     access token, sent as Authorization: Bearer\n"
      "                   [ONEVALUE_HTTP_TOKEN]\n"
      "  -ca-file FILE    CA certificate for an https:// address "
      "[ONEVALUE_HTTP_CA_FILE]\n"
      "  -client-cert FILE, -client-key FILE   client certificate for HTTPS\n"
      "  -timeout D       connect and read timeout, e.g. 5s (default), 500ms\n\n"
      "Exit codes: 0 done; 1 the node refused the operation (a failed -cas, a node\n"
      "that cannot take writes, any 4xx/5xx answer); 2 a usage error or no answer from\n"
      "the node (cannot connect, timeout, TLS failure).\n";
  return text;
}

} // namespace onevalue::cli
