#pragma once

#include "actors/core/gossip_core.hpp"
#include "actors/core/swim_settings.hpp"
#include "actors/protocol.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <cstdint>
#include <memory>
#include <random>
#include <string>

namespace onevalue {

/// State of the gossip broadcaster: a thin adapter that feeds `gossip_core` with values,
/// member updates, datagrams and timer ticks and carries out what it returns; it owns
/// the datagram transport and runs push-pull anti-entropy over BASP. Touched only by its
/// actor.
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
  gossip_counters counters;
  /// True once the store was told that a push-pull completed (see sync_atom).
  bool sync_sent = false;
};

/// Configuration of the gossip broadcaster.
struct gossip_config {
  member_info self;
  std::string bind_address;
  swim_settings settings;
  store_actor store;
  uint64_t random_seed = 0;
};

/// Spawns the datagram transport (a middleman broker) and returns the behavior of the
/// gossip broadcaster. Reply of `open_atom`: the bound UDP port, or the bind error.
gossip_actor::behavior_type gossip(gossip_actor::stateful_pointer<gossip_state> self,
                                   gossip_config config);

} // namespace onevalue
