// The SWIM messages a member receives: ping, ack, ping-req and nack (membership_core's
// handlers for them; the merge rules are in membership_merge.cpp, the timers in
// membership_timers.cpp).

#include "actors/core/membership_core.hpp"

#include <algorithm>

namespace onevalue {

swim_actions membership_core::handle_message(const member_info& sender,
                                             const swim_message& msg, time_point now) {
  swim_actions out;
  if (stopped_)
    return out;
  if (!well_formed(sender, sender.name))
    return out;
  // A node describes itself as alive, or as left while it leaves; never otherwise.
  if (sender.state == member_state::suspect || sender.state == member_state::failed) {
    ++counters_.members_refused_malformed;
    return out;
  }
  if (sender.name == self_name_) {
    on_own_name(sender, msg, now, out);
    return out;
  }
  switch (msg.kind) {
  case swim_kind::ping:
    on_ping(sender, msg, now, out);
    break;
  case swim_kind::ack:
    on_ack(sender, msg, now, out);
    break;
  case swim_kind::ping_req:
    on_ping_req(sender, msg, now, out);
    break;
  case swim_kind::nack:
    on_nack(sender, msg);
    break;
  case swim_kind::none:
    break;
  }
  return out;
}

void membership_core::on_own_name(const member_info& sender, const swim_message& msg,
                                  time_point now, swim_actions& out) {
  // Our own datagram come back (e.g. a seed list naming this node): nothing to do.
  if (endpoint_of(sender) == endpoint_of(self()))
    return;
  if (msg.kind == swim_kind::ping && !leaving_)
    send_conflict_ack(endpoint_of(sender), msg.seq, self(), now, out);
  own_name_taken(endpoint_of(sender),
                 sender.name + " at " + sender.address + ":"
                     + std::to_string(sender.cluster_port),
                 now, out);
}

void membership_core::on_ping(const member_info& sender, const swim_message& msg,
                              time_point now, swim_actions& out) {
  // A ping meant for a previous owner of our address must not keep a dead name alive.
  if (!msg.target.empty() && msg.target != self_name_)
    return;
  auto* known = table_.get(sender.name);
  if (known && endpoint_of(known->info) != endpoint_of(sender)) {
    if (is_live(known->info.state)) {
      // "Node name already in use": the newcomer learns it from our answer.
      refuse_address_claim(known->info, sender, sender.name, now, out);
      send_conflict_ack(endpoint_of(sender), msg.seq, known->info, now, out);
      return;
    }
    // A failed or left member back on a new address: it talks to us from there, so
    // that is where it lives now. Its incarnation is taken once it refutes.
    out.notes.push_back(sender.name + " is back at " + sender.address + ":"
                        + std::to_string(sender.cluster_port) + " (was "
                        + known->info.address + ":"
                        + std::to_string(known->info.cluster_port) + ", "
                        + to_string(known->info.state) + ")");
    known->info.address = sender.address;
    known->info.cluster_port = sender.cluster_port;
    known->info.http_port = sender.http_port;
    out.changes.push_back({known->info});
    out.members_changed = true;
  }
  // Addressed to us by name: the pinger holds this node at this address.
  if (msg.target == self_name_)
    accepted_ = true;
  bool was_down = known && sender.incarnation <= known->info.incarnation
                  && !is_live(known->info.state);
  apply_update(member_update{sender, sender.name}, now, out);
  // Acks go only to members, at the address held for them: a sender this node refused
  // (table full, implausible incarnation) gets none.
  known = held_at_its_address(sender);
  if (!known)
    return;
  swim_message ack;
  ack.kind = swim_kind::ack;
  ack.seq = msg.seq;
  out.sends.push_back({endpoint_of(known->info), ack});
  if (was_down)
    // It is talking to us, yet we hold it failed or left: exchange tables so it
    // learns that and refutes.
    out.push_pulls.push_back(endpoint_of(known->info));
  mark_heard(sender.name, now);
  if (!joined_) {
    mark_joined(now);
    out.notes.push_back("joined the cluster: pinged by " + sender.name);
    out.push_pulls.push_back(endpoint_of(known->info));
  }
}

void membership_core::on_ack(const member_info& sender, const swim_message& msg,
                             time_point now, swim_actions& out) {
  ++counters_.acks_received;
  if (msg.conflict_port != 0) {
    // The sender refuses our name: a live member at conflict_address holds it. Only
    // as the answer to a ping of ours, and only about another address.
    endpoint holder{msg.conflict_address, msg.conflict_port};
    bool answers_us = join_seqs_.count(msg.seq) > 0 || (probe_ && probe_->seq == msg.seq);
    if (answers_us && holder != endpoint_of(self()))
      own_name_taken(holder, sender.name, now, out);
    return;
  }
  auto relay_it = relays_.find(msg.seq);
  if (relay_it != relays_.end() && relay_it->second.target == sender.name) {
    swim_message relayed;
    relayed.kind = swim_kind::ack;
    relayed.seq = relay_it->second.requester_seq;
    out.sends.push_back({relay_it->second.requester, relayed});
    relays_.erase(relay_it);
  }
  auto* known = table_.get(sender.name);
  bool was_down = known && !is_live(known->info.state);
  bool was_live = known && is_live(known->info.state)
                  && endpoint_of(known->info) == endpoint_of(sender);
  apply_update(member_update{sender, sender.name}, now, out);
  known = held_at_its_address(sender);
  if (!known)
    return;
  mark_heard(sender.name, now);
  if (probe_ && probe_->seq == msg.seq) {
    probe_.reset();
    adjust_health(-1);
  }
  bool seed_answered = join_seqs_.erase(msg.seq) > 0;
  // A seed a joined node already holds live (pinged under a host name) adds nothing.
  if ((seed_answered && !(joined_ && was_live)) || was_down) {
    // A seed answered, or a member we gave up on is reachable again (a healed
    // partition): exchange full state so both sides learn what they missed.
    if (!joined_) {
      out.notes.push_back("joined the cluster through " + sender.name + " at "
                          + sender.address + ":" + std::to_string(sender.cluster_port));
      mark_joined(now);
    }
    out.push_pulls.push_back(endpoint_of(known->info));
  }
}

void membership_core::on_ping_req(const member_info& sender, const swim_message& msg,
                                  time_point now, swim_actions& out) {
  if (leaving_)
    return;
  // Only a member may ask, and the answer goes to the address held for it: a ping-req
  // can never make this node send to an address taken from the datagram.
  auto* requester = held_at_its_address(sender);
  if (!requester || !is_live(requester->info.state) || relays_.size() >= max_relays) {
    ++counters_.ping_reqs_refused;
    return;
  }
  mark_heard(sender.name, now);
  auto to_requester = endpoint_of(requester->info);
  auto* target = table_.get(msg.target);
  if (!target || msg.target == self_name_) {
    // Nothing we could probe: say so at once, so the requester does not take our
    // silence for its own slowness (Lifeguard).
    swim_message nack;
    nack.kind = swim_kind::nack;
    nack.seq = msg.seq;
    nack.target = msg.target;
    out.sends.push_back({to_requester, nack});
    return;
  }
  auto seq = next_seq();
  swim_message ping;
  ping.kind = swim_kind::ping;
  ping.seq = seq;
  ping.target = msg.target;
  out.sends.push_back({endpoint_of(target->info), ping});
  auto wait = scaled_ack_timeout();
  relays_[seq] =
      relay{to_requester, msg.seq, msg.target, now + wait * 4 / 5, false, now + wait};
}

void membership_core::on_nack(const member_info& sender, const swim_message& msg) {
  ++counters_.nacks_received;
  if (!probe_ || probe_->seq != msg.seq)
    return;
  auto& awaiting = probe_->awaiting_nacks;
  auto it = std::find(awaiting.begin(), awaiting.end(), sender.name);
  if (it != awaiting.end())
    awaiting.erase(it);
}

} // namespace onevalue
