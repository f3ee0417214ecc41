// The timer-driven half of membership_core: everything `tick(now)` does.

#include "actors/core/membership_core.hpp"

#include <algorithm>

namespace onevalue {

void membership_core::retry_join(time_point now, swim_actions& out) {
  if (now < next_join_at_ || seeds_.empty())
    return;
  next_join_at_ = now + settings_.join_retry_interval;
  // Joined nodes fall back to all their seeds only when nobody else is left to talk
  // to, e.g. after every peer restarted or a partition isolated this node. With peers
  // left, they still ping the seeds they no longer know (below).
  if (joined_ && live_peer_count() > 0) {
    ping_forgotten_seeds(now, out);
    return;
  }
  std::string list;
  for (auto& seed : seeds_) {
    auto seq = next_seq();
    join_seqs_.insert(seq);
    swim_message ping;
    ping.kind = swim_kind::ping;
    ping.seq = seq;
    out.sends.push_back({seed, ping});
    list += (list.empty() ? "" : ", ") + seed.host + ":" + std::to_string(seed.port);
  }
  // Acks to old join pings still count; keep only a bounded window of them.
  while (join_seqs_.size() > 16 * seeds_.size())
    join_seqs_.erase(join_seqs_.begin());
  if (!joined_ && ++join_attempts_ > 1)
    out.notes.push_back("no seed answered yet; pinging " + list + " again in "
                        + std::to_string(settings_.join_retry_interval.count()) + " ms");
}

void membership_core::ping_forgotten_seeds(time_point now, swim_actions& out) {
  if (now < next_seed_ping_at_)
    return;
  next_seed_ping_at_ = now + settings_.failed_probe_interval;
  // A partition held longer than reap-after leaves each side without the other's
  // members: failed-member probing has nothing left to ping, and a side whose nodes
  // still have a live peer would never look for the others again. A seed missing from
  // the table is pinged every failed-probe interval; its ack adds it and starts a
  // push-pull, which merges the two tables (issue 16). A seed known under another
  // address (a host name) is pinged too: one datagram per interval, no push-pull.
  for (auto& seed : seeds_) {
    if (seed == endpoint_of(self()))
      continue;
    bool known = false;
    for (auto& e : table_)
      if (endpoint_of(e.info) == seed) {
        known = true;
        break;
      }
    if (known)
      continue;
    auto seq = next_seq();
    join_seqs_.insert(seq);
    swim_message ping;
    ping.kind = swim_kind::ping;
    ping.seq = seq;
    out.sends.push_back({seed, ping});
  }
  while (join_seqs_.size() > 16 * seeds_.size())
    join_seqs_.erase(join_seqs_.begin());
}

void membership_core::check_probe(time_point now, swim_actions& out) {
  if (!probe_)
    return;
  auto target_slot = table_.find(probe_->target);
  if (target_slot == member_table::npos) {
    probe_.reset();
    return;
  }
  if (!probe_->indirect_sent && now >= probe_->ack_deadline) {
    probe_->indirect_sent = true;
    auto helpers = sample_slots(static_cast<std::size_t>(settings_.indirect_checks),
                                target_slot, sample_pool::alive, rng_);
    auto count = helpers.size();
    auto& target = table_[target_slot].info;
    for (std::size_t i = 0; i < count; ++i) {
      swim_message req;
      req.kind = swim_kind::ping_req;
      req.seq = probe_->seq;
      req.target = target.name;
      out.sends.push_back({endpoint_of(table_[helpers[i]].info), req});
      probe_->awaiting_nacks.push_back(table_[helpers[i]].info.name);
      ++counters_.indirect_probes_sent;
    }
    probe_->expected_nacks = count;
  }
  if (now >= probe_->probe_deadline) {
    auto& e = table_[target_slot];
    // Lifeguard: every helper that did not even nack hints that our own network or
    // CPU is the problem; with no helpers, the missed ack itself counts.
    auto missing = probe_->awaiting_nacks.size();
    ++counters_.probes_failed;
    counters_.nacks_missed += missing;
    adjust_health(probe_->expected_nacks > 0 ? static_cast<int>(missing) : 1);
    probe_.reset();
    if (is_live(e.info.state)) {
      bool already_suspect = e.info.state == member_state::suspect;
      auto suspected = e.info;
      suspected.state = member_state::suspect;
      // Already suspect (someone else accused it): our own failed probe is an
      // independent confirmation, counted here and passed on in our name (Lifeguard).
      apply_suspect(suspected, self_name_, now, out);
      if (!already_suspect)
        out.notes.push_back(
            "suspecting " + suspected.name + ": no ack directly or through "
            + std::to_string(settings_.indirect_checks) + " helpers within "
            + std::to_string(scaled_probe_interval().count()) + " ms");
    }
  }
}

void membership_core::start_probe(time_point now, swim_actions& out) {
  if (probe_ || now < next_probe_at_)
    return;
  // Lifeguard: a node in poor local health probes less often and waits longer.
  auto interval = scaled_probe_interval();
  next_probe_at_ = now + interval;
  // Shuffled round-robin: every live member is probed once per round, in random order,
  // which bounds detection time (unlike picking a random member each time).
  for (std::size_t attempts = 0; attempts < 2; ++attempts) {
    while (probe_index_ < probe_order_.size()) {
      auto slot = probe_order_[probe_index_++];
      if (slot == member_table::npos || slot == self_slot
          || !is_live(table_[slot].info.state))
        continue;
      auto& target = table_[slot].info;
      swim_message ping;
      ping.kind = swim_kind::ping;
      ping.seq = next_seq();
      ping.target = target.name;
      outgoing_message probe{endpoint_of(target), ping};
      if (target.state == member_state::suspect)
        probe.attached.push_back(member_update{target, self_name_});
      out.sends.push_back(std::move(probe));
      ++counters_.probes_sent;
      probe_ = pending_probe{
          target.name, ping.seq, now + scaled_ack_timeout(), now + interval, false,
          {},          0};
      return;
    }
    // A new round: every live member, shuffled.
    probe_order_ =
        sample_slots(live_peer_count(), member_table::npos, sample_pool::live, rng_);
    probe_index_ = 0;
    if (probe_order_.empty())
      return;
  }
}

void membership_core::expire_suspicions(time_point now, swim_actions& out) {
  if (now < earliest_suspicion_)
    return;
  earliest_suspicion_ = time_point::max();
  std::vector<std::string> expired;
  for (auto& [name, s] : suspicions_) {
    if (now < s.deadline)
      earliest_suspicion_ = std::min(earliest_suspicion_, s.deadline);
    else
      expired.push_back(name);
  }
  for (auto& name : expired) {
    auto& s = suspicions_.at(name);
    auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - s.start);
    auto reason = "suspicion not refuted within " + std::to_string(waited.count())
                  + " ms (" + std::to_string(s.confirmations.size()) + " confirmations)";
    auto& e = *table_.get(name);
    ++counters_.members_failed;
    set_state(e, member_state::failed, e.info.incarnation, reason, now, out);
    broadcast(e.info, out);
  }
}

void membership_core::expire_relays(time_point now, swim_actions& out) {
  for (auto it = relays_.begin(); it != relays_.end();) {
    auto& r = it->second;
    if (!r.nacked && now >= r.nack_at) {
      // Lifeguard: tell the requester we tried and got nothing, so it can tell its own
      // slowness apart from the target's. A late ack is still relayed until `deadline`.
      r.nacked = true;
      swim_message nack;
      nack.kind = swim_kind::nack;
      nack.seq = r.requester_seq;
      nack.target = r.target;
      out.sends.push_back({r.requester, nack});
    }
    if (now >= r.deadline)
      it = relays_.erase(it);
    else
      ++it;
  }
}

void membership_core::probe_failed_members(time_point now, swim_actions& out) {
  if (now < next_failed_probe_at_)
    return;
  next_failed_probe_at_ = now + settings_.failed_probe_interval;
  if (table_.count(member_state::failed) == 0)
    return;
  std::vector<const member_entry*> failed;
  for (auto& e : table_)
    if (e.info.state == member_state::failed)
      failed.push_back(&e);
  if (failed.empty())
    return;
  // A failed member may only be partitioned away: keep pinging one now and then so
  // that the partition heals by itself once the network is back.
  std::uniform_int_distribution<std::size_t> pick{0, failed.size() - 1};
  auto& target = failed[pick(rng_)]->info;
  swim_message ping;
  ping.kind = swim_kind::ping;
  ping.seq = next_seq();
  ping.target = target.name;
  out.sends.push_back({endpoint_of(target), ping});
}

void membership_core::schedule_push_pull(time_point now, swim_actions& out) {
  if (now < next_push_pull_at_)
    return;
  push_pull_wait_ = std::min(2 * push_pull_wait_, push_pull_interval());
  next_push_pull_at_ = now + push_pull_wait_;
  // Only members that talked to us recently: connecting to a host that drops packets
  // would block the middleman's single connect thread for minutes.
  auto recent = now - 2 * settings_.probe_interval;
  std::vector<const member_entry*> candidates;
  for (uint32_t slot = 0; slot < table_.size(); ++slot) {
    auto& e = table_[slot];
    if (slot != self_slot && e.info.state == member_state::alive
        && e.last_heard >= recent)
      candidates.push_back(&e);
  }
  if (candidates.empty())
    return;
  std::uniform_int_distribution<std::size_t> pick{0, candidates.size() - 1};
  out.push_pulls.push_back(endpoint_of(candidates[pick(rng_)]->info));
}

void membership_core::reap(time_point now, swim_actions& out) {
  if (now < earliest_reap_)
    return;
  earliest_reap_ = time_point::max();
  std::vector<std::string> gone_names;
  for (uint32_t slot = 0; slot < table_.size(); ++slot) {
    auto& e = table_[slot];
    bool gone =
        e.info.state == member_state::failed || e.info.state == member_state::left;
    if (slot == self_slot || !gone)
      continue;
    if (now >= e.state_since + settings_.reap_after)
      gone_names.push_back(e.info.name);
    else
      earliest_reap_ = std::min(earliest_reap_, e.state_since + settings_.reap_after);
  }
  std::sort(gone_names.begin(), gone_names.end());
  for (auto& name : gone_names) {
    out.notes.push_back("forgetting " + name + ": "
                        + to_string(table_.get(name)->info.state)
                        + " for longer than reap-after");
    out.members_changed = true;
    out.changes.push_back({table_.get(name)->info, true});
    erase_name(name);
  }
}

} // namespace onevalue
