#include "app/config/node_loader.hpp"

#include "actors/core/consensus_settings.hpp"

#include "actors/core/duration_text.hpp"
#include "app/config/caf_defaults.hpp"
#include "app/config/config_checks.hpp"
#include "app/config/config_file_check.hpp"
#include "app/config/node_help.hpp"
#include "app/config/option_parsing.hpp"
#include "app/config/option_table.hpp"

#include <caf/config_option.hpp>
#include <caf/config_value.hpp>
#include <caf/settings.hpp>

#include <arpa/inet.h>
#include <netdb.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

namespace onevalue {

namespace {

const std::string category = "onevalue";

std::string system_host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0)
    return {};
  return buf;
}

std::optional<std::string> system_resolve_ipv4(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr)
    return std::nullopt;
  char text[INET_ADDRSTRLEN] = {};
  auto addr = reinterpret_cast<sockaddr_in*>(found->ai_addr);
  inet_ntop(AF_INET, &addr->sin_addr, text, sizeof(text));
  freeaddrinfo(found);
  return std::string{text};
}

load_result finish(load_status status, int exit_code, std::string message = {}) {
  load_result result;
  result.status = status;
  result.exit_code = exit_code;
  result.message = std::move(message);
  return result;
}

load_result fail(const std::vector<std::string>& errors) {
  std::string message;
  for (const auto& line : errors)
    message += (message.empty() ? "" : "\n") + line;
  return finish(load_status::exit_error, 2, std::move(message));
}

/// The text a documentation flag asks for, or nullopt if none was given.
std::optional<std::string> documentation(const std::vector<std::string>& args,
                                         const node_config& cfg) {
  auto has = [&](std::initializer_list<const char*> flags) {
    return std::any_of(args.begin(), args.end(), [&](const std::string& arg) {
      return std::find(flags.begin(), flags.end(), arg) != flags.end();
    });
  };
  if (has({"--help", "-h", "-?"}))
    return node_help_text(cfg.option_set(), false);
  if (has({"--long-help"}))
    return node_help_text(cfg.option_set(), true);
  if (has({"--options-markdown"}))
    return node_options_markdown();
  return std::nullopt;
}

const node_option_row* row_of(const std::string& key) {
  const auto& table = node_option_table();
  auto found = std::find_if(table.begin(), table.end(),
                            [&](const node_option_row& row) { return row.key == key; });
  return found == table.end() ? nullptr : &*found;
}

void report(std::vector<std::string>& errors, const std::string& source,
            const std::string& key, const std::string& what) {
  errors.push_back("config error in " + source + ": " + category + "." + key + ": "
                   + what);
}

/// The defaults that need the host: the name from the host name, the advertised
/// address from bind or the host name's address; and a given host name must resolve.
void complete_identity(node_options& out, const config::option_origins& origins,
                       const load_context& ctx, std::vector<std::string>& errors) {
  auto host = ctx.host_name ? ctx.host_name() : std::string{};
  auto resolve = [&](const std::string& name) {
    return ctx.resolve_ipv4 && !name.empty() ? ctx.resolve_ipv4(name) : std::nullopt;
  };
  if (!origins.given("name") && origins.rejected.count("name") == 0) {
    // A host name may be long or carry a domain; the node name is its first label.
    out.name = host.substr(0, std::min(host.find('.'), std::size_t{64}));
    if (out.name.empty())
      report(errors, "defaults", "name",
             "not set and the host name is unknown; set onevalue.name");
    else if (auto why = row_of("name")->check(out.name); !why.empty())
      report(errors, "defaults", "name", why);
  }
  if (origins.given("advertise")) {
    if (!config::is_ipv4_address(out.advertise) && !resolve(out.advertise))
      report(errors, origins.of("advertise"), "advertise",
             "host name \"" + out.advertise + "\" does not resolve to an IPv4 address");
  } else if (origins.rejected.count("advertise") == 0) {
    if (out.bind != "0.0.0.0")
      out.advertise = out.bind;
    else if (auto address = resolve(host))
      out.advertise = *address;
    else
      report(errors, "defaults", "advertise",
             "not set, bind is 0.0.0.0 and the host name \"" + host
                 + "\" does not resolve; set onevalue.advertise or ADVERTISE_ADDR");
  }
}

/// HTTPS needs its certificate and key, and its files mean nothing without it.
void check_https(const node_options& out, const config::option_origins& origins,
                 std::vector<std::string>& errors) {
  const std::pair<const char*, const std::string*> files[] = {
      {"https-cert", &out.https_cert},
      {"https-key", &out.https_key},
      {"https-client-ca", &out.https_client_ca}};
  for (const auto& [key, path] : files) {
    bool needed = std::string{key} != "https-client-ca";
    if (out.https_port != 0 && needed && path->empty()
        && origins.rejected.count(key) == 0)
      report(errors, origins.of("https-port"), key,
             "https-port is " + std::to_string(out.https_port)
                 + ", so HTTPS needs a PEM file here");
    else if (out.https_port == 0 && !path->empty())
      report(errors, origins.of(key), key,
             "is set but https-port is 0 (HTTPS off); set https-port or remove it");
  }
}

/// Rules between options; the option the user set is blamed (a default pair is
/// always consistent).
void check_relations(const node_options& out, const config::option_origins& origins,
                     std::vector<std::string>& errors) {
  auto same_port = [&](const char* a, uint16_t port_a, const char* b, uint16_t port_b) {
    if (port_a == 0 || port_a != port_b)
      return;
    auto key = origins.given(b) ? b : a;
    report(errors, origins.of(key), key,
           std::string{a} + " and " + b + " must differ (both are "
               + std::to_string(port_a) + ")");
  };
  same_port("cluster-port", out.cluster_port, "http-port", out.http_port);
  same_port("cluster-port", out.cluster_port, "https-port", out.https_port);
  same_port("http-port", out.http_port, "https-port", out.https_port);
  if (out.http_port == 0 && out.https_port == 0
      && origins.rejected.count("http-port") == 0
      && origins.rejected.count("https-port") == 0)
    report(errors, origins.of("http-port"), "http-port",
           "http-port = 0 turns plain HTTP off and https-port is 0 (off): the node "
           "would serve no API; set https-port (with https-cert and https-key) or a "
           "nonzero http-port");
  check_https(out, origins, errors);
  if (out.linearizable()) {
    if (auto why = validate_voters(out.voters))
      report(errors, origins.of(origins.given("voters") ? "voters" : "consistency"),
             "voters",
             "linearizable mode needs the voters' names: " + *why
                 + " (e.g. voters = [\"n1\", \"n2\", \"n3\"])");
  } else if (!out.voters.empty()) {
    report(errors, origins.of("voters"), "voters",
           "voters are only used with consistency = \"linearizable\" (consistency is \""
               + out.consistency + "\"); remove them or set the mode");
  }
  const auto& s = out.swim;
  if (s.ack_timeout >= s.probe_interval) {
    auto key = origins.given("ack-timeout") || !origins.given("probe-interval")
                   ? "ack-timeout"
                   : "probe-interval";
    report(errors, origins.of(key), key,
           "ack-timeout (" + format_duration(s.ack_timeout)
               + ") must be below probe-interval (" + format_duration(s.probe_interval)
               + ")");
  }
}

} // namespace

load_context make_load_context(getenv_function getenv_fn) {
  load_context ctx;
  ctx.getenv = std::move(getenv_fn);
  ctx.host_name = system_host_name;
  ctx.resolve_ipv4 = system_resolve_ipv4;
  ctx.help_out = &std::cout;
  return ctx;
}

load_result load_node_options(node_config& cfg, int argc, char** argv,
                              const getenv_function& getenv_fn) {
  return load_node_options(cfg, argc, argv, make_load_context(getenv_fn));
}

load_result load_node_options(node_config& cfg, int argc, char** argv,
                              const load_context& ctx) {
  std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  if (auto text = documentation(args, cfg)) {
    (ctx.help_out != nullptr ? *ctx.help_out : std::cout) << *text << std::flush;
    return finish(load_status::exit_ok, 0);
  }
  // The last --config-file wins, as in CAF.
  std::string file = "caf-application.ini";
  bool explicit_file = false;
  for (const auto& arg : args)
    if (arg.compare(0, 14, "--config-file=") == 0) {
      file = arg.substr(14);
      explicit_file = true;
    }
  std::ifstream in{file};
  if (explicit_file && !in)
    return fail({"config error in " + file
                 + ": cannot open the config file given by --config-file"});
  std::ostringstream text;
  text << in.rdbuf();
  // CAF would print the dump before onevalue validated anything; it comes at the end.
  auto dump = std::remove(args.begin(), args.end(), "--dump-config");
  bool dump_requested = dump != args.end();
  args.erase(dump, args.end());
  auto parsed =
      config::parse_options(cfg, cfg.option_set(), config::specs_of(node_option_table()),
                            category, args, file, bool{in}, text.str(), ctx.getenv);
  if (parsed.error)
    return fail({config::describe_parse_error(parsed.error, cfg.option_set(), file)});
  std::vector<std::string> errors;
  for (const auto& extra : cfg.remainder)
    errors.push_back("config error in command line: unexpected argument \"" + extra
                     + "\" (options look like --onevalue.KEY=VALUE)");
  if (in) {
    // CAF drops a value of the wrong type in its own sections and keeps unknown keys
    // silently; the file read without options shows both.
    std::istringstream again{parsed.ini};
    if (auto raw = node_config::parse_config(again))
      config::check_config_file(*raw, cfg.option_set(), file, errors);
  }
  load_result result = finish(load_status::run, 0);
  auto origins = config::resolve_options(node_option_table(), parsed.sources,
                                         result.options, errors);
  complete_identity(result.options, origins, ctx, errors);
  check_relations(result.options, origins, errors);
  if (!errors.empty())
    return fail(errors);
  config::apply_caf_defaults(cfg);
  result.options.config_file = in ? file : std::string{};
  if (dump_requested) {
    std::istringstream nothing_more{""};
    static_cast<void>(cfg.parse({"--dump-config"}, nothing_more)); // prints to stdout
    return finish(load_status::exit_ok, 0);
  }
  return result;
}

} // namespace onevalue
