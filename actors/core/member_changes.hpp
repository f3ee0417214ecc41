#pragma once

// Member events from two successive member tables: what a handler of member-join,
// member-leave, member-failed, member-update or member-reap is told. Pure.

#include "actors/core/event_handler_spec.hpp"
#include "actors/core/member.hpp"

#include <vector>

namespace onevalue {

/// One member event: its type and the member's entry after it (before it, for a reap).
struct member_change {
  event_type type = event_type::member_join;
  member_info member;
};

inline bool operator==(const member_change& a, const member_change& b) {
  return a.type == b.type && a.member == b.member;
}

/// The events that turn `before` into `after` (two tables of the membership actor):
/// - a new member: member-join if alive or suspect, member-failed or member-leave if it
///   arrives already failed or left;
/// - a live member (alive or suspect) turning failed or left: member-failed or
///   member-leave; a failed or left one turning live again: member-join; failed to left
///   (a forced leave): member-leave;
/// - a live member whose address, ports or incarnation changed: member-update (alive
///   to suspect and back at the same incarnation is no event, as in Serf);
/// - a member missing from `after`: member-reap, with its last entry.
/// Events follow the order of `after`, then the reaps in the order of `before`.
std::vector<member_change> member_changes_between(const member_list& before,
                                                  const member_list& after);

} // namespace onevalue
