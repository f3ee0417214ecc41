// How membership_core merges what it hears about members (gossip, push-pull, the
// sender of a message) into its table. The rules are SWIM's: a higher incarnation wins;
// at equal incarnation suspect beats alive and failed/left beat suspect; only the member
// itself raises its incarnation, which is how it refutes.
//
// What is not believed, even from an authenticated peer (issue 10):
// - a malformed member (name, address, ports, state) or reporter;
// - an incarnation beyond `plausible_incarnation` (so a refutation can always win and
//   never wraps around);
// - a `left` that does not come from the member itself (memberlist's dead.From ==
//   dead.Node): a relay keeps the member as reporter; any other `left`, and every
//   `failed`, about a member this node does not hold suspect is taken as a suspicion,
//   which the member can refute (memberlist's push-pull does the same for dead); a
//   relayed `left` about a member held failed at the same incarnation is an operator's
//   forced leave and is taken;
// - news about a live member at another address: a member moves only once it is failed
//   or left here (a restart on a new address); otherwise it is a name conflict;
// - a new name once the table holds `max_members`.

#include "actors/core/membership_core.hpp"
#include "actors/core/swim_formulas.hpp"

#include <algorithm>
#include <limits>

namespace onevalue {

namespace {

/// Time between two log lines about the same kind of name conflict.
constexpr auto conflict_note_interval = std::chrono::seconds{10};

std::string describe(const endpoint& e) {
  return e.host + ":" + std::to_string(e.port);
}

} // namespace

bool membership_core::well_formed(const member_info& m, const std::string& reporter) {
  if (check_member(m) == member_defect::none && valid_node_name(reporter))
    return true;
  ++counters_.members_refused_malformed;
  return false;
}

bool membership_core::plausible(uint64_t claimed, uint64_t held) {
  if (plausible_incarnation(claimed, held))
    return true;
  ++counters_.incarnations_refused;
  return false;
}

void membership_core::apply_update(const member_update& update, time_point now,
                                   swim_actions& out) {
  if (!well_formed(update.member, update.reporter))
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
    if (endpoint_of(m) != endpoint_of(self())) {
      own_name_taken(endpoint_of(m), reporter, now, out);
      return;
    }
    accepted_ = accepted_ || reporter != self_name_;
    // Someone remembers a previous life of ours with a higher incarnation.
    if (!leaving_ && m.incarnation > self().incarnation
        && plausible(m.incarnation, self().incarnation))
      refute(m.incarnation, reporter + " knows an older incarnation of this node", out);
    return;
  }
  auto* known = table_.get(m.name);
  if (!known) {
    if (!plausible(m.incarnation, 0))
      return;
    if (table_full()) {
      ++counters_.members_refused_table_full;
      return;
    }
    auto info = m;
    info.state = member_state::alive;
    auto& e = insert_member(std::move(info), now);
    out.changes.push_back({e.info});
    out.events.push_back({m.name, std::nullopt, member_state::alive, m.incarnation,
                          "learned from " + reporter});
    out.members_changed = true;
    broadcast(e.info, out);
    return;
  }
  auto& e = *known;
  if (endpoint_of(m) != endpoint_of(e.info) && is_live(e.info.state)) {
    refuse_address_claim(e.info, m, reporter, now, out);
    return;
  }
  if (m.incarnation <= e.info.incarnation
      || !plausible(m.incarnation, e.info.incarnation))
    return;
  // A higher incarnation is the member's own word: take its addresses too, so a node
  // that restarted on a new address once it failed or left is reachable again.
  e.info.address = m.address;
  e.info.cluster_port = m.cluster_port;
  e.info.http_port = m.http_port;
  set_state(e, member_state::alive, m.incarnation,
            "incarnation " + std::to_string(m.incarnation) + " from " + reporter, now,
            out);
  broadcast(e.info, out);
}

void membership_core::apply_suspect(const member_info& m, const std::string& reporter,
                                    time_point now, swim_actions& out) {
  if (m.name == self_name_) {
    if (endpoint_of(m) != endpoint_of(self())) {
      own_name_taken(endpoint_of(m), reporter, now, out);
      return;
    }
    accepted_ = accepted_ || reporter != self_name_;
    if (!leaving_ && m.incarnation >= self().incarnation
        && plausible(m.incarnation, self().incarnation))
      refute(m.incarnation, reporter + " suspects this node", out);
    return;
  }
  auto* known = held_entry_for(m);
  if (!known)
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
  set_state(e, member_state::suspect, m.incarnation, "suspected by " + reporter, now,
            out);
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
    // Also at another address: a restart on a new address rises above its old life.
    if (endpoint_of(m) == endpoint_of(self()))
      accepted_ = accepted_ || reporter != self_name_;
    if (!leaving_ && m.incarnation >= self().incarnation
        && plausible(m.incarnation, self().incarnation))
      refute(m.incarnation, reporter + " reports this node " + to_string(m.state), out);
    return;
  }
  auto* known = held_entry_for(m);
  if (!known)
    return;
  auto& e = *known;
  if (e.info.state == member_state::left)
    return;
  if (m.state == member_state::left && reporter == m.name) {
    set_state(e, member_state::left, m.incarnation, "left, announced by itself", now,
              out);
    // Relayed in the member's name: only the member's own word makes a member left.
    out.broadcasts.push_back(member_update{e.info, m.name});
    return;
  }
  apply_reported_dead(e, m, reporter, now, out);
}

void membership_core::apply_reported_dead(member_entry& e, const member_info& m,
                                          const std::string& reporter, time_point now,
                                          swim_actions& out) {
  if (e.info.state == member_state::failed) {
    // An operator's forced leave (`force_leave` on another node): a member this node
    // holds failed at that very incarnation is dead anyway, so taking it as left only
    // reaps it sooner; the member itself, if alive after all, refutes at a higher
    // incarnation, which beats left (Serf's leave intent for a failed member).
    if (m.state == member_state::left && m.incarnation == e.info.incarnation) {
      set_state(e, member_state::left, m.incarnation,
                "forced to leave, reported by " + reporter, now, out);
      out.broadcasts.push_back(member_update{e.info, reporter});
    }
    return;
  }
  if (e.info.state == member_state::suspect && m.incarnation == e.info.incarnation) {
    // The reporter's suspicion of the same incarnation expired: so does ours.
    set_state(e, member_state::failed, m.incarnation,
              std::string{"failed, reported by "} + reporter, now, out);
    broadcast(e.info, out);
    return;
  }
  // Never suspected here (or at an older incarnation): a suspicion first, so a live
  // member hears of it and refutes instead of being ejected by one report.
  ++counters_.dead_reports_suspected;
  auto suspected = m;
  suspected.state = member_state::suspect;
  apply_suspect(suspected, reporter, now, out);
}

membership_core::member_entry* membership_core::held_entry_for(const member_info& m) {
  auto* known = table_.get(m.name);
  // News about the name at another address is about another node (or an older life),
  // not about the member held here.
  if (!known || endpoint_of(m) != endpoint_of(known->info)
      || m.incarnation < known->info.incarnation
      || !plausible(m.incarnation, known->info.incarnation))
    return nullptr;
  return known;
}

void membership_core::refute(uint64_t seen_incarnation, const std::string& reason,
                             swim_actions& out) {
  auto& me = self_info();
  auto base = std::max(me.incarnation, seen_incarnation);
  if (base == std::numeric_limits<uint64_t>::max()) {
    ++counters_.refutations_exhausted;
    out.errors.push_back("cannot refute (" + reason + "): incarnation at its maximum");
    return;
  }
  me.incarnation = base + 1;
  out.changes.push_back({me});
  ++counters_.suspicions_refuted;
  // Lifeguard: being suspected hints that this node is the slow one.
  adjust_health(1);
  out.notes.push_back("refuting (" + reason + "): incarnation now "
                      + std::to_string(me.incarnation));
  out.members_changed = true;
  broadcast(me, out);
}

bool membership_core::conflict_note_due(time_point now) {
  if (now < next_conflict_note_)
    return false;
  next_conflict_note_ = now + conflict_note_interval;
  return true;
}

void membership_core::own_name_taken(const endpoint& theirs, const std::string& via,
                                     time_point now, swim_actions& out) {
  ++counters_.address_conflicts;
  if (stopped_)
    return;
  auto ours = endpoint_of(self());
  if (established()) {
    if (conflict_note_due(now))
      out.errors.push_back("node name " + self_name_ + " is also claimed by a node at "
                           + describe(theirs) + " (heard from " + via + "); this node ("
                           + describe(ours)
                           + ") was a member first and keeps it: stop the other one");
    return;
  }
  name_conflict c;
  c.name = self_name_;
  c.ours = ours;
  c.theirs = theirs;
  c.message = "node name " + self_name_ + " is already in use by a live member at "
              + describe(theirs) + " (this node: " + describe(ours) + ", told by " + via
              + "); refusing to join. Give this node a unique onevalue.name. If "
              + describe(theirs)
              + " was this node before it moved, start it again once the cluster "
                "declared that address failed.";
  stopped_ = c;
  out.conflict = std::move(c);
  probe_.reset();
  relays_.clear();
}

void membership_core::refuse_address_claim(const member_info& held,
                                           const member_info& claim,
                                           const std::string& via, time_point now,
                                           swim_actions& out) {
  ++counters_.address_conflicts;
  if (conflict_note_due(now))
    out.errors.push_back("refusing " + claim.name + " at " + describe(endpoint_of(claim))
                         + " (from " + via + "): the name belongs to a live member at "
                         + describe(endpoint_of(held)));
}

void membership_core::send_conflict_ack(const endpoint& to, uint32_t seq,
                                        const member_info& holder, time_point now,
                                        swim_actions& out) {
  if (now < next_conflict_reply_)
    return;
  next_conflict_reply_ = now + settings_.probe_interval;
  swim_message ack;
  ack.kind = swim_kind::ack;
  ack.seq = seq;
  ack.conflict_address = holder.address;
  ack.conflict_port = holder.cluster_port;
  out.sends.push_back({to, ack});
}

void membership_core::set_state(member_entry& e, member_state to, uint64_t incarnation,
                                const std::string& reason, time_point now,
                                swim_actions& out) {
  if (to != e.info.state) {
    out.events.push_back({e.info.name, e.info.state, to, incarnation, reason});
    e.state_since = now;
    if (e.info.state == member_state::suspect)
      suspicions_.erase(e.info.name);
    if (to == member_state::failed || to == member_state::left)
      earliest_reap_ = std::min(earliest_reap_, now + settings_.reap_after);
  }
  table_.set_state(e, to);
  e.info.incarnation = incarnation;
  out.changes.push_back({e.info});
  out.members_changed = true;
}

void membership_core::broadcast(const member_info& m, swim_actions& out) {
  out.broadcasts.push_back(member_update{m, self_name_});
}

std::chrono::milliseconds membership_core::suspicion_duration(const suspicion& s) const {
  auto n = table_.size();
  auto min_timeout =
      suspicion_timeout(settings_.suspicion_mult, n, settings_.probe_interval);
  auto max_timeout = min_timeout * std::max(1, settings_.suspicion_max_mult);
  return dynamic_suspicion_timeout(s.confirmations.size(), expected_confirmations(),
                                   min_timeout, max_timeout);
}

std::size_t membership_core::expected_confirmations() const {
  // Confirmations can only come from members other than us and the suspect.
  auto n = table_.size();
  return std::min<std::size_t>(
      static_cast<std::size_t>(std::max(settings_.indirect_checks, 0)),
      n >= 2 ? n - 2 : 0);
}

} // namespace onevalue
