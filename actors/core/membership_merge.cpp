// How membership_core merges what it hears about members (gossip, push-pull, the
// sender of a message) into its table. The rules are SWIM's: a higher incarnation wins;
// at equal incarnation suspect beats alive and failed/left beat suspect; only the member
// itself raises its incarnation, which is how it refutes.

#include "actors/core/membership_core.hpp"
#include "actors/core/swim_formulas.hpp"

#include <algorithm>

namespace onevalue {

void membership_core::apply_update(const member_update& update, time_point now,
                                   swim_actions& out) {
  if (update.member.name.empty())
    return;
  switch (update.member.state) {
    case member_state::alive:
      apply_alive(update.member, update.reporter, now, out);
      break;
    case member_state::suspect:
      apply_suspect(update.member, update.reporter, now, out);
      break;
    case member_state::failed:
    case member_state::left:
      apply_dead(update.member, update.reporter, now, out);
      break;
  }
}

void membership_core::apply_alive(const member_info& m, const std::string& reporter,
                                  time_point now, swim_actions& out) {
  if (m.name == self_name_) {
    // Someone remembers a previous life of ours with a higher incarnation.
    if (!leaving_ && m.incarnation > self().incarnation)
      refute(m.incarnation, reporter + " knows an older incarnation of this node", out);
    return;
  }
  auto* known = table_.get(m.name);
  if (!known) {
    auto info = m;
    info.state = member_state::alive;
    auto& e = insert_member(std::move(info), now);
    out.events.push_back({m.name, std::nullopt, member_state::alive, m.incarnation,
                          "learned from " + reporter});
    out.members_changed = true;
    broadcast(e.info, out);
    return;
  }
  auto& e = *known;
  if (m.incarnation <= e.info.incarnation)
    return;
  // A higher incarnation is the member's own word: take its addresses too, so a node
  // that restarted on a new address is reachable again.
  e.info.address = m.address;
  e.info.cluster_port = m.cluster_port;
  e.info.http_port = m.http_port;
  set_state(e, member_state::alive, m.incarnation, "incarnation " + std::to_string(m.incarnation)
            + " from " + reporter, now, out);
  broadcast(e.info, out);
}

void membership_core::apply_suspect(const member_info& m, const std::string& reporter,
                                    time_point now, swim_actions& out) {
  if (m.name == self_name_) {
    if (!leaving_ && m.incarnation >= self().incarnation)
      refute(m.incarnation, reporter + " suspects this node", out);
    return;
  }
  auto* known = table_.get(m.name);
  if (!known || m.incarnation < known->info.incarnation)
    return;
  auto& e = *known;
  if (e.info.state == member_state::failed || e.info.state == member_state::left)
    return;
  if (e.info.state == member_state::suspect && m.incarnation == e.info.incarnation) {
    // An independent confirmation shortens the suspicion (Lifeguard). Only the expected
    // number count: more would not shorten it further, and re-broadcasting each of them
    // would have every node re-send the suspicion once per other node (memberlist's
    // suspicion.Confirm stops at the same point).
    auto& s = suspicions_.at(m.name);
    if (reporter == s.accuser || reporter == m.name
        || s.confirmations.size() >= expected_confirmations()
        || !s.confirmations.insert(reporter).second)
      return;
    s.deadline = s.start + suspicion_duration(s);
    earliest_suspicion_ = std::min(earliest_suspicion_, s.deadline);
    // Passed on in the confirmer's name, so other nodes count it too.
    out.broadcasts.push_back(member_update{e.info, reporter});
    return;
  }
  ++counters_.suspicions_raised;
  set_state(e, member_state::suspect, m.incarnation, "suspected by " + reporter, now, out);
  auto& s = suspicions_[m.name];
  s.start = now;
  s.accuser = reporter;
  s.confirmations.clear();
  s.deadline = s.start + suspicion_duration(s);
  earliest_suspicion_ = std::min(earliest_suspicion_, s.deadline);
  // Relayed in the accuser's name (memberlist keeps the original `From` too): nodes
  // that hear it from us must not take our relay for an independent suspicion.
  out.broadcasts.push_back(member_update{e.info, reporter});
}

void membership_core::apply_dead(const member_info& m, const std::string& reporter,
                                 time_point now, swim_actions& out) {
  if (m.name == self_name_) {
    if (!leaving_ && m.incarnation >= self().incarnation)
      refute(m.incarnation, reporter + " reports this node " + to_string(m.state), out);
    return;
  }
  auto* known = table_.get(m.name);
  if (!known || m.incarnation < known->info.incarnation)
    return;
  auto& e = *known;
  if (e.info.state == member_state::left)
    return;
  if (e.info.state == member_state::failed && m.state == member_state::failed)
    return;
  set_state(e, m.state, m.incarnation,
            (m.state == member_state::left ? "left, announced via " : "failed, reported by ")
                + reporter,
            now, out);
  broadcast(e.info, out);
}

void membership_core::refute(uint64_t seen_incarnation, const std::string& reason,
                             swim_actions& out) {
  auto& me = self_info();
  me.incarnation = std::max(me.incarnation, seen_incarnation) + 1;
  ++counters_.suspicions_refuted;
  // Lifeguard: being suspected hints that this node is the slow one.
  adjust_health(1);
  out.notes.push_back("refuting (" + reason + "): incarnation now "
                      + std::to_string(me.incarnation));
  out.members_changed = true;
  broadcast(me, out);
}

void membership_core::set_state(member_entry& e, member_state to, uint64_t incarnation,
                                const std::string& reason, time_point now,
                                swim_actions& out) {
  if (to != e.info.state) {
    out.events.push_back({e.info.name, e.info.state, to, incarnation, reason});
    e.state_since = now;
    --state_counts_[static_cast<std::size_t>(e.info.state)];
    ++state_counts_[static_cast<std::size_t>(to)];
    if (e.info.state == member_state::suspect)
      suspicions_.erase(e.info.name);
    if (to == member_state::failed || to == member_state::left)
      earliest_reap_ = std::min(earliest_reap_, now + settings_.reap_after);
  }
  e.info.state = to;
  e.info.incarnation = incarnation;
  out.members_changed = true;
}

void membership_core::broadcast(const member_info& m, swim_actions& out) {
  out.broadcasts.push_back(member_update{m, self_name_});
}

std::chrono::milliseconds membership_core::suspicion_duration(const suspicion& s) const {
  auto n = table_.size();
  auto min_timeout = suspicion_timeout(settings_.suspicion_mult, n, settings_.probe_interval);
  auto max_timeout = min_timeout * std::max(1, settings_.suspicion_max_mult);
  return dynamic_suspicion_timeout(s.confirmations.size(), expected_confirmations(),
                                   min_timeout, max_timeout);
}

std::size_t membership_core::expected_confirmations() const {
  // Confirmations can only come from members other than us and the suspect.
  auto n = table_.size();
  return std::min<std::size_t>(static_cast<std::size_t>(std::max(settings_.indirect_checks, 0)),
                               n >= 2 ? n - 2 : 0);
}

}  // namespace onevalue
