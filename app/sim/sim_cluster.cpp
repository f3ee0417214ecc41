#include "app/sim/sim_cluster.hpp"

#include "actors/core/wire_size.hpp"

#include <algorithm>

namespace onevalue::sim {

namespace {

std::string key_of(const endpoint& e) {
  return e.host + ":" + std::to_string(e.port);
}

/// Empty if the gossip core's replica holds the membership core's members at the same
/// slots, else the first difference.
std::string replica_mismatch(const membership_core& core, const gossip_core& gossip) {
  auto& a = core.table();
  auto& b = gossip.table();
  if (a.size() != b.size())
    return "the gossip replica has " + std::to_string(b.size()) + " members, membership "
           + std::to_string(a.size());
  for (uint32_t slot = 0; slot < a.size(); ++slot)
    if (!(a[slot].info == b[slot].info))
      return "the gossip replica holds " + b[slot].info.name + " at slot "
             + std::to_string(slot) + " unlike membership (" + a[slot].info.name + ")";
  return {};
}

} // namespace

cluster::cluster(std::size_t n, swim_settings settings, uint64_t seed, start_mode mode,
                 gossip_members members)
    : settings_(settings), members_(members), rng_(seed),
      now_(time_point{} + std::chrono::hours{1}), window_start_(now_) {
  max_datagrams_per_node_s = 4 * nominal_datagrams_per_node_s(settings);
  nodes_.resize(n);
  blocked_.assign(n, std::vector<bool>(n, false));
  for (std::size_t i = 0; i < n; ++i) {
    auto& nd = nodes_[i];
    nd.name = "n" + std::to_string(i);
    nd.address = endpoint{
        "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1), 7946};
    by_address_[key_of(nd.address)] = i;
  }
  for (std::size_t i = 0; i < n; ++i)
    restart(i);
  if (mode == start_mode::prejoined) {
    std::vector<member_info> table;
    table.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
      table.push_back(identity(i));
    for (std::size_t i = 0; i < n; ++i)
      apply(i, nodes_[i].core->preload(table, now_));
  }
}

member_info cluster::identity(std::size_t i) const {
  return member_info{nodes_[i].name, nodes_[i].address.host, nodes_[i].address.port,
                     8080,           member_state::alive,    0};
}

void cluster::restart(std::size_t i) {
  auto& nd = nodes_[i];
  std::vector<endpoint> seeds;
  if (i != 0)
    seeds.push_back(nodes_[0].address);
  nd.gossip.reset();
  nd.core =
      std::make_unique<membership_core>(identity(i), settings_, seeds, rng_(), now_);
  nd.gossip = members_ == gossip_members::shared
                  ? std::make_unique<gossip_core>(identity(i), settings_, rng_, now_,
                                                  nd.core->table())
                  : std::make_unique<gossip_core>(identity(i), settings_, rng_, now_);
  nd.gossip_due = nd.gossip->next_deadline();
  nd.up = true;
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
  // The gossip core pushes the announcement to every live member at once.
  apply(i, nodes_[i].core->leave(now_));
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

void cluster::run_for(std::chrono::milliseconds duration,
                      std::chrono::milliseconds step) {
  run_until([] { return false; }, duration, step);
}

bool cluster::run_until(const std::function<bool()>& done,
                        std::chrono::milliseconds limit, std::chrono::milliseconds step) {
  auto end = now_ + limit;
  while (now_ < end) {
    if (done())
      return true;
    now_ += step;
    while (!in_flight_.empty() && in_flight_.top().at <= now_) {
      auto d = in_flight_.top();
      in_flight_.pop();
      deliver(std::move(d));
    }
    for (std::size_t i = 0; i < nodes_.size(); ++i)
      if (nodes_[i].up)
        step_node(i);
    check_budget();
  }
  return done();
}

double cluster::nominal_datagrams_per_node_s(const swim_settings& s) {
  auto per_second = [](std::chrono::milliseconds interval) {
    return 1000.0 / static_cast<double>(std::max<long>(interval.count(), 1));
  };
  return per_second(s.gossip_interval) * std::max(s.gossip_nodes, 0)
         + per_second(s.probe_interval) * (2 + 4 * std::max(s.indirect_checks, 0));
}

void cluster::check_budget() {
  auto sent = stats_.datagrams - window_datagrams_;
  auto cap = max_datagrams_per_node_s * static_cast<double>(nodes_.size());
  if (max_datagrams_per_node_s > 0 && static_cast<double>(sent) > cap) {
    auto at = std::chrono::duration_cast<std::chrono::milliseconds>(now_ - window_start_);
    throw overrun{std::to_string(sent) + " datagrams within " + std::to_string(at.count())
                  + " ms of simulated time from " + std::to_string(nodes_.size())
                  + " nodes (budget " + std::to_string(static_cast<uint64_t>(cap))
                  + " per second): a broadcast loop or a flapping member? "
                  + (divergence().empty() ? "Member tables agree." : divergence())};
  }
  if (now_ - window_start_ >= std::chrono::seconds{1}) {
    peak_ =
        std::max(peak_, static_cast<double>(sent) / static_cast<double>(nodes_.size()));
    window_start_ = now_;
    window_datagrams_ = stats_.datagrams;
  }
}

void cluster::step_node(std::size_t i) {
  auto& nd = nodes_[i];
  if (nd.core->next_deadline() <= now_)
    apply(i, nd.core->tick(now_));
  if (nd.gossip_due <= now_) {
    auto actions = nd.gossip->tick(now_);
    nd.gossip_due = nd.gossip->next_deadline();
    carry_out(i, std::move(actions));
  }
}

void cluster::apply(std::size_t i, swim_actions actions) {
  auto& nd = nodes_[i];
  if (members_ == gossip_members::replica)
    nd.gossip->apply(actions.changes);
  if (on_event)
    for (auto& e : actions.events)
      on_event(i, e);
  for (auto& b : actions.broadcasts)
    carry_out(i, nd.gossip->broadcast(b));
  for (auto& s : actions.sends)
    carry_out(i, nd.gossip->send(s.to, s.msg, s.attached));
  for (auto& e : actions.push_pulls)
    carry_out(i, nd.gossip->request_push_pull(e));
}

void cluster::carry_out(std::size_t i, gossip_actions actions) {
  auto& nd = nodes_[i];
  for (auto& d : actions.datagrams)
    transmit(i, std::move(d));
  if (actions.swim)
    apply(i, nd.core->handle_message(actions.swim->sender, actions.swim->msg, now_));
  if (!actions.member_updates.empty())
    apply(i, nd.core->merge_updates(actions.member_updates, now_));
  for (auto& v : actions.values)
    accept_value(i, v.value);
  for (auto& e : actions.push_pulls) {
    // A simulated exchange completes at once, so the next may start right away.
    push_pull(i, e);
    carry_out(i, nd.gossip->push_pull_connected());
  }
  if (actions.flush)
    carry_out(i, nd.gossip->flush());
}

void cluster::transmit(std::size_t from, datagram d) {
  ++stats_.datagrams;
  stats_.bytes += wire_size(d.p);
  auto target = index_of(d.to);
  std::uniform_real_distribution<double> coin{0.0, 1.0};
  if (!target || blocked_[from][*target] || coin(rng_) < loss) {
    ++stats_.dropped;
    return;
  }
  in_flight_.push(delivery{now_ + latency, order_++, *target, std::move(d.p)});
}

void cluster::deliver(delivery d) {
  auto& nd = nodes_[d.to];
  if (!nd.up)
    return;
  carry_out(d.to, nd.gossip->receive(std::move(d.p)));
}

void cluster::push_pull(std::size_t from, const endpoint& to) {
  auto target = index_of(to);
  if (!target || !nodes_[*target].up || blocked_[from][*target]
      || blocked_[*target][from])
    return;
  ++stats_.push_pulls;
  auto& a = nodes_[from];
  auto& b = nodes_[*target];
  // What a node's gossip actor sends in a push-pull: its gossip core's table.
  auto a_table = a.gossip->members();
  auto b_table = b.gossip->members();
  stats_.push_pull_bytes +=
      wire_size(a_table, a.value.current()) + wire_size(b_table, b.value.current());
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
  carry_out(i, nd.gossip->value_accepted(v));
}

std::optional<std::size_t> cluster::index_of(const endpoint& e) const {
  auto it = by_address_.find(key_of(e));
  if (it == by_address_.end())
    return std::nullopt;
  return it->second;
}

std::optional<member_state> cluster::state_in(std::size_t i,
                                              const std::string& name) const {
  auto m = nodes_[i].core->find(name);
  if (!m)
    return std::nullopt;
  return m->state;
}

std::string cluster::divergence() const {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i].up)
      continue;
    for (std::size_t j = 0; j < nodes_.size(); ++j) {
      auto s = state_in(i, nodes_[j].name);
      if (nodes_[j].up ? s == member_state::alive : (!s || !is_live(*s)))
        continue;
      return nodes_[i].name + " lists " + nodes_[j].name + " ("
             + (nodes_[j].up ? "up" : "down") + ") as " + (s ? to_string(*s) : "unknown");
    }
  }
  return {};
}

std::string cluster::check_invariants() const {
  for (auto& nd : nodes_) {
    auto broken = nd.core->check_invariants();
    if (!broken.empty())
      return nd.name + ": " + broken;
    if (!nd.value.check_invariants())
      return nd.name + ": value register clock behind its value";
    if (members_ == gossip_members::replica)
      if (auto broken = replica_mismatch(*nd.core, *nd.gossip); !broken.empty())
        return nd.name + ": " + broken;
  }
  return {};
}

} // namespace onevalue::sim
