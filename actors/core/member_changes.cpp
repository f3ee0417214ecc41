#include "actors/core/member_changes.hpp"

#include <unordered_map>

namespace onevalue {

namespace {

bool live(member_state s) {
  return s == member_state::alive || s == member_state::suspect;
}

/// The event a member that was not known before starts with.
event_type arrival(member_state s) {
  switch (s) {
  case member_state::failed:
    return event_type::member_failed;
  case member_state::left:
    return event_type::member_leave;
  default:
    return event_type::member_join;
  }
}

bool same_place(const member_info& a, const member_info& b) {
  return a.address == b.address && a.cluster_port == b.cluster_port
         && a.http_port == b.http_port && a.incarnation == b.incarnation;
}

} // namespace

std::vector<member_change> member_changes_between(const member_list& before,
                                                  const member_list& after) {
  std::unordered_map<std::string, const member_info*> old;
  for (const auto& m : before)
    old.emplace(m.name, &m);
  std::vector<member_change> events;
  for (const auto& now : after) {
    auto it = old.find(now.name);
    if (it == old.end()) {
      events.push_back({arrival(now.state), now});
      continue;
    }
    const auto& was = *it->second;
    old.erase(it);
    if (live(was.state) && live(now.state)) {
      if (!same_place(was, now))
        events.push_back({event_type::member_update, now});
    } else if (live(now.state)) {
      events.push_back({event_type::member_join, now});
    } else if (was.state != now.state) {
      events.push_back({arrival(now.state), now});
    }
  }
  for (const auto& m : before)
    if (old.count(m.name))
      events.push_back({event_type::member_reap, m});
  return events;
}

} // namespace onevalue
