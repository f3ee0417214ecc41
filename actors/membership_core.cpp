#include "actors/membership_core.hpp"

#include "actors/swim_formulas.hpp"

#include <algorithm>

namespace onevalue {

membership_core::membership_core(member_info self, swim_settings settings,
                                 std::vector<endpoint> seeds, uint64_t random_seed,
                                 time_point now)
  : self_name_(self.name),
    settings_(settings),
    seeds_(std::move(seeds)),
    rng_(random_seed) {
  self.state = member_state::alive;
  insert_member(std::move(self), now);
  // A seed list that names only this node is the same as none.
  seeds_.erase(std::remove_if(seeds_.begin(), seeds_.end(),
                              [this](const endpoint& s) {
                                return s == endpoint_of(members_.at(self_name_).info);
                              }),
               seeds_.end());
  joined_ = seeds_.empty();
  next_join_at_ = now;
  next_probe_at_ = now + settings_.probe_interval;
  next_failed_probe_at_ = now + settings_.failed_probe_interval;
  next_push_pull_at_ = now + settings_.push_pull_interval;
}

const member_info& membership_core::self() const {
  return members_.at(self_name_).info;
}

std::vector<member_info> membership_core::members() const {
  std::vector<member_info> result;
  result.reserve(members_.size());
  for (auto& [name, entry] : members_)
    result.push_back(entry.info);
  return result;
}

swim_actions membership_core::handle_message(const member_info& sender,
                                             const swim_message& msg, time_point now) {
  swim_actions out;
  if (sender.name.empty() || sender.name == self_name_)
    return out;
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
      on_nack(msg);
      break;
    case swim_kind::none:
      break;
  }
  return out;
}

void membership_core::on_ping(const member_info& sender, const swim_message& msg,
                              time_point now, swim_actions& out) {
  // A ping meant for a previous owner of our address must not keep a dead name alive.
  if (!msg.target.empty() && msg.target != self_name_)
    return;
  swim_message ack;
  ack.kind = swim_kind::ack;
  ack.seq = msg.seq;
  out.sends.push_back({endpoint_of(sender), ack});
  auto known = members_.find(sender.name);
  if (known != members_.end() && sender.incarnation <= known->second.info.incarnation
      && (known->second.info.state == member_state::failed
          || known->second.info.state == member_state::left))
    // It is talking to us, yet we hold it suspect or gone: exchange tables so it
    // learns that and refutes.
    out.push_pulls.push_back(endpoint_of(sender));
  apply_alive(sender, sender.name, now, out);
  mark_heard(sender.name, now);
  if (!joined_) {
    joined_ = true;
    out.notes.push_back("joined the cluster: pinged by " + sender.name);
    out.push_pulls.push_back(endpoint_of(sender));
  }
}

void membership_core::on_ack(const member_info& sender, const swim_message& msg,
                             time_point now, swim_actions& out) {
  ++counters_.acks_received;
  auto relay_it = relays_.find(msg.seq);
  if (relay_it != relays_.end()) {
    swim_message relayed;
    relayed.kind = swim_kind::ack;
    relayed.seq = relay_it->second.requester_seq;
    out.sends.push_back({relay_it->second.requester, relayed});
    relays_.erase(relay_it);
  }
  auto known = members_.find(sender.name);
  bool was_down = known != members_.end()
                  && (known->second.info.state == member_state::failed
                      || known->second.info.state == member_state::left);
  apply_alive(sender, sender.name, now, out);
  mark_heard(sender.name, now);
  if (probe_ && probe_->seq == msg.seq) {
    probe_.reset();
    adjust_health(-1);
  }
  if (join_seqs_.erase(msg.seq) > 0 || was_down) {
    // A seed answered, or a member we gave up on is reachable again (a healed
    // partition): exchange full state so both sides learn what they missed.
    if (!joined_)
      out.notes.push_back("joined the cluster through " + sender.name + " at "
                          + sender.address + ":" + std::to_string(sender.cluster_port));
    joined_ = true;
    out.push_pulls.push_back(endpoint_of(sender));
  }
}

void membership_core::on_ping_req(const member_info& sender, const swim_message& msg,
                                  time_point now, swim_actions& out) {
  if (leaving_)
    return;
  mark_heard(sender.name, now);
  auto seq = next_seq();
  swim_message ping;
  ping.kind = swim_kind::ping;
  ping.seq = seq;
  ping.target = msg.target;
  out.sends.push_back({endpoint{msg.target_address, msg.target_port}, ping});
  auto wait = scaled_ack_timeout();
  relays_[seq] = relay{endpoint_of(sender), msg.seq, msg.target, now + wait * 4 / 5, false,
                       now + wait};
}

void membership_core::on_nack(const swim_message& msg) {
  ++counters_.nacks_received;
  if (probe_ && probe_->seq == msg.seq && probe_->nacks < probe_->expected_nacks)
    ++probe_->nacks;
}

void membership_core::adjust_health(int delta) {
  health_ = apply_health_delta(health_, delta, settings_.awareness_max_multiplier);
}

std::chrono::milliseconds membership_core::scaled_probe_interval() const {
  return scale_by_health(settings_.probe_interval, health_);
}

std::chrono::milliseconds membership_core::scaled_ack_timeout() const {
  return scale_by_health(settings_.ack_timeout, health_);
}

swim_actions membership_core::merge_updates(const std::vector<member_update>& updates,
                                            time_point now) {
  swim_actions out;
  for (auto& u : updates)
    apply_update(u, now, out);
  return out;
}

swim_actions membership_core::merge_table(const std::vector<member_info>& table,
                                          const std::string& reporter, time_point now) {
  swim_actions out;
  for (auto& m : table)
    apply_update(member_update{m, reporter}, now, out);
  return out;
}

swim_actions membership_core::tick(time_point now) {
  swim_actions out;
  if (leaving_)
    return out;
  retry_join(now, out);
  expire_relays(now, out);
  check_probe(now, out);
  start_probe(now, out);
  expire_suspicions(now, out);
  probe_failed_members(now, out);
  schedule_push_pull(now, out);
  reap(now, out);
  return out;
}

swim_actions membership_core::leave(time_point now) {
  swim_actions out;
  if (leaving_)
    return out;
  auto& me = members_.at(self_name_);
  set_state(me, member_state::left, me.info.incarnation + 1, "graceful leave", now, out);
  broadcast(me.info, out);
  leaving_ = true;
  probe_.reset();
  return out;
}

time_point membership_core::next_deadline() const {
  if (leaving_)
    return time_point::max();
  auto next = std::min({next_probe_at_, next_failed_probe_at_, next_push_pull_at_});
  if (!joined_ || !seeds_.empty())
    next = std::min(next, next_join_at_);
  if (probe_)
    next = std::min(next, probe_->indirect_sent ? probe_->probe_deadline : probe_->ack_deadline);
  for (auto& [seq, r] : relays_)
    next = std::min(next, r.nacked ? r.deadline : r.nack_at);
  return std::min({next, earliest_suspicion_, earliest_reap_});
}

member_counts membership_core::counts() const {
  member_counts c;
  for (auto& [name, e] : members_) {
    switch (e.info.state) {
      case member_state::alive: ++c.alive; break;
      case member_state::suspect: ++c.suspect; break;
      case member_state::failed: ++c.failed; break;
      case member_state::left: ++c.left; break;
    }
  }
  return c;
}

const member_info* membership_core::find(const std::string& name) const {
  auto it = members_.find(name);
  return it == members_.end() ? nullptr : &it->second.info;
}

std::vector<member_info> membership_core::sample_live_peers(std::size_t k,
                                                            std::mt19937_64& rng) const {
  std::vector<member_info> result;
  if (names_.size() <= 1 || k == 0)
    return result;
  if (names_.size() <= 4 * k) {
    // Small tables: shuffle them all.
    auto names = live_peers({});
    std::shuffle(names.begin(), names.end(), rng);
    names.resize(std::min(names.size(), k));
    for (auto& n : names)
      result.push_back(members_.at(n).info);
    return result;
  }
  std::uniform_int_distribution<std::size_t> pick{0, names_.size() - 1};
  std::set<std::size_t> chosen;
  for (std::size_t tries = 0; tries < 8 * k && result.size() < k; ++tries) {
    auto slot = pick(rng);
    auto& e = members_.at(names_[slot]);
    bool live = e.info.state == member_state::alive || e.info.state == member_state::suspect;
    if (e.info.name == self_name_ || !live || !chosen.insert(slot).second)
      continue;
    result.push_back(e.info);
  }
  return result;
}

void membership_core::preload(const std::vector<member_info>& table, time_point now) {
  for (auto& m : table) {
    if (m.name.empty() || m.name == self_name_ || members_.count(m.name) > 0)
      continue;
    auto& e = insert_member(m, now);
    if (e.info.state == member_state::suspect)
      e.info.state = member_state::alive;
    if (e.info.state == member_state::failed) {
      ++failed_count_;
      earliest_reap_ = std::min(earliest_reap_, now + settings_.reap_after);
    } else if (e.info.state == member_state::left) {
      earliest_reap_ = std::min(earliest_reap_, now + settings_.reap_after);
    }
  }
  joined_ = true;
}

membership_core::member_entry& membership_core::insert_member(member_info info,
                                                              time_point now) {
  auto name = info.name;
  member_entry entry;
  entry.info = std::move(info);
  entry.state_since = now;
  entry.slot = names_.size();
  names_.push_back(name);
  return members_.emplace(std::move(name), std::move(entry)).first->second;
}

void membership_core::erase_name(const std::string& name) {
  auto it = members_.find(name);
  if (it == members_.end())
    return;
  auto slot = it->second.slot;
  if (slot + 1 != names_.size()) {
    names_[slot] = std::move(names_.back());
    members_.at(names_[slot]).slot = slot;
  }
  names_.pop_back();
  if (it->second.info.state == member_state::failed)
    --failed_count_;
  members_.erase(it);
}

void membership_core::mark_heard(const std::string& name, time_point now) {
  auto it = members_.find(name);
  if (it != members_.end())
    it->second.last_heard = now;
}

std::vector<std::string> membership_core::live_peers(const std::string& except) const {
  std::vector<std::string> result;
  for (auto& [name, e] : members_)
    if (name != self_name_ && name != except
        && (e.info.state == member_state::alive || e.info.state == member_state::suspect))
      result.push_back(name);
  return result;
}

std::string membership_core::check_invariants() const {
  auto self_it = members_.find(self_name_);
  if (self_it == members_.end())
    return "self is missing from the member table";
  auto self_state = self_it->second.info.state;
  if (self_state != member_state::alive && self_state != member_state::left)
    return "self is " + std::string{to_string(self_state)} + " in its own table";
  if (self_state == member_state::left && !leaving_)
    return "self is left but not leaving";
  for (auto& [name, e] : members_) {
    if (name != e.info.name)
      return "member table key " + name + " holds " + e.info.name;
    if (e.info.state == member_state::suspect && !e.suspicion_deadline)
      return name + " is suspect without a suspicion deadline";
    if (e.info.state != member_state::suspect && e.suspicion_deadline)
      return name + " has a suspicion deadline but is " + to_string(e.info.state);
    if (e.suspicion_deadline && *e.suspicion_deadline < earliest_suspicion_)
      return name + "'s suspicion deadline is before the earliest one tracked";
    if (e.slot >= names_.size() || names_[e.slot] != name)
      return name + " is not at its slot in the name index";
  }
  if (names_.size() != members_.size())
    return "the name index has " + std::to_string(names_.size()) + " names for "
           + std::to_string(members_.size()) + " members";
  if (health_ < 0 || health_ >= std::max(settings_.awareness_max_multiplier, 1))
    return "health score " + std::to_string(health_) + " out of range";
  if (probe_ && probe_->target == self_name_)
    return "probing self";
  return {};
}

}  // namespace onevalue
