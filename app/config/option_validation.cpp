#include "app/config/option_validation.hpp"

#include "actors/log.hpp"
#include "app/config/config_checks.hpp"

#include <caf/config_value.hpp>
#include <caf/settings.hpp>

#include <algorithm>
#include <filesystem>

namespace onevalue::config {

std::string option_sources::of(const std::string& full_key) const {
  if (command_line_keys.count(full_key) > 0)
    return "command line";
  if (file_keys.count(full_key) > 0)
    return file;
  return "defaults";
}

namespace {

std::string render(caf::timespan value) {
  return caf::to_string(caf::config_value{value});
}

/// Collects problems with the key and where its value came from.
class checker {
public:
  checker(const node_config& cfg, const option_sources& sources,
          std::vector<std::string>& errors)
      : cfg_(cfg), sources_(sources), errors_(errors) {}

  void fail(const std::string& key, const std::string& what) {
    fail_from(sources_.of("onevalue." + key), key, what);
  }

  void fail_from(const std::string& source, const std::string& key,
                 const std::string& what) {
    errors_.push_back("config error in " + source + ": onevalue." + key + ": " + what);
  }

  /// True if the file or the command line gave a valid value for `key`.
  bool given(const std::string& key) const {
    return caf::get_if(&cfg_.content, "onevalue." + key) != nullptr;
  }

  /// A timespan option: `fallback` unless given; must be positive (or zero if
  /// `allow_zero`) and a whole number of milliseconds.
  millis interval(const std::string& key, caf::timespan value, millis fallback,
                  bool allow_zero = false) {
    if (!given(key))
      return fallback;
    if (value < caf::timespan{0} || (value == caf::timespan{0} && !allow_zero)) {
      fail(key, std::string{"expected a "} + (allow_zero ? "non-negative" : "positive")
                    + " timespan, got " + render(value));
      return fallback;
    }
    auto result = std::chrono::duration_cast<millis>(value);
    if (value > caf::timespan{0} && result == millis{0}) {
      fail(key, "expected at least 1ms, got " + render(value));
      return fallback;
    }
    return result;
  }

  /// An integer option: `fallback` unless given; must lie in lo..hi.
  template <class T>
  T integer(const std::string& key, T value, T fallback, T lo, T hi) {
    if (!given(key))
      return fallback;
    if (value < lo || value > hi) {
      fail(key, "expected an integer in " + std::to_string(lo) + ".." + std::to_string(hi)
                    + ", got " + std::to_string(value));
      return fallback;
    }
    return value;
  }

private:
  const node_config& cfg_;
  const option_sources& sources_;
  std::vector<std::string>& errors_;
};

bool valid_node_name(const std::string& name) {
  return !name.empty() && name.size() <= 64
         && std::all_of(name.begin(), name.end(), [](char c) {
              return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_'
                     || c == '-';
            });
}

void check_identity(const node_config& cfg, const load_context& ctx, checker& check,
                    node_options& out) {
  out.name = cfg.name;
  if (!check.given("name")) {
    // A host name may be long or carry a domain; the node name is its first label.
    auto host = ctx.host_name ? ctx.host_name() : std::string{};
    out.name = host.substr(0, std::min(host.find('.'), std::size_t{64}));
    if (out.name.empty())
      check.fail("name", "not set and the host name is unknown; set onevalue.name");
  }
  if (!out.name.empty() || check.given("name")) {
    if (!valid_node_name(out.name))
      check.fail("name", "expected 1 to 64 letters, digits, '.', '_' or '-', got \""
                             + out.name + "\"");
  }
  out.bind = cfg.bind;
  if (!is_ipv4_address(out.bind))
    check.fail("bind",
               "expected an IPv4 address such as \"0.0.0.0\" or \"127.0.0.2\", got \""
                   + out.bind + "\"");
}

void check_advertise(const node_config& cfg, const option_sources& sources,
                     const load_context& ctx, checker& check, node_options& out) {
  std::string source = sources.of("onevalue.advertise");
  out.advertise = cfg.advertise;
  const char* env = ctx.getenv ? ctx.getenv("ADVERTISE_ADDR") : nullptr;
  if (source != "command line" && env != nullptr && *env != '\0') {
    out.advertise = env;
    source = "environment ADVERTISE_ADDR";
  }
  if (out.advertise.empty()) {
    if (out.bind != "0.0.0.0") {
      out.advertise = out.bind;
      return;
    }
    auto host = ctx.host_name ? ctx.host_name() : std::string{};
    auto resolved =
        host.empty() || !ctx.resolve_ipv4 ? std::nullopt : ctx.resolve_ipv4(host);
    if (!resolved) {
      check.fail_from(
          "defaults", "advertise",
          "not set, bind is 0.0.0.0 and the host name \"" + host
              + "\" does not resolve; set onevalue.advertise or ADVERTISE_ADDR");
      return;
    }
    out.advertise = *resolved;
    return;
  }
  if (out.advertise == "0.0.0.0") {
    check.fail_from(source, "advertise",
                    "0.0.0.0 cannot be reached by peers; give this node's address");
  } else if (is_ipv4_address(out.advertise)) {
    return;
  } else if (!is_host(out.advertise)) {
    check.fail_from(source, "advertise",
                    "expected an IPv4 address or a host name, got \"" + out.advertise
                        + "\"");
  } else if (!ctx.resolve_ipv4 || !ctx.resolve_ipv4(out.advertise)) {
    check.fail_from(source, "advertise",
                    "host name \"" + out.advertise
                        + "\" does not resolve to an IPv4 address");
  }
}

void add_seed(const std::string& text, const std::string& source, checker& check,
              node_options& out) {
  std::string why;
  auto seed = parse_peer_address(text, default_cluster_port, why);
  if (!seed) {
    check.fail_from(source, "seeds", "\"" + text + "\" is not host or host:port: " + why);
    return;
  }
  if (std::find(out.seeds.begin(), out.seeds.end(), *seed) == out.seeds.end())
    out.seeds.push_back(*seed);
}

void check_network(const node_config& cfg, const option_sources& sources,
                   const load_context& ctx, checker& check, node_options& out) {
  out.cluster_port = cfg.cluster_port;
  out.http_port = cfg.http_port;
  if (out.cluster_port == 0)
    check.fail("cluster-port", "expected an integer in 1..65535, got 0 (peers must know "
                               "the port in advance)");
  if (out.http_port == 0)
    check.fail("http-port", "expected an integer in 1..65535, got 0 (peers publish each "
                            "other's HTTP port)");
  if (out.cluster_port != 0 && out.cluster_port == out.http_port)
    check.fail(check.given("http-port") ? "http-port" : "cluster-port",
               "cluster-port and http-port must differ (both are "
                   + std::to_string(out.http_port) + ")");
  for (const auto& text : cfg.seeds)
    add_seed(text, sources.of("onevalue.seeds"), check, out);
  const char* env = ctx.getenv ? ctx.getenv("CLUSTER_ADDR") : nullptr;
  if (env != nullptr)
    for (const auto& text : split_list(env, ','))
      add_seed(text, "environment CLUSTER_ADDR", check, out);
}

void check_operation(const node_config& cfg, checker& check, node_options& out) {
  out.data_dir = cfg.data_dir;
  std::error_code ec;
  if (!out.data_dir.empty() && std::filesystem::exists(out.data_dir, ec)
      && !std::filesystem::is_directory(out.data_dir, ec))
    check.fail("data-dir", "\"" + out.data_dir + "\" exists and is not a directory");
  out.log_level = cfg.log_level;
  if (!log::valid_level(out.log_level))
    check.fail("log-level",
               "expected one of \"trace\", \"debug\", \"info\", \"warning\", "
               "\"error\", \"off\", got \""
                   + out.log_level + "\"");
  out.status_interval =
      check.interval("status-interval", cfg.status_interval, out.status_interval, true);
  out.http_threads =
      check.integer("http-threads", cfg.http_threads, out.http_threads, 1, 256);
  out.max_body_bytes = check.integer<std::size_t>("max-body-bytes", cfg.max_body_bytes,
                                                  out.max_body_bytes, 16, 1048576);
  out.max_connections = check.integer<std::size_t>(
      "max-connections", cfg.max_connections, out.max_connections, 1, 1000000);
  out.keep_alive_timeout =
      check.interval("keep-alive-timeout", cfg.keep_alive_timeout, out.keep_alive_timeout);
  out.request_timeout =
      check.interval("request-timeout", cfg.request_timeout, out.request_timeout);
  out.max_watchers = static_cast<std::size_t>(check.integer(
      "max-watchers", cfg.max_watchers, static_cast<int32_t>(out.max_watchers), 1, 4096));
  out.reset_state = cfg.reset_state;
}

void check_protocol(const node_config& cfg, checker& check, node_options& out) {
  out.profile = cfg.profile;
  swim_settings base = lan_profile();
  if (out.profile == "local")
    base = local_profile();
  else if (out.profile != "lan")
    check.fail("profile", "expected \"lan\" or \"local\", got \"" + out.profile + "\"");
  auto& s = out.swim;
  s.probe_interval =
      check.interval("probe-interval", cfg.probe_interval, base.probe_interval);
  s.ack_timeout = check.interval("ack-timeout", cfg.ack_timeout, base.ack_timeout);
  s.indirect_checks =
      check.integer("indirect-checks", cfg.indirect_checks, base.indirect_checks, 0, 16);
  s.suspicion_mult =
      check.integer("suspicion-mult", cfg.suspicion_mult, base.suspicion_mult, 1, 100);
  s.suspicion_max_mult = check.integer("suspicion-max-mult", cfg.suspicion_max_mult,
                                       base.suspicion_max_mult, 1, 100);
  s.awareness_max_multiplier =
      check.integer("awareness-max-multiplier", cfg.awareness_max_multiplier,
                    base.awareness_max_multiplier, 1, 100);
  s.gossip_interval =
      check.interval("gossip-interval", cfg.gossip_interval, base.gossip_interval);
  s.gossip_nodes =
      check.integer("gossip-nodes", cfg.gossip_nodes, base.gossip_nodes, 1, 64);
  s.retransmit_mult =
      check.integer("retransmit-mult", cfg.retransmit_mult, base.retransmit_mult, 1, 100);
  s.push_pull_interval = check.interval("push-pull-interval", cfg.push_pull_interval,
                                        base.push_pull_interval);
  s.join_retry_interval = check.interval("join-retry-interval", cfg.join_retry_interval,
                                         base.join_retry_interval);
  s.reap_after = check.interval("reap-after", cfg.reap_after, base.reap_after);
  s.failed_probe_interval = check.interval(
      "failed-probe-interval", cfg.failed_probe_interval, base.failed_probe_interval);
  s.leave_propagation =
      check.interval("leave-propagation", cfg.leave_propagation, base.leave_propagation);
  if (s.leave_propagation > millis{1500})
    check.fail("leave-propagation",
               "expected at most 1500ms (shutdown must finish within "
               "2s), got "
                   + format_duration(s.leave_propagation));
  s.max_packet_bytes = check.integer<std::size_t>(
      "max-packet-bytes", cfg.max_packet_bytes, base.max_packet_bytes, 512, 65507);
  if (s.ack_timeout >= s.probe_interval) {
    // Blame the option the user set; a profile's own pair is always consistent.
    auto key = check.given("ack-timeout") || !check.given("probe-interval")
                   ? "ack-timeout"
                   : "probe-interval";
    check.fail(key, "ack-timeout (" + format_duration(s.ack_timeout)
                        + ") must be below probe-interval ("
                        + format_duration(s.probe_interval) + ")");
  }
}

} // namespace

node_options validate_options(const node_config& cfg, const option_sources& sources,
                              const load_context& ctx, std::vector<std::string>& errors) {
  node_options out;
  checker check{cfg, sources, errors};
  check_identity(cfg, ctx, check, out);
  check_advertise(cfg, sources, ctx, check, out);
  check_network(cfg, sources, ctx, check, out);
  check_operation(cfg, check, out);
  check_protocol(cfg, check, out);
  return out;
}

} // namespace onevalue::config
