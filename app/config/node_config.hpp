#pragma once

#include <caf/actor_system_config.hpp>
#include <caf/timestamp.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace onevalue {

/// The node's CAF application config: every `[onevalue]` option, bound to the
/// public fields below, plus CAF's own sections (`[middleman]`, `[scheduler]`, ...)
/// in the same file.
///
/// Owned by `main`, which constructs it, fills it with `load_node_options` (see
/// app/config/node_loader.hpp) and then creates the `caf::actor_system` from it; it
/// must outlive the actor system. Touched by the main thread only. Not movable in
/// practice: CAF's options hold pointers to the fields, so a moved-from copy would
/// write into the old object.
///
/// The fields hold what CAF parsed (file, then command line); they are raw input.
/// Use the validated `node_options` the loader returns, not these fields.
class node_config : public caf::actor_system_config {
public:
  /// Declares every option and loads CAF's middleman module (so `[middleman]`
  /// options are known while parsing).
  node_config();

  node_config(const node_config&) = delete;
  node_config& operator=(const node_config&) = delete;

  /// All options known to CAF, including the `onevalue` group.
  const caf::config_option_set& option_set() const { return custom_options_; }

  /// The long names (without "onevalue.") of every option in the `onevalue` group,
  /// in declaration order.
  std::vector<std::string> onevalue_option_names() const;

  /// The usage text for `--help`: every `onevalue.*` option with its meaning, unit,
  /// default and trade-off, plus the environment variables. Never fails.
  std::string help_text() const;

  // -- node identity and addresses ------------------------------------------

  /// Unique node name, shown in logs, versions and /v1/members. Letters, digits,
  /// '.', '_' and '-', at most 64 characters. Default: the host name. Two nodes with
  /// the same name would overwrite each other's membership entry.
  std::string name;
  /// IPv4 address the node listens on, for the cluster port (UDP and TCP) and the
  /// HTTP port. Default "0.0.0.0" (every interface); a specific address such as
  /// "127.0.0.2" lets several nodes share one host with the same ports.
  std::string bind = "0.0.0.0";
  /// Address peers use to reach this node (IPv4 or a resolvable name). Default: env
  /// ADVERTISE_ADDR, else `bind` unless it is 0.0.0.0, else the address the host name
  /// resolves to. Must be reachable from every peer, or they will mark this node failed.
  std::string advertise;
  /// Port of the membership protocol: UDP for probes and gossip, TCP (CAF's BASP) for
  /// state exchange. 1..65535, default 7946. Must be the same port peers are told
  /// (seeds default to 7946), so 0 ("any port") is not allowed.
  uint16_t cluster_port = 7946;
  /// Port of the REST API. 1..65535, default 8080; 0 is not allowed because peers
  /// publish each other's HTTP port in /v1/members.
  uint16_t http_port = 8080;
  /// Peers to join through, each "host" or "host:port" (port default 7946). Env
  /// CLUSTER_ADDR adds more (comma-separated). Default: none (start a new cluster).
  /// One reachable seed is enough; listing several survives the loss of some.
  std::vector<std::string> seeds;
  /// Directory for durable state (value, version, clock). Default "" keeps the value
  /// in memory only: fast, but a restarted node relearns the value from its peers and
  /// a whole-cluster restart loses it.
  std::string data_dir;

  // -- operation ------------------------------------------------------------

  /// Log level: "trace", "debug", "info", "warning", "error" or "off". Default "info"
  /// (membership changes, remote values, status lines); "debug" adds per-message detail.
  std::string log_level = "info";
  /// Time between two status log lines (members, value). Default 10s; 0s disables.
  caf::timespan status_interval = std::chrono::seconds(10);
  /// HTTP event-loop threads. 1..256, default 2. A loop serves any number of
  /// connections without blocking (idle keep-alive connections and blocking reads
  /// hold no thread), so this is about cores, not clients: more loops use more cores
  /// under load but compete with the actors on a small machine.
  int32_t http_threads = 2;
  /// Largest accepted request body in bytes; larger bodies get 413. 16..1048576,
  /// default 4096 (a value is one integer, so anything large is a mistake or abuse).
  uint64_t max_body_bytes = 4096;
  /// Open HTTP connections at most, 1..1000000, default 10000; past it a new
  /// connection gets 503 and is closed. Each costs a file descriptor and a few hundred
  /// bytes while idle; the node lowers it to its descriptor limit (RLIMIT_NOFILE) - 64.
  uint64_t max_connections = 10000;
  /// How long an idle keep-alive HTTP connection stays open, a timespan, default 30s.
  /// Longer saves clients reconnects after pauses; shorter frees idle connections'
  /// descriptors sooner.
  caf::timespan keep_alive_timeout = std::chrono::seconds(30);
  /// How long an HTTP request waits for the node's actors before it fails with an
  /// error status. Default 2s. Lower fails faster under overload; higher rides out
  /// GC-like stalls.
  caf::timespan request_timeout = std::chrono::seconds(2);
  /// Blocking reads (`GET /v1/value?index=N&wait=D`) that may wait at once, 1..4096,
  /// default 64. A waiting read holds no thread, only its connection and a callback;
  /// every new value scans the waiting reads, so very many cost time per write. Past
  /// the limit a blocking read gets 429 at once.
  int32_t max_watchers = 64;
  /// Start even if the state file in data-dir is corrupt: move it to
  /// `state.corrupt` and start as a new node (the value is relearned from the
  /// cluster). A bare flag: `--onevalue.reset-state`. Default off: a corrupt file
  /// stops the node with an error naming it.
  bool reset_state = false;

  // -- membership protocol (defaults come from `profile`) -------------------

  /// Preset for the protocol intervals below: "lan" (default; memberlist's LAN
  /// timings) or "local" (about 5x faster, for nodes on one host or a fast LAN).
  /// An interval set explicitly overrides the preset's value.
  std::string profile = "lan";
  // Each field below is unset (zero) unless the file or command line gives it;
  // the loader then takes the profile's value. The help text adds both defaults.

  /// Time between two probes of one member. Lower detects failures sooner and costs
  /// one ping+ack per interval.
  caf::timespan probe_interval{};
  /// Wait for a direct ack before asking helpers to probe indirectly. Must be below
  /// probe-interval; too low causes needless indirect probes on slow links.
  caf::timespan ack_timeout{};
  /// Members asked to probe a silent member on our behalf (0..16). More means fewer
  /// false suspicions under packet loss and more traffic per miss.
  int32_t indirect_checks = 0;
  /// Suspicion timeout = suspicion-mult * max(1, log10(N)) * probe-interval (>= 1).
  /// Higher gives slow members more time to refute and delays real detection.
  int32_t suspicion_mult = 0;
  /// Cap of the suspicion timeout, as a multiple of the formula above, while no
  /// independent confirmation arrived (Lifeguard), >= 1.
  int32_t suspicion_max_mult = 0;
  /// Lifeguard local health: cap of the multiplier (1..100) that stretches this node's
  /// probe interval and ack timeout while it misses acks and nacks or has to refute
  /// (1 disables it).
  int32_t awareness_max_multiplier = 0;
  /// Time between periodic gossip rounds, the safety net behind immediate pushes.
  /// Lower converges faster after loss and sends more datagrams.
  caf::timespan gossip_interval{};
  /// Members each gossip round and each immediate push goes to (>= 1). More spreads
  /// faster and costs more datagrams.
  int32_t gossip_nodes = 0;
  /// Each broadcast is sent at most retransmit-mult * ceil(log10(N+1)) times (>= 1).
  /// Higher survives more loss and keeps the queue busier.
  int32_t retransmit_mult = 0;
  /// Time between full-state exchanges (TCP push-pull) with one random member. Heals
  /// what gossip lost and partitions; each costs a TCP round trip with the member table.
  caf::timespan push_pull_interval{};
  /// Time between join attempts while no seed has answered.
  caf::timespan join_retry_interval{};
  /// How long failed and left members stay listed (so the news keeps spreading and a
  /// partition can heal) before they are forgotten.
  caf::timespan reap_after{};
  /// How often failed members' addresses are still probed, so a healed partition
  /// merges again. Lower merges sooner and probes dead hosts more.
  caf::timespan failed_probe_interval{};
  /// How long a graceful leave (SIGTERM/SIGINT) waits for its announcement to spread
  /// before the process exits; at most 1500ms so shutdown stays within 2s.
  caf::timespan leave_propagation{};
  /// Largest datagram in bytes (512..65507); piggybacked gossip fills what the probe
  /// leaves. Above the path MTU (~1400 on Ethernet) datagrams fragment and get lost more.
  uint64_t max_packet_bytes = 0;
};

} // namespace onevalue
