#pragma once

#include "actors/core/event_coalescer.hpp"
#include "actors/core/event_handler_spec.hpp"
#include "actors/handler_pool.hpp"
#include "actors/protocol.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <memory>
#include <optional>
#include <vector>

namespace onevalue {

/// Configuration of the event handler actor.
struct event_handler_config {
  /// This node, for ONEVALUE_SELF_NAME and ONEVALUE_SELF_ADDRESS.
  member_info self;
  std::vector<event_handler_spec> handlers;
  coalesce_settings coalescing;
  /// Where the runs go; shared with main, which stops it at shutdown.
  std::shared_ptr<handler_pool> pool;
};

/// State of the event handler actor: an adapter that turns member tables (from the
/// membership actor) into member events (member_changes_between), batches them and the
/// store's values (event_coalescer), and hands the due batches' runs to the handler
/// pool. It never waits for a process. Touched only by its actor.
struct event_handler_state {
  static inline const char* name = "onevalue.event_handlers";

  event_handler_config config;
  std::unique_ptr<event_coalescer> coalescer;
  /// The last member table; none before the first (whose members all join).
  std::optional<member_list> members;
  /// Whether a value arrived already (the store sends its current one on subscribing).
  bool value_seen = false;
  /// Earliest pending timer message.
  std::optional<event_coalescer::time_point> scheduled_tick;
};

/// Behavior of the event handler actor. Subscribe it to the store (value_listener_actor)
/// and to membership (member_listener_actor). The first member table yields a
/// member-join for every member in it (this node included, as in Serf); the store's
/// current value on subscribing is delivered as a value event unless it is the initial
/// value nobody wrote.
event_handler_actor::behavior_type
event_handlers(event_handler_actor::stateful_pointer<event_handler_state> self,
               event_handler_config config);

} // namespace onevalue
