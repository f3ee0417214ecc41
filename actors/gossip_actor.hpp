#pragma once

#include "actors/core/envelope.hpp"
#include "actors/core/file_layer.hpp"
#include "actors/core/gossip_core.hpp"
#include "actors/core/keyring_holder.hpp"
#include "actors/core/swim_settings.hpp"
#include "actors/core/wire_codec.hpp"
#include "actors/metrics/node_metrics.hpp"
#include "actors/protocol.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>

namespace onevalue {

/// State of the gossip broadcaster: a thin adapter that feeds `gossip_core` with values,
/// member updates, datagrams and timer ticks and carries out what it returns; it owns
/// the datagram and stream transports, the keyring and the envelope that seals every
/// datagram, and runs push-pull anti-entropy over the stream transport. Touched only by
/// its actor.
struct gossip_state {
  static inline const char* name = "onevalue.gossip";

  std::string bind_address;
  uint16_t cluster_port = 0;
  /// Drawn from by the core (declared first: the core keeps a reference).
  std::mt19937_64 rng;
  std::unique_ptr<gossip_core> core;
  store_actor store;
  membership_actor membership;
  caf::actor udp;
  /// The stream broker on the cluster TCP port (push-pull, keyring changes).
  caf::actor stream;
  /// Writes the keyring file (declared before `keys`, which uses it).
  std::shared_ptr<file_layer> files;
  /// The node's keyring; its snapshots go to `datagrams` and the stream broker.
  std::unique_ptr<keyring_holder> keys;
  /// Seals and opens every datagram (all channels alike).
  std::unique_ptr<envelope> datagrams;
  /// Authentic datagrams and push-pull tables the codec refused, by reason.
  wire_error_counts wire_errors;
  wire_limits limits;
  gossip_counters counters;
  /// True once the store was told that a push-pull completed (see sync_atom).
  bool sync_sent = false;
  /// This node's cluster_mode_digest and its description, for push-pull checks.
  uint64_t mode_digest = 0;
  std::string mode_description;
  /// Peers whose push-pull state showed another mode: their gossiped values are
  /// dropped (they must not mix into this cluster's value).
  std::set<std::string> refused_peers;
  /// Linearizable mode: receives consensus frames (channel 'C').
  consensus_actor consensus;
  /// Where push-pull durations are observed; null: not observed.
  std::shared_ptr<node_metrics> metrics;
};

/// Configuration of the gossip broadcaster.
struct gossip_config {
  member_info self;
  std::string bind_address;
  swim_settings settings;
  store_actor store;
  uint64_t random_seed = 0;
  /// The keyring the node starts with (keyring_startup.hpp); nullopt: no keys.
  std::optional<keyring> keys;
  /// Where keyring changes are saved ("" : not saved).
  std::string keys_file;
  /// Label and verify modes (max_message_bytes and replay_window are set here).
  envelope_settings envelope;
  /// Writes the keyring file (null: the real file system).
  std::shared_ptr<file_layer> files;
  /// cluster_mode_digest of this node's mode; a peer with another is refused at
  /// push-pull, with an error logged on both sides.
  uint64_t mode_digest = 0;
  /// describe_cluster_mode of this node's mode, for those log lines.
  std::string mode_description = "eventual";
  /// Optional: where push-pull durations are observed.
  std::shared_ptr<node_metrics> metrics = nullptr;
};

/// Spawns the datagram and stream transports (middleman brokers) and returns the
/// behavior of the gossip broadcaster. Reply of `open_atom`: the bound cluster port
/// (UDP, then TCP on the same port), or the bind error.
gossip_actor::behavior_type gossip(gossip_actor::stateful_pointer<gossip_state> self,
                                   gossip_config config);

} // namespace onevalue
