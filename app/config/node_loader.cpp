#include "app/config/node_loader.hpp"

#include "app/config/config_checks.hpp"
#include "app/config/config_file_check.hpp"
#include "app/config/option_validation.hpp"

#include <caf/config_option.hpp>
#include <caf/config_value.hpp>
#include <caf/settings.hpp>

#include <arpa/inet.h>
#include <netdb.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>

namespace onevalue {

namespace {

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

bool is_help_flag(const std::string& arg) {
  return arg == "--help" || arg == "-h" || arg == "-?";
}

load_result fail(std::string message) {
  load_result result;
  result.status = load_status::exit_error;
  result.exit_code = 2;
  result.message = std::move(message);
  return result;
}

load_result fail(const std::vector<std::string>& errors) {
  std::string message;
  for (const auto& line : errors) {
    if (!message.empty())
      message += '\n';
    message += line;
  }
  return fail(std::move(message));
}

/// The full names ("onevalue.http-port") of every option given on the command line.
std::set<std::string> keys_on_command_line(const std::vector<std::string>& args,
                                           const caf::config_option_set& options) {
  std::set<std::string> result;
  for (const auto& arg : args) {
    if (arg.compare(0, 2, "--") != 0)
      continue;
    auto name = arg.substr(2, arg.find('=') - 2);
    if (auto opt = options.cli_long_name_lookup(name))
      result.emplace(opt->full_name().begin(), opt->full_name().end());
  }
  return result;
}

/// Sets `key` to `value` unless the file or the command line already set it.
template <class T>
void set_default(node_config& cfg, const std::string& key, T value) {
  if (caf::get_if(&cfg.content, key) == nullptr)
    cfg.set(key, std::move(value));
}

void apply_caf_defaults(node_config& cfg) {
  if (caf::get_if(&cfg.content, std::string{"middleman.app-identifier"}) == nullptr)
    set_default(cfg, "middleman.app-identifiers", std::vector<std::string>{"onevalue"});
  // Every node must use the same heartbeat settings (CAF-NOTES §3): a node with a
  // connection timeout drops idle links to a node that sends no heartbeats. The
  // timeout drops a BASP link to a hung peer, so that the next push-pull connects
  // afresh. Heartbeats cost about 45 bytes per open link per interval, and a node keeps
  // a link to every member it exchanged state with (up to N-1): at 1 s that was 160-380
  // bytes/s per node in an idle 10-node cluster, more than its UDP gossip; every 5 s it
  // is a fifth of that, and a hung link is dropped after 15 s instead of 5 s.
  set_default(cfg, "middleman.heartbeat-interval",
              caf::timespan{std::chrono::seconds(5)});
  set_default(cfg, "middleman.connection-timeout",
              caf::timespan{std::chrono::seconds(15)});
  // CAF's default is max(cores, 4) workers. The HTTP event loops (http-threads) need
  // cores of their own, so the actors get half the cores. On 2 cores that is one
  // worker: every actor hop stays on one thread instead of waking the other worker
  // through the shared queue's condition variable. Measured with wrk -c32 on one node
  // of three (issue 6): /set/{n} 68k -> 78k req/s, PUT 52k -> 74k, GET 131k -> 153k.
  auto cores = std::max(1u, std::thread::hardware_concurrency());
  set_default(cfg, "scheduler.max-threads", static_cast<uint64_t>(std::max(1u, cores / 2)));
  // CAF's default work-stealing workers poll for work even when idle (relaxed polling
  // wakes every 10 ms): an idle node used 3.5 % of a core; with the sharing policy
  // (one queue, workers sleep on a condition variable) 0.1 % (issue 6). Sharing has one
  // lock for all workers, which costs on many cores; `scheduler.policy` in the file or
  // on the command line overrides it.
  set_default(cfg, "scheduler.policy", caf::atom("sharing"));
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
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i)
    args.emplace_back(argv[i]);
  if (std::any_of(args.begin(), args.end(), is_help_flag)) {
    auto& out = ctx.help_out != nullptr ? *ctx.help_out : std::cout;
    out << cfg.help_text() << std::flush;
    load_result result;
    result.status = load_status::exit_ok;
    result.exit_code = 0;
    return result;
  }
  // The last --config-file wins, as in CAF.
  std::string file = "caf-application.ini";
  bool explicit_file = false;
  for (const auto& arg : args)
    if (arg.compare(0, 14, "--config-file=") == 0) {
      file = arg.substr(14);
      explicit_file = true;
    }
  bool file_exists = std::ifstream{file}.good();
  if (explicit_file && !file_exists)
    return fail("config error in " + file
                + ": cannot open the config file given by --config-file");
  if (auto err = cfg.parse(args))
    return fail(config::describe_parse_error(err, cfg.option_set(), file));
  if (cfg.cli_helptext_printed) {
    load_result result;
    result.status = load_status::exit_ok;
    result.exit_code = 0;
    return result;
  }
  std::vector<std::string> errors;
  for (const auto& extra : cfg.remainder)
    errors.push_back("config error in command line: unexpected argument \"" + extra
                     + "\" (options look like --onevalue.KEY=VALUE)");
  std::set<std::string> file_keys;
  if (file_exists) {
    auto raw = node_config::parse_config_file(file.c_str());
    if (!raw)
      return fail(config::describe_parse_error(raw.error(), cfg.option_set(), file));
    config::check_config_file(*raw, cfg.option_set(), file, errors);
    if (auto section = caf::get_if<caf::settings>(&*raw, "onevalue"))
      for (const auto& entry : *section)
        file_keys.insert("onevalue." + entry.first);
  }
  config::option_sources sources;
  sources.file = file;
  sources.command_line_keys = keys_on_command_line(args, cfg.option_set());
  sources.file_keys = std::move(file_keys);
  auto options = config::validate_options(cfg, sources, ctx, errors);
  if (!errors.empty())
    return fail(errors);
  apply_caf_defaults(cfg);
  options.config_file = file_exists ? file : std::string{};
  load_result result;
  result.status = load_status::run;
  result.exit_code = 0;
  result.options = std::move(options);
  return result;
}

} // namespace onevalue
