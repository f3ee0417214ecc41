#include "app/config/node_config.hpp"

#include "actors/core/swim_settings.hpp"
#include "app/config/config_checks.hpp"

#include <caf/config_option.hpp>
#include <caf/io/middleman.hpp>

#include <sstream>

namespace onevalue {

namespace {

const caf::string_view group = "onevalue";

/// " Default: 1s (profile lan), 200ms (profile local)." for a swim interval.
std::string profile_default(millis swim_settings::*field) {
  auto lan = lan_profile().*field;
  auto local = local_profile().*field;
  if (lan == local)
    return " Default: " + config::format_duration(lan) + " (both profiles).";
  return " Default: " + config::format_duration(lan) + " (profile lan), "
         + config::format_duration(local) + " (profile local).";
}

template <class T>
std::string profile_default(T swim_settings::*field) {
  auto lan = lan_profile().*field;
  auto local = local_profile().*field;
  if (lan == local)
    return " Default: " + std::to_string(lan) + " (both profiles).";
  return " Default: " + std::to_string(lan) + " (profile lan), " + std::to_string(local)
         + " (profile local).";
}

/// Appends `text` to `out` wrapped at `width` columns, each line indented by `indent`.
void append_wrapped(std::string& out, const std::string& text, std::size_t indent,
                    std::size_t width) {
  std::istringstream words{text};
  std::string word;
  std::size_t column = 0;
  while (words >> word) {
    if (column > indent && column + 1 + word.size() > width) {
      out += '\n';
      column = 0;
    }
    if (column == 0) {
      out.append(indent, ' ');
      column = indent;
    } else {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
  }
  out += '\n';
}

} // namespace

node_config::node_config() {
  load<caf::io::middleman>();
  using swim = swim_settings;
  opt_group{custom_options_, group}
      .add(name, "name",
           "Unique node name, shown in logs, versions and /v1/members. Letters, digits, "
           "'.', '_' and '-', at most 64 characters. Default: the host name. Two nodes "
           "with the same name overwrite each other's membership entry.")
      .add(bind, "bind",
           "IPv4 address to listen on, for the cluster port (UDP and TCP) and the HTTP "
           "port. Default \"0.0.0.0\" (every interface); a specific address such as "
           "\"127.0.0.2\" lets several nodes share one host with the same ports.")
      .add(
          advertise, "advertise",
          "Address peers use to reach this node (IPv4 or a resolvable name). Default: "
          "env ADVERTISE_ADDR, else bind unless it is 0.0.0.0, else the address the host "
          "name resolves to. Must be reachable from every peer, or they mark this node "
          "failed.")
      .add(cluster_port, "cluster-port",
           "Port of the membership protocol: UDP for probes and gossip, TCP for state "
           "exchange. 1..65535, default 7946. 0 (any port) is not allowed: peers must "
           "know the port in advance.")
      .add(
          http_port, "http-port",
          "Port of the REST API. 1..65535, default 8080. 0 is not allowed: peers publish "
          "each other's HTTP port in /v1/members.")
      .add(seeds, "seeds",
           "Peers to join through, a list of \"host\" or \"host:port\" (port default "
           "7946), e.g. [\"10.0.0.2\", \"10.0.0.3:7000\"]. Env CLUSTER_ADDR adds more "
           "(comma-separated). Default: none, start a new cluster. Join retries in the "
           "background until one answers; listing several survives the loss of some.")
      .add(data_dir, "data-dir",
           "Directory for durable state (value, version, clock). "
           "Default \"\" keeps the value in memory only: a restarted node relearns it "
           "from "
           "its peers, and a whole-cluster restart loses it.")
      .add(
          log_level, "log-level",
          "Log level: \"trace\", \"debug\", \"info\", \"warning\", \"error\" or \"off\". "
          "Default \"info\": membership changes, remote values, status lines.")
      .add(status_interval, "status-interval",
           "Time between two status log lines (members, value), a timespan such as 10s. "
           "Default 10s; 0s disables them.")
      .add(http_threads, "http-threads",
           "HTTP event-loop threads, 1..256, default 2. Each loop serves any number of "
           "connections without blocking (idle keep-alive connections and blocking "
           "reads hold no thread), so this is about cores, not clients: more loops use "
           "more cores under load but compete with the actors on a small machine.")
      .add(max_body_bytes, "max-body-bytes",
           "Largest accepted request body in bytes, 16..1048576, default 4096; larger "
           "bodies get 413. A value is one integer, so large bodies are mistakes or "
           "abuse.")
      .add(max_connections, "max-connections",
           "Open HTTP connections at most, 1..1000000, default 10000; past it a new "
           "connection gets 503 and is closed. Each costs a file descriptor and a few "
           "hundred bytes while idle; the node lowers it to its descriptor limit "
           "(RLIMIT_NOFILE) minus 64.")
      .add(keep_alive_timeout, "keep-alive-timeout",
           "How long an idle keep-alive HTTP connection stays open, a timespan, default "
           "30s. Longer saves clients reconnects after pauses; shorter frees idle "
           "connections' descriptors sooner.")
      .add(request_timeout, "request-timeout",
           "How long an HTTP request waits for the node's actors before it fails with an "
           "error status, a timespan, default 2s. Lower fails faster under overload; "
           "higher rides out stalls.")
      .add(max_watchers, "max-watchers",
           "Blocking reads (GET /v1/value?index=N&wait=D) that may wait at once, "
           "1..4096, default 64. A waiting read holds no thread, only its connection "
           "and a callback (a few hundred bytes); every new value scans the waiting "
           "reads, so very many cost time per write. Past the limit a blocking read "
           "gets 429 at once.")
      .add(reset_state, "reset-state",
           "A bare flag (--onevalue.reset-state): if the state file in data-dir is "
           "corrupt or truncated, move it to state.corrupt and start as a new node that "
           "relearns the value from the cluster. Default off: a corrupt file stops the "
           "node with an error naming the file (never a silent reset).")
      .add(profile, "profile",
           "Preset for the protocol timings below: \"lan\" (default; "
           "hashicorp/memberlist's "
           "LAN timings) or \"local\" (about 5x faster, for nodes on one host or a fast "
           "LAN; more traffic, more false suspicions under load). An option given "
           "explicitly overrides the preset's value.")
      .add(probe_interval, "probe-interval",
           "Time between two probes of one member. Lower detects failures sooner and "
           "costs "
           "one ping+ack per interval."
               + profile_default(&swim::probe_interval))
      .add(ack_timeout, "ack-timeout",
           "Wait for a direct ack before asking helpers to probe indirectly; must be "
           "below "
           "probe-interval. Too low causes needless indirect probes on slow links."
               + profile_default(&swim::ack_timeout))
      .add(
          indirect_checks, "indirect-checks",
          "Members asked to probe a silent member on our behalf, 0..16. More means fewer "
          "false suspicions under packet loss and more traffic per miss."
              + profile_default(&swim::indirect_checks))
      .add(
          suspicion_mult, "suspicion-mult",
          "Suspicion timeout = suspicion-mult * max(1, log10(N)) * probe-interval, >= 1. "
          "Higher gives slow members more time to refute and delays real detection."
              + profile_default(&swim::suspicion_mult))
      .add(suspicion_max_mult, "suspicion-max-mult",
           "Cap of the suspicion timeout, as a multiple of the formula above, while no "
           "independent confirmation arrived (Lifeguard), >= 1."
               + profile_default(&swim::suspicion_max_mult))
      .add(awareness_max_multiplier, "awareness-max-multiplier",
           "Lifeguard local health awareness, 1..100: missed acks of this node's own "
           "probes, helpers' nacks that did not come and refuting a suspicion about "
           "itself raise a health score (0..value-1); each successful probe lowers it "
           "by one. This node's probe-interval and ack-timeout are multiplied by "
           "score+1, so a slow or overloaded node probes less and waits longer instead "
           "of suspecting healthy members. 1 disables it; higher tolerates more local "
           "trouble and may slow this node's own detection by up to that factor."
               + profile_default(&swim::awareness_max_multiplier))
      .add(gossip_interval, "gossip-interval",
           "Time between periodic gossip rounds, the safety net behind immediate pushes. "
           "Lower converges faster after loss and sends more datagrams."
               + profile_default(&swim::gossip_interval))
      .add(
          gossip_nodes, "gossip-nodes",
          "Members each gossip round and each immediate push goes to, >= 1. More spreads "
          "faster and costs more datagrams."
              + profile_default(&swim::gossip_nodes))
      .add(retransmit_mult, "retransmit-mult",
           "Each broadcast is sent at most retransmit-mult * ceil(log10(N+1)) times, >= "
           "1. "
           "Higher survives more loss and keeps the queue busier."
               + profile_default(&swim::retransmit_mult))
      .add(push_pull_interval, "push-pull-interval",
           "Time between full-state exchanges (TCP push-pull) with one random member. "
           "Heals what gossip lost and partitions; each costs a TCP round trip with the "
           "member table. A node that just started exchanges sooner: after 2 probe "
           "intervals, then doubling the wait up to this interval. Above 32 members the "
           "interval is multiplied by ceil(log2(N/32)) + 1 (2x at 64, 6x at 1000), so that "
           "per-node anti-entropy traffic does not grow linearly with the cluster."
               + profile_default(&swim::push_pull_interval))
      .add(join_retry_interval, "join-retry-interval",
           "Time between join attempts while no seed has answered."
               + profile_default(&swim::join_retry_interval))
      .add(reap_after, "reap-after",
           "How long failed and left members stay listed (so the news keeps spreading "
           "and a "
           "partition can heal) before they are forgotten."
               + profile_default(&swim::reap_after))
      .add(failed_probe_interval, "failed-probe-interval",
           "How often failed members' addresses are still probed, so a healed partition "
           "merges again. Lower merges sooner and probes dead hosts more."
               + profile_default(&swim::failed_probe_interval))
      .add(leave_propagation, "leave-propagation",
           "How long a graceful leave (SIGTERM/SIGINT) waits for its announcement to "
           "spread "
           "before the process exits, at most 1500ms so shutdown stays within 2s."
               + profile_default(&swim::leave_propagation))
      .add(max_packet_bytes, "max-packet-bytes",
           "Largest datagram in bytes, 512..65507; piggybacked gossip fills what the "
           "probe "
           "leaves. Above the path MTU (~1400 on Ethernet) datagrams fragment and get "
           "lost "
           "more."
               + profile_default(&swim::max_packet_bytes));
}

std::vector<std::string> node_config::onevalue_option_names() const {
  std::vector<std::string> result;
  for (const auto& opt : custom_options_)
    if (opt.category() == group)
      result.emplace_back(opt.long_name().begin(), opt.long_name().end());
  return result;
}

std::string node_config::help_text() const {
  std::string out = "Usage: onevalue [--config-file=FILE] [--onevalue.KEY=VALUE ...]\n"
                    "\n"
                    "A node of onevalue, a clustered database of one 64-bit integer.\n"
                    "\n";
  append_wrapped(
      out,
      "Options come from FILE (default caf-application.ini in the working "
      "directory), section [onevalue], in CAF's INI dialect: comments start "
      "with ';', strings in \"double quotes\", timespans with a unit (250ms, 2s, "
      "1min), lists as [\"a\", \"b\"]. The environment overrides the file and "
      "the command line overrides both. CAF's own sections ([middleman], "
      "[scheduler], ...) may appear in the same file.",
      0, 80);
  out += "\nEnvironment:\n"
         "  ADVERTISE_ADDR    sets onevalue.advertise\n"
         "  CLUSTER_ADDR      adds seeds: \"host\", \"host:port\" or a comma-separated "
         "list\n";
  out += "\nOptions:\n";
  for (const auto& opt : custom_options_) {
    if (opt.category() != group)
      continue;
    out += "  --onevalue.";
    out.append(opt.long_name().begin(), opt.long_name().end());
    out += "=<";
    out.append(opt.type_name().begin(), opt.type_name().end());
    out += ">\n";
    append_wrapped(out, std::string(opt.description().begin(), opt.description().end()),
                   6, 80);
  }
  out +=
      "\nOther:\n"
      "  -h, --help        print this text and exit\n"
      "  --long-help       also list CAF's own options ([middleman], [scheduler], ...)\n"
      "  --dump-config     print the merged configuration and exit\n";
  return out;
}

} // namespace onevalue
