#include "actors/core/gossip_core.hpp"

#include "actors/core/swim_formulas.hpp"
#include "actors/core/value_push.hpp"

#include <algorithm>

namespace onevalue {

gossip_core::gossip_core(member_info self, swim_settings settings, std::mt19937_64& rng,
                         time_point now)
    : self_name_(self.name), settings_(settings), rng_(&rng) {
  self.state = member_state::alive;
  replica_.insert(member_table::entry{std::move(self), time_point{}, time_point::min()});
  std::uniform_int_distribution<long> offset{0, settings_.gossip_interval.count()};
  next_tick_ = now + std::chrono::milliseconds{offset(*rng_)};
}

gossip_core::gossip_core(member_info self, swim_settings settings, std::mt19937_64& rng,
                         time_point now, const member_table& shared)
    : gossip_core(std::move(self), settings, rng, now) {
  shared_ = &shared;
}

void gossip_core::apply(const std::vector<member_delta>& changes) {
  if (shared_)
    return;
  for (auto& d : changes)
    // This node stays in its own table, whatever a change says.
    if (!(d.forgotten && d.member.name == self_name_))
      replica_.apply(d);
}

const member_info& gossip_core::self() const {
  return table()[self_slot()].info;
}

std::vector<member_info> gossip_core::members() const {
  return table().by_name();
}

std::size_t gossip_core::live_peer_count() const {
  return table().pool_size(sample_pool::live, self_slot());
}

gossip_actions gossip_core::value_accepted(const versioned_value& v) {
  gossip_actions out;
  if (!(latest_.ver < v.ver))
    return out;
  latest_ = v;
  queue_.push(v);
  if (!flush_pending_) {
    flush_pending_ = true;
    out.flush = true;
  }
  return out;
}

gossip_actions gossip_core::flush() {
  gossip_actions out;
  flush_pending_ = false;
  auto live = live_peer_count();
  auto scope = value_push_scope(live, latest_.ver.node == self_name_);
  for (auto& to : targets(push_count(scope, live, settings_.gossip_nodes))) {
    packet p;
    p.values.push_back(latest_);
    out.datagrams.push_back(assemble(to, std::move(p), false));
  }
  return out;
}

gossip_actions gossip_core::broadcast(const member_update& u) {
  gossip_actions out;
  queue_.push(u);
  auto scope = member_push_scope(u, self_name_);
  if (scope == push_scope::all) {
    // Every member must get it, and the retransmit budget (8 sends at 10 members) is
    // smaller than that: each push carries the update itself, outside the queue.
    for (auto& to : targets(live_peer_count())) {
      packet p;
      p.members.push_back(u);
      out.datagrams.push_back(assemble(to, std::move(p), false));
    }
    return out;
  }
  push_queue(push_count(scope, live_peer_count(), settings_.gossip_nodes), out);
  return out;
}

gossip_actions gossip_core::send(const endpoint& to, const swim_message& msg,
                                 const std::vector<member_update>& attached) {
  gossip_actions out;
  packet p;
  p.swim = msg;
  p.members = attached;
  out.datagrams.push_back(assemble(to, std::move(p), true));
  return out;
}

gossip_actions gossip_core::receive(packet p) {
  gossip_actions out;
  if (p.sender.name == self_name_)
    return out;
  for (auto& v : p.values)
    if (latest_.ver < v.ver)
      out.values.push_back({std::move(v), p.sender.name});
  out.member_updates = std::move(p.members);
  if (p.swim.kind != swim_kind::none)
    out.swim = arrived_swim{std::move(p.sender), std::move(p.swim)};
  return out;
}

gossip_actions gossip_core::tick(time_point now) {
  gossip_actions out;
  if (now < next_tick_)
    return out;
  next_tick_ = now + settings_.gossip_interval;
  if (!queue_.empty())
    push_queue(static_cast<std::size_t>(std::max(settings_.gossip_nodes, 0)), out);
  return out;
}

gossip_actions gossip_core::request_push_pull(const endpoint& peer) {
  gossip_actions out;
  auto& q = push_pull_waiting_;
  if (std::find(q.begin(), q.end(), peer) == q.end() && q.size() < push_pull_queue_limit)
    q.push_back(peer);
  start_next_push_pull(out);
  return out;
}

gossip_actions gossip_core::push_pull_connected() {
  gossip_actions out;
  push_pull_connecting_ = false;
  start_next_push_pull(out);
  return out;
}

void gossip_core::start_next_push_pull(gossip_actions& out) {
  if (push_pull_connecting_ || push_pull_waiting_.empty())
    return;
  push_pull_connecting_ = true;
  out.push_pulls.push_back(std::move(push_pull_waiting_.front()));
  push_pull_waiting_.pop_front();
}

datagram gossip_core::assemble(const endpoint& to, packet p, bool piggyback) {
  p.sender = self();
  if (piggyback)
    queue_.fill(p, settings_.max_packet_bytes,
                retransmit_limit(settings_.retransmit_mult, table().size()));
  return datagram{to, std::move(p)};
}

std::vector<endpoint> gossip_core::targets(std::size_t count) {
  std::vector<endpoint> result;
  auto& t = table();
  for (auto slot :
       t.sample(count, self_slot(), member_table::npos, sample_pool::live, *rng_))
    result.push_back(endpoint{t[slot].info.address, t[slot].info.cluster_port});
  return result;
}

void gossip_core::push_queue(std::size_t count, gossip_actions& out) {
  for (auto& to : targets(count))
    out.datagrams.push_back(assemble(to, packet{}, true));
}

} // namespace onevalue
