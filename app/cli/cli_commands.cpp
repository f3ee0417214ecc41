// The client subcommands but `watch` (cli_watch.cpp), the dispatch among them, and
// the client's entry point.

#include "app/cli/cli_commands.hpp"

#include "actors/core/integer_text.hpp"
#include "actors/core/member.hpp"

#include "app/cli/cli_acceptor_info.hpp"
#include "app/cli/cli_format.hpp"
#include "app/cli/cli_replies.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

extern char** environ;

namespace onevalue::cli {

namespace {

/// For an answer that must be 200 with a JSON body: prints what `render` makes of the
/// body and returns 0; otherwise reports the refusal (1), no answer (2) or a body that
/// is not the JSON a node sends (2).
template <class Render>
int print_json_answer(const http_reply& r, std::ostream& out, std::ostream& err,
                      Render render) {
  if (!r.answered || r.status != 200)
    return report_failure(r, err);
  nlohmann::json body;
  if (!parse_body(r, body, err))
    return exit_usage;
  try {
    render(body, out);
  } catch (const nlohmann::json::exception& e) {
    err << "onevalue: unexpected answer from the node: " << e.what() << "\n";
    return exit_usage;
  }
  return exit_ok;
}

/// Prints the value of a versioned-value body, or all of it with `detailed`.
auto value_printer(bool detailed) {
  return [detailed](const nlohmann::json& body, std::ostream& out) {
    if (detailed)
      out << format_value_detailed(body);
    else
      out << body.at("value").get<int64_t>() << "\n";
  };
}

int cmd_get(const invocation& inv, api_client& client, std::ostream& out,
            std::ostream& err) {
  auto timeout = inv.connection.timeout;
  if (inv.has("consistent")) {
    auto r = client.send("GET", "/v1/value?consistent", "", {}, timeout);
    return print_json_answer(r, out, err, value_printer(inv.has("detailed")));
  }
  if (!inv.has("detailed")) {
    auto r = client.send("GET", "/get", "", {}, timeout);
    if (!r.answered || r.status != 200)
      return report_failure(r, err);
    out << r.body;
    if (r.body.empty() || r.body.back() != '\n')
      out << "\n";
    return exit_ok;
  }
  auto r = client.send("GET", "/v1/value", "", {}, timeout);
  return print_json_answer(r, out, err, value_printer(true));
}

int cmd_set(const invocation& inv, api_client& client, std::ostream& out,
            std::ostream& err) {
  const auto& text = inv.positional.at(0);
  auto n = parse_integer<int64_t>(text);
  if (!n) {
    err << "onevalue: set: \"" << text << "\" is not a signed 64-bit integer\n";
    return exit_usage;
  }
  std::map<std::string, std::string> headers;
  if (inv.has("cas")) {
    auto tag = inv.flag("cas");
    if (tag.empty()) {
      err << "onevalue: set: -cas needs a version such as 7-n2, or *\n";
      return exit_usage;
    }
    headers["If-Match"] = tag == "*" || tag.front() == '"' ? tag : "\"" + tag + "\"";
  }
  nlohmann::json body{{"value", *n}};
  auto r = client.send("PUT", "/v1/value", body.dump(), headers, inv.connection.timeout);
  if (r.answered && r.status == 412) {
    nlohmann::json current;
    if (parse_body(r, current, err) && current.contains("version")) {
      err << "onevalue: set: the node's version is " << format_version(current)
          << ", not " << inv.flag("cas") << "; nothing was written\n";
      out << current.value("value", int64_t{0}) << "\n";
    } else {
      report_failure(r, err);
    }
    return exit_refused;
  }
  if (!r.answered || r.status != 200)
    return report_failure(r, err);
  nlohmann::json written;
  if (!parse_body(r, written, err))
    return exit_usage;
  out << written.value("value", *n) << "\n";
  return exit_ok;
}

int cmd_add(const invocation& inv, api_client& client, std::ostream& out,
            std::ostream& err) {
  const auto& text = inv.positional.at(0);
  auto n = parse_integer<int64_t>(text);
  if (!n) {
    err << "onevalue: add: \"" << text << "\" is not a signed 64-bit integer\n";
    return exit_usage;
  }
  nlohmann::json body{{"delta", *n}};
  auto r = client.send("POST", "/v1/value/add", body.dump(),
                       {{"Content-Type", "application/json"}}, inv.connection.timeout);
  return print_json_answer(r, out, err, value_printer(false));
}

int cmd_members(const invocation& inv, api_client& client, std::ostream& out,
                std::ostream& err) {
  auto format = inv.flag("format", "table");
  if (format != "table" && format != "json") {
    err << "onevalue: members: -format takes table or json, not \"" << format << "\"\n";
    return exit_usage;
  }
  auto status = inv.flag("status");
  if (!status.empty() && status != "alive" && status != "suspect" && status != "failed"
      && status != "left") {
    err << "onevalue: members: -status takes alive, suspect, failed or left, not \""
        << status << "\"\n";
    return exit_usage;
  }
  auto r = client.send("GET", "/v1/members", "", {}, inv.connection.timeout);
  if (!r.answered || r.status != 200)
    return report_failure(r, err);
  nlohmann::json members;
  if (!parse_body(r, members, err) || !members.is_array()) {
    err << "onevalue: members: the node's answer is not a list\n";
    return exit_usage;
  }
  out << (format == "json" ? format_members_json(members, status)
                           : format_members_table(members, status));
  return exit_ok;
}

int cmd_health(const invocation& inv, api_client& client, std::ostream& out,
               std::ostream& err) {
  auto r = client.send("GET", "/health", "", {}, inv.connection.timeout);
  if (!r.answered)
    return report_failure(r, err);
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  out << (body.is_discarded() ? r.body : body.dump(2)) << "\n";
  return r.status == 200 ? exit_ok : exit_refused;
}

int cmd_force_leave(const invocation& inv, api_client& client, std::ostream& out,
                    std::ostream& err) {
  const auto& name = inv.positional.at(0);
  // Only a valid node name goes into the path unescaped.
  if (!valid_node_name(name)) {
    err << "onevalue: force-leave: \"" << name
        << "\" is not a node name (1 to 64 letters, digits, '.', '_' or '-')\n";
    return exit_usage;
  }
  auto r = client.send("POST", "/v1/members/" + name + "/leave", "", {},
                       inv.connection.timeout);
  if (!r.answered || r.status != 200)
    return report_failure(r, err);
  nlohmann::json member;
  if (!parse_body(r, member, err) || !member.is_object()) {
    err << "onevalue: force-leave: the node's answer is not a member\n";
    return exit_usage;
  }
  out << format_members_table(nlohmann::json::array({member}), "");
  return exit_ok;
}

/// Prints each member's answer to a keyring request, one line each.
void print_keyring_nodes(const nlohmann::json& nodes, std::ostream& out) {
  for (const auto& n : nodes) {
    out << n.value("node", "?") << "\t" << n.value("result", "?");
    if (n.contains("detail"))
      out << "\t" << n.value("detail", "");
    out << "\n";
  }
}

int cmd_keyring(const invocation& inv, api_client& client, std::ostream& out,
                std::ostream& err) {
  std::string op;
  for (const char* flag : {"list", "install", "use", "remove"})
    if (inv.has(flag)) {
      if (!op.empty()) {
        err << "onevalue: keyring: give one of -list, -install, -use, -remove\n";
        return exit_usage;
      }
      op = flag;
    }
  if (op.empty()) {
    err << "onevalue: keyring: give one of -list, -install KEY, -use KEY, -remove KEY\n";
    return exit_usage;
  }
  // A change waits for every member (each within the node's 5 s stream deadline).
  auto timeout = std::max<std::chrono::milliseconds>(inv.connection.timeout,
                                                     std::chrono::seconds{15});
  auto r = op == "list" ? client.send("GET", "/v1/keyring", "", {}, timeout)
                        : client.send("POST", "/v1/keyring",
                                      nlohmann::json{{op, inv.flag(op)}}.dump(),
                                      {{"Content-Type", "application/json"}}, timeout);
  nlohmann::json body;
  if (!r.answered || (r.status != 200 && r.status != 500) || !parse_body(r, body, err))
    return report_failure(r, err);
  if (op == "list" && body.contains("keys")) {
    out << "fingerprint\tmembers\tprimary on\n";
    for (const auto& k : body["keys"])
      out << k.value("fingerprint", "?") << "\t" << k.value("members", 0) << "/"
          << body.value("members", 0) << "\t" << k.value("primary_on", 0) << "\n";
  }
  if (body.contains("nodes"))
    print_keyring_nodes(body["nodes"], out);
  if (r.status != 200)
    return report_failure(r, err);
  return exit_ok;
}

/// Prints the node's scrape as it came (the Prometheus text format, for promtool or
/// grep); anything but a 200 is a failure.
int cmd_metrics(const invocation& inv, api_client& client, std::ostream& out,
                std::ostream& err) {
  auto r = client.send("GET", "/metrics", "", {}, inv.connection.timeout);
  if (!r.answered || r.status != 200)
    return report_failure(r, err);
  out << r.body;
  return exit_ok;
}

} // namespace

int run_command(const invocation& inv, api_client& client, std::ostream& out,
                std::ostream& err, const watch_hooks& hooks) {
  if (inv.command == "get")
    return cmd_get(inv, client, out, err);
  if (inv.command == "set")
    return cmd_set(inv, client, out, err);
  if (inv.command == "add")
    return cmd_add(inv, client, out, err);
  if (inv.command == "members")
    return cmd_members(inv, client, out, err);
  if (inv.command == "health")
    return cmd_health(inv, client, out, err);
  if (inv.command == "force-leave")
    return cmd_force_leave(inv, client, out, err);
  if (inv.command == "metrics")
    return cmd_metrics(inv, client, out, err);
  if (inv.command == "watch")
    return cmd_watch(inv, client, out, err, hooks);
  if (inv.command == "keyring")
    return cmd_keyring(inv, client, out, err);
  err << "onevalue: unknown command " << inv.command << "\n";
  return exit_usage;
}

int run_client(const std::vector<std::string>& args) {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv{*e};
    auto eq = kv.find('=');
    if (eq != std::string::npos && kv.rfind("ONEVALUE_", 0) == 0)
      env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  auto parsed = parse_arguments(args, env);
  if (parsed.help) {
    std::cout << usage(parsed.parsed ? parsed.parsed->command : "");
    return exit_ok;
  }
  if (!parsed.parsed) {
    std::cerr << "onevalue: " << parsed.error << "\n\n"
              << usage(args.empty() ? "" : args[0]);
    return exit_usage;
  }
  if (parsed.parsed->command == "acceptor-info")
    return print_acceptor_info(parsed.parsed->positional.at(0), std::cout, std::cerr);
  auto client = make_http_client(parsed.parsed->connection);
  return run_command(*parsed.parsed, *client, std::cout, std::cerr,
                     default_watch_hooks());
}

} // namespace onevalue::cli
