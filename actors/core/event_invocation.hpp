#pragma once

// What a handler process gets for a batch of events: its stdin and its environment.
// Pure: batch and configured handlers in, the list of invocations out.

#include "actors/core/event_coalescer.hpp"
#include "actors/core/event_handler_spec.hpp"

#include <string>
#include <utility>
#include <vector>

namespace onevalue {

/// One run of one handler command for one batch.
struct handler_job {
  /// The event type; jobs of one type run one after another, in order (a lane).
  event_type type = event_type::value;
  std::string command;
  /// Written to the handler's stdin, then stdin is closed.
  std::string input;
  /// Added to the node's own environment (which the handler inherits).
  std::vector<std::pair<std::string, std::string>> env;
};

/// "counter-node" ("7-n2"; "0-" for the initial value): the form of the ETag and of
/// `onevalue set -cas`.
std::string format_event_version(const version& v);

/// The stdin of a batch. Member events: one line per member, tab-separated: name,
/// address:cluster-port, state, incarnation. Value: the value, a tab, the version.
std::string event_input(const event_batch& batch);

/// The invocations of `batch`: one per handler in `handlers` that handles its type,
/// in configuration order. Environment: ONEVALUE_EVENT (the type's name),
/// ONEVALUE_SELF_NAME, ONEVALUE_SELF_ADDRESS (address:cluster-port of this node); for
/// member events ONEVALUE_MEMBER_COUNT (the lines on stdin); for a value ONEVALUE_VALUE
/// and ONEVALUE_VERSION.
std::vector<handler_job>
event_invocations(const event_batch& batch,
                  const std::vector<event_handler_spec>& handlers,
                  const member_info& self);

} // namespace onevalue
