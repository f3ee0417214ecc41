#include "app/sim/sim_cluster.hpp"

#include "actors/core/swim_formulas.hpp"
#include "actors/core/value_push.hpp"

#include <algorithm>

namespace onevalue::sim {

namespace {

std::string key_of(const endpoint& e) {
  return e.host + ":" + std::to_string(e.port);
}

}  // namespace

cluster::cluster(std::size_t n, swim_settings settings, uint64_t seed, start_mode mode)
  : settings_(settings), rng_(seed), now_(time_point{} + std::chrono::hours{1}) {
  nodes_.resize(n);
  blocked_.assign(n, std::vector<bool>(n, false));
  for (std::size_t i = 0; i < n; ++i) {
    auto& nd = nodes_[i];
    nd.name = "n" + std::to_string(i);
    nd.address = endpoint{"10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1),
                          7946};
    by_address_[key_of(nd.address)] = i;
  }
  for (std::size_t i = 0; i < n; ++i)
    restart(i);
  if (mode == start_mode::prejoined) {
    std::vector<member_info> table;
    table.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
      table.push_back(identity(i));
    for (auto& nd : nodes_)
      nd.core->preload(table, now_);
  }
}

member_info cluster::identity(std::size_t i) const {
  return member_info{nodes_[i].name, nodes_[i].address.host, nodes_[i].address.port, 8080,
                     member_state::alive, 0};
}

void cluster::restart(std::size_t i) {
  auto& nd = nodes_[i];
  std::vector<endpoint> seeds;
  if (i != 0)
    seeds.push_back(nodes_[0].address);
  nd.core = std::make_unique<membership_core>(identity(i), settings_, seeds, rng_(), now_);
  nd.queue = broadcast_queue{};
  nd.up = true;
  std::uniform_int_distribution<long> jitter{0, settings_.gossip_interval.count()};
  nd.next_gossip = now_ + std::chrono::milliseconds{jitter(rng_)};
}

void cluster::restart_at(std::size_t i, const std::string& host) {
  auto& nd = nodes_[i];
  by_address_.erase(key_of(nd.address));
  nd.address.host = host;
  by_address_[key_of(nd.address)] = i;
  restart(i);
}

void cluster::crash(std::size_t i) {
  nodes_[i].up = false;
}

void cluster::leave(std::size_t i) {
  apply(i, nodes_[i].core->leave(now_));
  // Like the real node: push the announcement to everyone at once, then stop.
  for (std::size_t j = 0; j < nodes_.size(); ++j)
    if (j != i)
      send(i, nodes_[j].address, packet{});
}

void cluster::partition(std::size_t k) {
  for (std::size_t a = 0; a < nodes_.size(); ++a)
    for (std::size_t b = 0; b < nodes_.size(); ++b)
      blocked_[a][b] = (a < k) != (b < k);
}

void cluster::heal() {
  for (auto& row : blocked_)
    std::fill(row.begin(), row.end(), false);
}

void cluster::run_for(std::chrono::milliseconds duration, std::chrono::milliseconds step) {
  run_until([] { return false; }, duration, step);
}

bool cluster::run_until(const std::function<bool()>& done, std::chrono::milliseconds limit,
                        std::chrono::milliseconds step) {
  auto end = now_ + limit;
  while (now_ < end) {
    if (done())
      return true;
    now_ += step;
    while (!in_flight_.empty() && in_flight_.top().at <= now_) {
      auto d = in_flight_.top();
      in_flight_.pop();
      deliver(d);
    }
    for (std::size_t i = 0; i < nodes_.size(); ++i)
      if (nodes_[i].up)
        step_node(i);
  }
  return done();
}

void cluster::step_node(std::size_t i) {
  auto& nd = nodes_[i];
  if (nd.core->next_deadline() <= now_)
    apply(i, nd.core->tick(now_));
  if (now_ >= nd.next_gossip) {
    nd.next_gossip = now_ + settings_.gossip_interval;
    gossip(i, static_cast<std::size_t>(settings_.gossip_nodes));
  }
}

void cluster::gossip(std::size_t i, std::size_t count) {
  auto& nd = nodes_[i];
  if (nd.queue.empty())
    return;
  for (auto& t : nd.core->sample_live_peers(count, rng_))
    send(i, endpoint{t.address, t.cluster_port}, packet{});
}

void cluster::apply(std::size_t i, swim_actions actions) {
  auto& nd = nodes_[i];
  if (on_event)
    for (auto& e : actions.events)
      on_event(i, e);
  for (auto& b : actions.broadcasts) {
    nd.queue.push(b);
    // Like the real broadcaster: pushed at once to whom `member_push_scope` says.
    gossip(i, push_count(member_push_scope(b, nd.name), nd.core->live_peer_count(),
                         settings_.gossip_nodes));
  }
  for (auto& s : actions.sends) {
    packet p;
    p.swim = s.msg;
    p.members = s.attached;
    send(i, s.to, std::move(p));
  }
  for (auto& e : actions.push_pulls)
    push_pull(i, e);
}

void cluster::send(std::size_t from, const endpoint& to, packet p, bool piggyback) {
  auto& nd = nodes_[from];
  p.sender = nd.core->self();
  if (piggyback)
    nd.queue.fill(p, settings_.max_packet_bytes,
                  retransmit_limit(settings_.retransmit_mult, nd.core->member_count()));
  ++stats_.datagrams;
  stats_.bytes += broadcast_queue::estimated_size(p);
  auto target = index_of(to);
  std::uniform_real_distribution<double> coin{0.0, 1.0};
  if (!target || blocked_[from][*target] || coin(rng_) < loss) {
    ++stats_.dropped;
    return;
  }
  in_flight_.push(delivery{now_ + latency, order_++, *target, std::move(p)});
}

void cluster::deliver(const delivery& d) {
  auto& nd = nodes_[d.to];
  if (!nd.up)
    return;
  if (d.p.swim.kind != swim_kind::none)
    apply(d.to, nd.core->handle_message(d.p.sender, d.p.swim, now_));
  if (!d.p.members.empty())
    apply(d.to, nd.core->merge_updates(d.p.members, now_));
  for (auto& v : d.p.values)
    accept_value(d.to, v);
}

void cluster::push_pull(std::size_t from, const endpoint& to) {
  auto target = index_of(to);
  if (!target || !nodes_[*target].up || blocked_[from][*target] || blocked_[*target][from])
    return;
  ++stats_.push_pulls;
  auto& a = nodes_[from];
  auto& b = nodes_[*target];
  auto a_table = a.core->members();
  auto b_table = b.core->members();
  stats_.push_pull_bytes += broadcast_queue::estimated_size(a_table, a.value.current())
                            + broadcast_queue::estimated_size(b_table, b.value.current());
  apply(*target, b.core->merge_table(a_table, a.name, now_));
  apply(from, a.core->merge_table(b_table, b.name, now_));
  accept_value(*target, a.value.current());
  accept_value(from, b.value.current());
}

void cluster::write(std::size_t i, int64_t v) {
  auto w = nodes_[i].value.prepare_write(v, nodes_[i].name);
  accept_value(i, w);
}

void cluster::accept_value(std::size_t i, const versioned_value& v) {
  auto& nd = nodes_[i];
  if (!nd.value.merge(v))
    return;
  nd.value_seen.emplace_back(v.ver.counter, now_);
  nd.queue.push(v);
  // Like the real broadcaster: a newly accepted value is pushed at once, outside the
  // queue's retransmit budget, to whom `value_push_scope` says.
  auto live = nd.core->live_peer_count();
  auto count = push_count(value_push_scope(live, v.ver.node == nd.name), live,
                          settings_.gossip_nodes);
  for (auto& t : nd.core->sample_live_peers(count, rng_)) {
    packet p;
    p.values.push_back(v);
    send(i, endpoint{t.address, t.cluster_port}, std::move(p), false);
  }
}

std::optional<std::size_t> cluster::index_of(const endpoint& e) const {
  auto it = by_address_.find(key_of(e));
  if (it == by_address_.end())
    return std::nullopt;
  return it->second;
}

std::optional<member_state> cluster::state_in(std::size_t i, const std::string& name) const {
  auto m = nodes_[i].core->find(name);
  if (!m)
    return std::nullopt;
  return m->state;
}

bool cluster::converged() const {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i].up)
      continue;
    for (std::size_t j = 0; j < nodes_.size(); ++j) {
      auto s = state_in(i, nodes_[j].name);
      if (nodes_[j].up ? s != member_state::alive
                       : (s == member_state::alive || s == member_state::suspect))
        return false;
    }
  }
  return true;
}

std::string cluster::check_invariants() const {
  for (auto& nd : nodes_) {
    auto broken = nd.core->check_invariants();
    if (!broken.empty())
      return nd.name + ": " + broken;
    if (!nd.value.check_invariants())
      return nd.name + ": value register clock behind its value";
  }
  return {};
}

}  // namespace onevalue::sim
