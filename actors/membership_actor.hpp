#pragma once

#include "actors/core/membership_core.hpp"
#include "actors/protocol.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace onevalue {

/// State of the membership actor: a thin adapter that feeds `membership_core` with
/// messages and timer ticks and carries out what it returns. Touched only by its actor.
struct membership_state {
  static inline const char* name = "onevalue.membership";

  std::unique_ptr<membership_core> core;
  gossip_actor gossip;
  /// Persists every incarnation this node announces, so that a restart starts above it.
  store_actor store;
  uint64_t persisted_incarnation = 0;
  std::vector<member_listener_actor> listeners;
  /// Earliest pending timer message; a tick is scheduled only when the core needs one
  /// sooner than this.
  time_point scheduled_tick = time_point::max();
  /// See `membership_config::on_name_conflict`.
  std::function<void(const std::string&)> on_name_conflict;
};

/// Configuration of the membership actor.
struct membership_config {
  member_info self;
  swim_settings settings;
  std::vector<endpoint> seeds;
  uint64_t random_seed = 0;
  gossip_actor gossip;
  /// Optional: where raised incarnations are persisted (see `store_actor`).
  store_actor store;
  /// Called once (from the actor's thread) when another live node holds this node's
  /// name and this node stops taking part (`swim_actions::conflict`), with the message
  /// for the operator. The node must then exit non-zero without leaving: a `left` in
  /// this name would eject the node that holds it. Unset: only logged.
  std::function<void(const std::string&)> on_name_conflict;
};

/// Behavior of the membership actor. Starts joining through `config.seeds` at once.
membership_actor::behavior_type
membership(membership_actor::stateful_pointer<membership_state> self,
           membership_config config);

} // namespace onevalue
