#pragma once

#include "actors/core/broadcast_queue.hpp"
#include "actors/protocol.hpp"
#include "actors/core/swim_settings.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <utility>

namespace onevalue {

/// State of the gossip broadcaster: the broadcast queue, the datagram transport it
/// owns, and push-pull anti-entropy over BASP. Touched only by its actor.
struct gossip_state {
  static inline const char* name = "onevalue.gossip";

  swim_settings settings;
  std::string bind_address;
  uint16_t cluster_port = 0;
  member_info self_info;
  member_list members;
  broadcast_queue queue;
  versioned_value latest;
  store_actor store;
  membership_actor membership;
  caf::actor udp;
  std::mt19937_64 rng;
  gossip_counters counters;
  /// Push-pulls wait here while one middleman connect is in flight: the middleman
  /// connects one host at a time, so there is never more than one request for it.
  std::deque<std::pair<std::string, uint16_t>> push_pull_queue;
  bool connecting = false;
  /// True once the store was told that a push-pull completed (see sync_atom).
  bool sync_sent = false;
  /// A flush_atom is in the mailbox: later updates only replace `latest`.
  bool push_pending = false;
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

}  // namespace onevalue
