#include "actors/core/membership_core.hpp"

#include "actors/core/swim_formulas.hpp"

#include <algorithm>
#include <limits>

namespace onevalue {

membership_core::membership_core(member_info self, swim_settings settings,
                                 std::vector<endpoint> seeds, uint64_t random_seed,
                                 time_point now)
    : self_name_(self.name), settings_(settings), seeds_(std::move(seeds)),
      rng_(random_seed) {
  self.state = member_state::alive;
  insert_member(std::move(self), now);
  // A seed list that names only this node is the same as none.
  seeds_.erase(std::remove_if(seeds_.begin(), seeds_.end(),
                              [this](const endpoint& s) {
                                return s == endpoint_of(table_[self_slot].info);
                              }),
               seeds_.end());
  joined_ = seeds_.empty();
  next_join_at_ = now;
  next_probe_at_ = now + settings_.probe_interval;
  next_failed_probe_at_ = now + settings_.failed_probe_interval;
  next_seed_ping_at_ = now + settings_.failed_probe_interval;
  start_catch_up_exchanges(now);
}

const member_info& membership_core::self() const {
  return table_[self_slot].info;
}

std::vector<member_info> membership_core::members() const {
  return table_.by_name();
}

void membership_core::adjust_health(int delta) {
  health_ = apply_health_delta(health_, delta, settings_.awareness_max_multiplier);
}

std::chrono::milliseconds membership_core::push_pull_interval() const {
  return scaled_push_pull_interval(settings_.push_pull_interval, table_.size());
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
    if (!stopped_)
      apply_update(u, now, out);
  return out;
}

swim_actions membership_core::merge_table(const std::vector<member_info>& table,
                                          const std::string& reporter, time_point now) {
  swim_actions out;
  for (auto& m : table)
    if (!stopped_)
      apply_update(member_update{m, reporter}, now, out);
  return out;
}

swim_actions membership_core::tick(time_point now) {
  swim_actions out;
  if (leaving_ || stopped_)
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
  if (leaving_ || stopped_)
    return out;
  auto& me = table_[self_slot];
  // At the end of the incarnations, leave at the same one: left beats alive there too.
  auto incarnation = me.info.incarnation == std::numeric_limits<uint64_t>::max()
                         ? me.info.incarnation
                         : me.info.incarnation + 1;
  set_state(me, member_state::left, incarnation, "graceful leave", now, out);
  broadcast(me.info, out);
  leaving_ = true;
  probe_.reset();
  return out;
}

const char* to_string(force_leave_status status) {
  switch (status) {
  case force_leave_status::left:
    return "left";
  case force_leave_status::already_left:
    return "already_left";
  case force_leave_status::unknown:
    return "unknown";
  case force_leave_status::not_failed:
    return "not_failed";
  case force_leave_status::self:
    return "self";
  }
  return "?";
}

force_leave_result membership_core::force_leave(const std::string& name, time_point now) {
  force_leave_result result;
  if (name == self_name_) {
    result.status = force_leave_status::self;
    return result;
  }
  auto* e = table_.get(name);
  if (!e) {
    result.status = force_leave_status::unknown;
    return result;
  }
  switch (e->info.state) {
  case member_state::alive:
  case member_state::suspect:
    result.status = force_leave_status::not_failed;
    return result;
  case member_state::left:
    result.status = force_leave_status::already_left;
    return result;
  case member_state::failed:
    break;
  }
  // The same incarnation: at equal incarnation `left` overrides `failed` on every node
  // (apply_dead), and the member itself, should it be alive after all, refutes.
  set_state(*e, member_state::left, e->info.incarnation, "forced to leave by an operator",
            now, result.actions);
  broadcast(e->info, result.actions);
  result.status = force_leave_status::left;
  return result;
}

time_point membership_core::next_deadline() const {
  if (leaving_ || stopped_)
    return time_point::max();
  auto next = std::min({next_probe_at_, next_failed_probe_at_, next_push_pull_at_});
  if (!joined_ || !seeds_.empty())
    next = std::min(next, next_join_at_);
  if (probe_)
    next = std::min(next, probe_->indirect_sent ? probe_->probe_deadline
                                                : probe_->ack_deadline);
  for (auto& [seq, r] : relays_)
    next = std::min(next, r.nacked ? r.deadline : r.nack_at);
  return std::min({next, earliest_suspicion_, earliest_reap_});
}

member_counts membership_core::counts() const {
  return table_.counts();
}

const member_info* membership_core::find(const std::string& name) const {
  auto* e = table_.get(name);
  return e ? &e->info : nullptr;
}

std::vector<member_info> membership_core::sample_live_peers(std::size_t k,
                                                            std::mt19937_64& rng) const {
  std::vector<member_info> result;
  for (auto slot : sample_slots(k, member_table::npos, sample_pool::live, rng))
    result.push_back(table_[slot].info);
  return result;
}

std::size_t membership_core::live_peer_count() const {
  return table_.pool_size(sample_pool::live, self_slot);
}

std::vector<uint32_t> membership_core::sample_slots(std::size_t k, uint32_t except,
                                                    sample_pool pool,
                                                    std::mt19937_64& rng) const {
  return table_.sample(k, self_slot, except, pool, rng);
}

swim_actions membership_core::preload(const std::vector<member_info>& table,
                                      time_point now) {
  swim_actions out;
  table_.reserve(std::min(table_.size() + table.size(), settings_.max_members));
  for (auto& m : table) {
    if (check_member(m) != member_defect::none || m.name == self_name_
        || table_.find(m.name) != member_table::npos || table_full())
      continue;
    auto info = m;
    if (info.state == member_state::suspect)
      info.state = member_state::alive;
    if (info.state == member_state::failed || info.state == member_state::left)
      earliest_reap_ = std::min(earliest_reap_, now + settings_.reap_after);
    out.changes.push_back({insert_member(std::move(info), now).info});
  }
  joined_ = true;
  // A preloaded table is a formed cluster: no quick catch-up exchanges. The first one
  // comes at a random point of the interval, so that the cores of a simulation that
  // all start at once do not exchange in lockstep.
  push_pull_wait_ = push_pull_interval();
  std::uniform_int_distribution<long long> offset{1, push_pull_wait_.count()};
  next_push_pull_at_ = now + std::chrono::milliseconds{offset(rng_)};
  return out;
}

void membership_core::mark_joined(time_point now) {
  joined_ = true;
  // The catch-up exchanges count from joining: before, there was nobody to ask.
  start_catch_up_exchanges(now);
}

void membership_core::start_catch_up_exchanges(time_point now) {
  push_pull_wait_ = std::min(2 * settings_.probe_interval, settings_.push_pull_interval);
  next_push_pull_at_ = now + push_pull_wait_;
}

membership_core::member_entry& membership_core::insert_member(member_info info,
                                                              time_point now) {
  return table_.insert(member_entry{std::move(info), now, time_point::min()});
}

void membership_core::erase_name(const std::string& name) {
  auto slot = table_.find(name);
  if (slot == member_table::npos || slot == self_slot)
    return;
  if (table_[slot].info.state == member_state::suspect)
    suspicions_.erase(name);
  auto moved_from = table_.erase(slot);
  // Keep this round's probe order pointing at the same members.
  for (auto& x : probe_order_) {
    if (x == slot)
      x = member_table::npos;
    else if (x == moved_from)
      x = slot;
  }
}

membership_core::member_entry*
membership_core::held_at_its_address(const member_info& m) {
  auto* known = table_.get(m.name);
  return known && endpoint_of(known->info) == endpoint_of(m) ? known : nullptr;
}

void membership_core::mark_heard(const std::string& name, time_point now) {
  if (auto* e = table_.get(name))
    e->last_heard = now;
}

std::string membership_core::check_invariants() const {
  if (table_.size() == 0 || table_[self_slot].info.name != self_name_)
    return "self is not at slot 0 of the member table";
  auto self_state = self().state;
  if (self_state != member_state::alive && self_state != member_state::left)
    return "self is " + std::string{to_string(self_state)} + " in its own table";
  if (self_state == member_state::left && !leaving_)
    return "self is left but not leaving";
  if (table_.size() > std::max<std::size_t>(settings_.max_members, 1))
    return "the table holds " + std::to_string(table_.size())
           + " members, more than max-members";
  if (relays_.size() > max_relays)
    return "more relays than max_relays";
  if (stopped_ && (probe_ || !relays_.empty()))
    return "stopped by a name conflict, yet probing or relaying";
  if (auto broken = table_.check(); !broken.empty())
    return broken;
  for (auto& e : table_)
    if (e.info.state == member_state::suspect && suspicions_.count(e.info.name) == 0)
      return e.info.name + " is suspect without a suspicion deadline";
  for (auto& [name, s] : suspicions_) {
    auto* e = table_.get(name);
    if (!e || e->info.state != member_state::suspect)
      return name + " has a suspicion deadline but is "
             + (e ? to_string(e->info.state) : "not in the table");
    if (s.deadline < earliest_suspicion_)
      return name + "'s suspicion deadline is before the earliest one tracked";
    if (s.confirmations.count(s.accuser) > 0 || s.confirmations.count(name) > 0)
      return name + "'s suspicion counts its accuser or the suspect as a confirmation";
  }
  for (auto slot : probe_order_)
    if (slot != member_table::npos && slot >= table_.size())
      return "the probe order points past the table";
  if (health_ < 0 || health_ >= std::max(settings_.awareness_max_multiplier, 1))
    return "health score " + std::to_string(health_) + " out of range";
  if (probe_ && probe_->target == self_name_)
    return "probing self";
  return {};
}

} // namespace onevalue
