// The onevalue node: loads the configuration, spawns and wires the actors (README,
// Architecture) and waits for SIGTERM/SIGINT to leave the cluster gracefully. No
// protocol logic here. Also the entry point of the client commands (app/cli/).

#include "actors/core/cluster_mode.hpp"
#include "actors/core/keyring_startup.hpp"
#include "actors/core/save_flush.hpp"
#include "actors/event_handler_actor.hpp"
#include "actors/gossip_actor.hpp"
#include "actors/log.hpp"
#include "actors/membership_actor.hpp"
#include "actors/metrics/node_metrics.hpp"
#include "actors/store_actor.hpp"
#include "app/cli/cli_commands.hpp"
#include "app/config/node_loader.hpp"
#include "app/consensus_wiring.hpp"
#include "app/node_signals.hpp"
#include "app/status_logger.hpp"
#include "http/api/access_control.hpp"
#include "http/api/health.hpp"
#include "http/api/metered_handler.hpp"
#include "http/api/snapshot_store.hpp"
#include "http/bridge/gateway_actor.hpp"
#include "http/bridge/store_backend.hpp"
#include "http/server/descriptor_limit.hpp"
#include "http/server/http_server.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>

#include <unistd.h>

using namespace onevalue;

namespace {

std::string describe_seeds(const std::vector<peer_address>& seeds) {
  std::string out;
  for (auto& s : seeds)
    out += (out.empty() ? "" : ", ") + s.host + ":" + std::to_string(s.port);
  return out.empty() ? "none (a cluster of its own until others join it)" : out;
}

/// Where the API listens and how it is protected, for the start line (no tokens).
std::string describe_api(const node_options& opts, bool tokens_required) {
  std::string out;
  if (opts.http_port != 0)
    out = "http " + opts.bind + ":" + std::to_string(opts.http_port);
  if (opts.https_port != 0)
    out += (out.empty() ? "" : ", ") + std::string{"https "} + opts.bind + ":"
           + std::to_string(opts.https_port)
           + (opts.https_client_ca.empty() ? "" : " (client certificates required)");
  out += tokens_required ? ", tokens required" : ", no tokens";
  if (!opts.allow_get_writes)
    out += ", GET writes off";
  return out;
}

/// The event handler actor and the pool of threads that runs its processes; nothing
/// when no handler is configured.
struct event_handling {
  event_handler_actor actor;
  std::shared_ptr<handler_pool> pool;

  /// Stops the actor, then the pool (which ends running handlers: SIGTERM, SIGKILL
  /// after the grace period).
  void stop() {
    if (actor)
      caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    if (pool)
      pool->stop();
  }
};

event_handling start_event_handlers(caf::actor_system& sys, const node_options& opts,
                                    const member_info& self_info,
                                    const store_actor& store_hdl,
                                    const membership_actor& membership_hdl) {
  if (opts.event_handlers.empty())
    return {};
  handler_pool_settings ps;
  ps.concurrency = static_cast<std::size_t>(opts.event_handler_concurrency);
  ps.queue_limit = opts.event_queue_limit;
  ps.timeout = opts.event_handler_timeout;
  event_handling out;
  out.pool = std::make_shared<handler_pool>(ps);
  out.actor = sys.spawn(
      event_handlers,
      event_handler_config{self_info,
                           opts.event_handlers,
                           {opts.event_coalesce_period, opts.event_quiescent_period},
                           out.pool});
  caf::anon_send(store_hdl, subscribe_atom::value, value_listener_actor{out.actor});
  caf::anon_send(membership_hdl, subscribe_atom::value, member_listener_actor{out.actor});
  OV_LOG_INFO("{} event handler(s) configured", opts.event_handlers.size());
  return out;
}

/// Logged at start and with every status line while node-to-node traffic is not
/// sealed: the operator must know that anyone on the network can act as a member.
constexpr const char* unauthenticated_warning =
    "node-to-node traffic is unauthenticated and unencrypted: anyone who can reach the "
    "cluster port can act as a member; set gossip-keys (app/make_keyring.sh makes a key)";

int run_node(caf::actor_system& sys, const node_options& opts, store_open_result opened,
             const acceptor_open_result& restored, std::optional<keyring> keys,
             const sigset_t& signals, std::shared_ptr<node_metrics> metrics) {
  bool encrypted = keys.has_value() && opts.gossip_verify_outgoing;
  std::random_device entropy;
  consistency_mode mode = consistency_mode::eventual;
  parse_consistency_mode(opts.consistency, mode);
  auto digest = cluster_mode_digest(mode, opts.voters);
  // With plain HTTP off, members find the API on the HTTPS port.
  uint16_t api_port = opts.http_port != 0 ? opts.http_port : opts.https_port;
  member_info self_info{opts.name, opts.advertise,      opts.cluster_port,
                        api_port,  member_state::alive, opened.incarnation};

  auto store_hdl = sys.spawn(store, opened.config);
  auto snapshots = std::make_shared<snapshot_store>(opts.name, opts.max_watchers);
  auto gateway_hdl = sys.spawn(gateway, snapshots);
  caf::anon_send(store_hdl, subscribe_atom::value, value_listener_actor{gateway_hdl});

  gossip_config gc;
  gc.self = self_info;
  gc.bind_address = opts.bind;
  gc.settings = opts.swim;
  gc.store = store_hdl;
  gc.random_seed = (uint64_t{entropy()} << 32) | entropy();
  gc.keys = std::move(keys);
  gc.keys_file = opts.gossip_keys_file;
  gc.metrics = metrics;
  gc.envelope.label = opts.label;
  gc.envelope.verify_incoming = opts.gossip_verify_incoming;
  gc.envelope.verify_outgoing = opts.gossip_verify_outgoing;
  if (auto problem = check_envelope_settings(gc.envelope)) {
    OV_LOG_ERROR("{}", *problem);
    return EXIT_FAILURE;
  }
  gc.mode_digest = digest;
  gc.mode_description = describe_cluster_mode(mode, opts.voters);
  auto gossip_hdl = sys.spawn(gossip, std::move(gc));
  auto consensus_hdl = start_consensus(sys, opts, restored, digest, gossip_hdl, store_hdl,
                                       entropy, metrics);
  auto stop_actors = [&](const caf::actor_addr& membership_addr) {
    for (const auto& addr :
         {caf::actor_cast<caf::actor_addr>(gateway_hdl),
          caf::actor_cast<caf::actor_addr>(consensus_hdl),
          caf::actor_cast<caf::actor_addr>(gossip_hdl),
          caf::actor_cast<caf::actor_addr>(store_hdl), membership_addr})
      if (auto hdl = caf::actor_cast<caf::actor>(addr))
        caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
  };
  std::string failure;
  {
    caf::scoped_actor self{sys};
    self->request(gossip_hdl, std::chrono::seconds(5), open_atom::value)
        .receive([](uint16_t) {},
                 [&](caf::error& err) {
                   failure = "cannot bind the cluster port (UDP and TCP) " + opts.bind
                             + ":" + std::to_string(opts.cluster_port) + ": "
                             + sys.render(err);
                 });
  }
  if (!failure.empty()) {
    OV_LOG_ERROR("{}", failure);
    stop_actors({});
    return EXIT_FAILURE;
  }
  caf::anon_send(store_hdl, subscribe_atom::value, value_listener_actor{gossip_hdl});

  std::vector<endpoint> seeds;
  for (auto& s : opts.seeds)
    seeds.push_back({s.host, s.port});
  auto conflict = std::make_shared<name_conflict_exit>();
  auto membership_hdl = sys.spawn(
      membership, membership_config{self_info, opts.swim, seeds,
                                    (uint64_t{entropy()} << 32) | entropy(), gossip_hdl,
                                    store_hdl, [conflict](const std::string& message) {
                                      conflict->raise(message);
                                    }});
  caf::anon_send(gossip_hdl, attach_atom::value, membership_hdl);
  caf::anon_send(membership_hdl, subscribe_atom::value,
                 member_listener_actor{gateway_hdl});
  auto handlers = start_event_handlers(sys, opts, self_info, store_hdl, membership_hdl);
  if (consensus_hdl)
    caf::anon_send(membership_hdl, subscribe_atom::value,
                   caf::actor_cast<member_listener_actor>(consensus_hdl));

  store_backend backend{
      sys, store_hdl, membership_hdl, snapshots, opts.request_timeout, consensus_hdl};
  backend.attach_keyring(gossip_hdl, encrypted);
  http_server_settings hs;
  hs.bind_address = opts.bind;
  hs.plain_enabled = opts.http_port != 0;
  hs.port = opts.http_port;
  hs.tls.enabled = opts.https_port != 0;
  hs.tls.port = opts.https_port;
  hs.tls.cert_file = opts.https_cert;
  hs.tls.key_file = opts.https_key;
  hs.tls.client_ca_file = opts.https_client_ca;
  hs.threads = opts.http_threads;
  hs.max_body_bytes = opts.max_body_bytes;
  hs.max_connections = opts.max_connections;
  hs.max_connections_per_client = opts.max_connections_per_client;
  hs.request_header_timeout = opts.request_header_timeout;
  hs.keep_alive_timeout = opts.keep_alive_timeout;
  auto access = std::make_shared<const access_control>(
      access_settings{opts.acl_read_tokens, opts.acl_write_tokens, opts.allow_get_writes,
                      opts.acl_admin_tokens});
  http_server http{
      metered_handler(api_handler(backend, router_limits{opts.max_body_bytes, access}),
                      metrics),
      hs};
  backend.enable_metrics(metrics, gossip_hdl,
                         [&http] { return http.open_connections(); });
  if (auto err = http.start(); !err.empty()) {
    OV_LOG_ERROR("{}", err);
    stop_actors(caf::actor_cast<caf::actor_addr>(membership_hdl));
    handlers.stop();
    return EXIT_FAILURE;
  }
  if (!opts.seeds.empty())
    OV_LOG_INFO("writes are refused (503) until a first state exchange with a member "
                "completes; reads are served meanwhile");
  OV_LOG_INFO("node {} up: cluster {}:{} (udp+tcp, advertised as {}), {}, seeds: {}, "
              "profile {}, data dir {}, consistency {}",
              opts.name, opts.bind, opts.cluster_port, opts.advertise,
              describe_api(opts, access->tokens_required()), describe_seeds(opts.seeds),
              opts.profile, opts.data_dir.empty() ? "none (memory only)" : opts.data_dir,
              describe_cluster_mode(mode, opts.voters));
  if (!encrypted)
    OV_LOG_WARN("{}", unauthenticated_warning);
  else if (!opts.gossip_verify_incoming)
    OV_LOG_WARN("gossip-verify-incoming is false: plaintext node-to-node traffic is "
                "accepted (only while switching a running cluster to encryption)");
  if (consensus_hdl && opts.data_dir.empty() && is_voter(opts))
    OV_LOG_WARN("this voter has no data dir: its promises live in memory only, and if "
                "a majority of voters restarts an acknowledged write can be lost (or "
                "if this voter restarts while others have data dirs: their proposers "
                "ask a majority only)");

  int sig = 0;
  status_logger status;
  while ((sig = wait_for_signal(signals, opts.status_interval)) == 0
         || (sig == fatal_signal && conflict->message().empty())) {
    if (sig == 0) {
      status.tick(sys, *snapshots, membership_hdl, gossip_hdl);
      if (!encrypted)
        OV_LOG_WARN("{}", unauthenticated_warning);
    }
  }
  if (sig == fatal_signal) {
    // No leave: the name's `left` would eject the node that holds it.
    OV_LOG_ERROR("exiting with an error: this node's name is taken (see above); it did "
                 "not take part in the cluster");
    snapshots->stop_watchers();
    http.stop();
    stop_actors(caf::actor_cast<caf::actor_addr>(membership_hdl));
    handlers.stop();
    return EXIT_FAILURE;
  }

  OV_LOG_INFO("received {}: leaving the cluster", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  {
    caf::scoped_actor self{sys};
    self->request(membership_hdl, std::chrono::seconds(1), leave_atom::value)
        .receive(
            [](bool) {},
            [&](caf::error& err) { OV_LOG_WARN("leave failed: {}", sys.render(err)); });
  }
  // Stop HTTP (which lets in-flight requests finish) while the leave announcement is
  // retransmitted, so both fit in the shutdown budget.
  std::thread http_stopper{[&] {
    snapshots->stop_watchers();
    http.stop();
  }};
  std::this_thread::sleep_for(opts.swim.leave_propagation);
  http_stopper.join();
  stop_actors(caf::actor_cast<caf::actor_addr>(membership_hdl));
  handlers.stop();
  OV_LOG_INFO("left; shutting down");
  return EXIT_SUCCESS;
}

} // namespace

int main(int argc, char** argv) {
  // `onevalue get`, `onevalue members`, ...: a client of a running node, not a node.
  if (argc > 1 && cli::is_client_command(argv[1]))
    return cli::run_client({argv + 1, argv + argc});
  auto signals = termination_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  node_config cfg;
  add_message_types(cfg);
  auto loaded = load_node_options(cfg, argc, argv,
                                  [](const char* key) { return std::getenv(key); });
  if (loaded.status != load_status::run) {
    if (!loaded.message.empty())
      std::cerr << loaded.message << '\n';
    return loaded.exit_code;
  }
  const auto& opts = loaded.options;
  log::init(opts.log_level, opts.name);
  OV_LOG_INFO("{}", raise_descriptor_limit());

  store_config sc;
  sc.node = opts.name;
  sc.data_dir = opts.data_dir;
  // Alone by configuration: nobody to synchronize with, so writes are taken at once.
  sc.synchronized = opts.seeds.empty();
  // The voters hold every committed value durably; the store's copy is a local cache.
  if (opts.linearizable())
    sc.unflushed_window = linearizable_unflushed_window;
  auto metrics = std::make_shared<node_metrics>(ONEVALUE_VERSION_STRING,
                                                std::to_string(CAF_VERSION));
  sc.metrics = metrics;
  auto opened = open_store(std::move(sc), opts.reset_state);
  if (!opened.ok()) {
    OV_LOG_ERROR("{}", opened.error);
    return EXIT_FAILURE;
  }
  acceptor_open_result restored;
  if (auto err = open_consensus_state(opts, opened, restored)) {
    OV_LOG_ERROR("{}", *err);
    return EXIT_FAILURE;
  }
  auto files = posix_file_layer();
  auto startup = choose_startup_keyring(opts.gossip_keys, opts.gossip_keys_file, *files);
  for (const auto& warning : startup.warnings)
    OV_LOG_WARN("{}", warning);
  if (startup.error) {
    OV_LOG_ERROR("{}", *startup.error);
    return EXIT_FAILURE;
  }
  caf::actor_system sys{cfg};
  return run_node(sys, opts, std::move(opened), restored, std::move(startup.keys),
                  signals, std::move(metrics));
}
