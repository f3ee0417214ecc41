#pragma once

// Event handler specifications as the `event-handlers` option gives them, Serf's
// syntax: "member-join,member-leave=/path/script", "value=/usr/bin/reload", or a bare
// command for every event. Pure: text in, a validated spec or a message out.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onevalue {

/// The kinds of event a handler can subscribe to.
enum class event_type : uint8_t {
  member_join,   ///< a member appeared, or came back after failing or leaving
  member_leave,  ///< a member announced a graceful leave (or was forced out)
  member_failed, ///< a member's suspicion expired without a refutation
  member_update, ///< a live member's address or incarnation changed (a refutation)
  member_reap,   ///< a failed or left member was forgotten (reap-after)
  value,         ///< the node accepted a new value (local write or from a peer)
};

/// Every event type, in the order batches of one flush are delivered.
inline constexpr event_type all_event_types[] = {
    event_type::member_join,   event_type::member_update, event_type::member_leave,
    event_type::member_failed, event_type::member_reap,   event_type::value};

/// "member-join", "member-leave", ..., "value": the names handlers are configured with
/// and see in ONEVALUE_EVENT.
const char* to_string(event_type type);

/// Parses the names of `to_string`; nothing for anything else.
std::optional<event_type> parse_event_type(std::string_view text);

/// A set of event types as a bit mask (bit i for event_type i).
using event_mask = uint8_t;

constexpr event_mask mask_of(event_type type) {
  return static_cast<event_mask>(1U << static_cast<unsigned>(type));
}

/// Every event type.
constexpr event_mask all_events = 0x3F;

/// One configured handler: the events it runs for and its command line.
struct event_handler_spec {
  event_mask events = all_events;
  /// The command, trimmed, never empty.
  std::string command;

  bool handles(event_type type) const { return (events & mask_of(type)) != 0; }
};

inline bool operator==(const event_handler_spec& a, const event_handler_spec& b) {
  return a.events == b.events && a.command == b.command;
}

/// What `parse_event_handler_spec` made of a text: a spec, or why not.
struct event_handler_parse {
  std::optional<event_handler_spec> spec;
  std::string error;
};

/// Longest accepted spec, in bytes (a command line, not a script).
constexpr std::size_t max_event_handler_spec_size = 4096;

/// Parses "FILTER=COMMAND" or "COMMAND". FILTER is a comma-separated list of event
/// types or `*`; the text before the first '=' counts as a filter only if it consists
/// of letters, digits, '-', ',', '*' and spaces (so "FOO=bar /bin/x" is read as the
/// filter "FOO" and refused as an unknown event type; write "*=FOO=bar /bin/x").
/// Fails, with a message naming the problem, on an unknown or empty event type, an
/// empty command, a NUL, CR or LF byte, or a text above max_event_handler_spec_size.
event_handler_parse parse_event_handler_spec(std::string_view text);

/// The spec as it would be written in the config file ("member-join,value=/x").
std::string format_event_handler_spec(const event_handler_spec& spec);

} // namespace onevalue
