#include "actors/gossip_actor.hpp"

#include "actors/log.hpp"
#include "actors/core/swim_formulas.hpp"
#include "actors/udp_transport.hpp"
#include "actors/core/value_push.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <algorithm>

namespace onevalue {

namespace {

using self_ptr = gossip_actor::stateful_pointer<gossip_state>;

/// How long a push-pull may take, connect and exchange each. Long enough for a table
/// of thousands of members over a slow link; a peer that does not answer in time holds
/// up the exchanges queued behind it for this long (they run one at a time, because
/// CAF's middleman connects on one thread).
constexpr auto push_pull_timeout = std::chrono::seconds{5};

/// Push-pulls waiting for the one in progress, at most (each peer at most once). The
/// core asks for one per push-pull interval, so the line only grows while peers time
/// out; beyond this, new requests are dropped and the next interval asks again.
constexpr std::size_t push_pull_queue_limit = 16;

std::vector<std::pair<std::string, uint16_t>> live_targets(const gossip_state& st) {
  std::vector<std::pair<std::string, uint16_t>> result;
  for (auto& m : st.members)
    if (m.name != st.self_info.name
        && (m.state == member_state::alive || m.state == member_state::suspect))
      result.emplace_back(m.address, m.cluster_port);
  return result;
}

uint64_t& by_kind(traffic_by_kind& t, swim_kind kind) {
  switch (kind) {
    case swim_kind::ping:
      return t.ping;
    case swim_kind::ack:
      return t.ack;
    case swim_kind::ping_req:
      return t.ping_req;
    case swim_kind::nack:
      return t.nack;
    case swim_kind::none:
      break;
  }
  return t.gossip_only;
}

/// Counts one datagram of `size` bytes, sent or received.
void count_packet(gossip_counters& c, const packet& p, std::size_t size, bool sent) {
  if (sent) {
    ++by_kind(c.packets_sent_by_kind, p.swim.kind);
    by_kind(c.bytes_sent_by_kind, p.swim.kind) += size;
    c.member_updates_sent += p.members.size();
    c.values_sent += p.values.size();
  } else {
    ++by_kind(c.packets_received_by_kind, p.swim.kind);
    by_kind(c.bytes_received_by_kind, p.swim.kind) += size;
    c.member_updates_received += p.members.size();
    c.values_received += p.values.size();
  }
}

/// Sends `p` with the queue's pending items piggybacked (each counted against its
/// retransmit limit), unless `piggyback` is false.
void send_packet(self_ptr self, const std::string& host, uint16_t port, packet p,
                 bool piggyback = true) {
  auto& st = self->state;
  p.sender = st.self_info;
  if (piggyback)
    st.queue.fill(p, st.settings.max_packet_bytes,
                  retransmit_limit(st.settings.retransmit_mult, st.members.size()));
  std::vector<char> bytes;
  caf::binary_serializer sink{self->system(), bytes};
  if (auto err = sink(p)) {
    OV_LOG_ERROR("cannot encode a packet for {}:{}: {}", host, port, self->system().render(err));
    return;
  }
  ++st.counters.packets_sent;
  st.counters.bytes_sent += bytes.size();
  count_packet(st.counters, p, bytes.size(), true);
  caf::anon_send(st.udp, send_atom::value, host, port, std::move(bytes));
}

/// Up to `count` live members in random order.
std::vector<std::pair<std::string, uint16_t>> random_live_targets(self_ptr self,
                                                                  std::size_t count) {
  auto targets = live_targets(self->state);
  std::shuffle(targets.begin(), targets.end(), self->state.rng);
  targets.resize(std::min(targets.size(), count));
  return targets;
}

/// Sends the queue's pending items to `count` random live members at once.
void push_now(self_ptr self, std::size_t count) {
  for (auto& [host, port] : random_live_targets(self, count))
    send_packet(self, host, port, packet{});
}

/// Pushes the latest accepted value at once, outside the broadcast queue: the queue
/// keeps its whole retransmit budget for the periodic gossip that follows. (When the
/// push counted against the budget, a 5-node cluster spent 3 of its 4 sends at once
/// and left about one write in 800 unseen by one member until the next push-pull.)
/// Where to is `value_push_scope`'s rule (actors/value_push.hpp).
void push_latest_value(self_ptr self) {
  auto& st = self->state;
  auto targets = live_targets(st);
  auto scope = value_push_scope(targets.size(), st.latest.ver.node == st.self_info.name);
  auto count = push_count(scope, targets.size(), st.settings.gossip_nodes);
  if (count < targets.size()) {
    std::shuffle(targets.begin(), targets.end(), st.rng);
    targets.resize(count);
  }
  for (auto& [host, port] : targets) {
    packet p;
    p.values.push_back(st.latest);
    send_packet(self, host, port, std::move(p), false);
  }
}

cluster_state local_state(self_ptr self) {
  return cluster_state{self->state.self_info.name, self->state.members, self->state.latest};
}

void merge_remote_state(self_ptr self, const cluster_state& theirs) {
  auto& st = self->state;
  if (st.membership)
    self->send(st.membership, merge_atom::value, theirs.members, theirs.sender);
  self->request(st.store, push_pull_timeout, merge_atom::value, theirs.value, theirs.sender)
    .then([](bool) {},
          [self](caf::error& err) {
            OV_LOG_WARN("store did not take a pushed-pulled value: {}",
                        self->system().render(err));
          });
}

/// After a completed push-pull: the store merged the peer's value (the merge request
/// was sent first, and messages between two actors keep their order), so tell it the
/// node is synchronized. Once is enough.
void mark_synchronized(self_ptr self, const std::string& peer) {
  auto& st = self->state;
  if (st.sync_sent)
    return;
  st.sync_sent = true;
  OV_LOG_INFO("first push-pull completed with {}", peer);
  self->send(st.store, sync_atom::value);
}

void start_next_push_pull(self_ptr self);

void finish_push_pull(self_ptr self) {
  self->state.connecting = false;
  start_next_push_pull(self);
}

void exchange_with(self_ptr self, const std::string& peer, caf::strong_actor_ptr ptr) {
  auto remote = caf::actor_cast<gossip_actor>(ptr);
  self->request(remote, push_pull_timeout, push_pull_atom::value, local_state(self))
    .then(
      [self](cluster_state& theirs) {
        ++self->state.counters.push_pulls_completed;
        merge_remote_state(self, theirs);
        mark_synchronized(self, theirs.sender);
      },
      [self, peer](caf::error& err) {
        ++self->state.counters.push_pulls_failed;
        OV_LOG_DEBUG("push-pull with {} failed: {}", peer, self->system().render(err));
      });
}

void start_next_push_pull(self_ptr self) {
  auto& st = self->state;
  if (st.connecting || st.push_pull_queue.empty())
    return;
  auto [host, port] = st.push_pull_queue.front();
  st.push_pull_queue.pop_front();
  st.connecting = true;
  ++st.counters.push_pulls_started;
  auto peer = host + ":" + std::to_string(port);
  // Asynchronous connect through the middleman actor: never the blocking remote_actor.
  auto mm = self->system().middleman().actor_handle();
  self->request(mm, push_pull_timeout, caf::connect_atom::value, host, port)
    .then(
      [self, peer](const caf::node_id&, caf::strong_actor_ptr& ptr,
                   const std::set<std::string>&) {
        if (!ptr) {
          ++self->state.counters.push_pulls_failed;
          OV_LOG_WARN("push-pull: nothing published at {}", peer);
        } else {
          exchange_with(self, peer, std::move(ptr));
        }
        finish_push_pull(self);
      },
      [self, peer](caf::error& err) {
        ++self->state.counters.push_pulls_failed;
        OV_LOG_DEBUG("push-pull: cannot connect to {}: {}", peer, self->system().render(err));
        finish_push_pull(self);
      });
}

void on_datagram(self_ptr self, const std::vector<char>& bytes) {
  auto& st = self->state;
  ++st.counters.packets_received;
  st.counters.bytes_received += bytes.size();
  packet p;
  caf::binary_deserializer source{self->system(), bytes};
  if (auto err = source(p); err || p.version < 1 || p.sender.name.empty()) {
    ++st.counters.undecodable_packets;
    OV_LOG_DEBUG("dropping an undecodable datagram of {} bytes", bytes.size());
    return;
  }
  if (p.sender.name == st.self_info.name)
    return;
  count_packet(st.counters, p, bytes.size(), false);
  if (st.membership && p.swim.kind != swim_kind::none)
    self->send(st.membership, packet_atom::value, p.sender, p.swim);
  if (st.membership && !p.members.empty())
    self->send(st.membership, merge_atom::value, std::move(p.members));
  for (auto& v : p.values)
    if (st.latest.ver < v.ver)
      self->request(st.store, push_pull_timeout, merge_atom::value, v, p.sender.name)
        .then([](bool) {}, [](caf::error&) {});
}

}  // namespace

gossip_actor::behavior_type gossip(self_ptr self, gossip_config config) {
  auto& st = self->state;
  st.settings = config.settings;
  st.bind_address = config.bind_address;
  st.cluster_port = config.self.cluster_port;
  st.self_info = config.self;
  st.members = {config.self};
  st.store = config.store;
  st.rng.seed(config.random_seed);
  st.udp = self->system().middleman().spawn_broker(udp_transport,
                                                   caf::actor_cast<caf::actor>(self));
  self->link_to(st.udp);
  self->delayed_send(self, st.settings.gossip_interval, gossip_tick_atom::value);
  return {
    [self](update_atom, const versioned_value& v) {
      auto& st = self->state;
      if (!(st.latest.ver < v.ver))
        return;
      st.latest = v;
      st.queue.push(v);
      if (!st.push_pending) {
        st.push_pending = true;
        self->send(self, flush_atom::value);
      }
    },
    [self](flush_atom) {
      self->state.push_pending = false;
      push_latest_value(self);
    },
    [](sync_atom) {
      // The store's own announcement; gossip is the one that told it.
    },
    [self](update_atom, const member_list& members) {
      auto& st = self->state;
      st.members = members;
      for (auto& m : members)
        if (m.name == st.self_info.name)
          st.self_info = m;
    },
    [self](broadcast_atom, const member_update& u) {
      auto& st = self->state;
      st.queue.push(u);
      // Where to is `member_push_scope`'s rule (actors/value_push.hpp).
      // st.members counts self and dead members too; push_now sends to live ones only.
      push_now(self, push_count(member_push_scope(u, st.self_info.name), st.members.size(),
                                st.settings.gossip_nodes));
    },
    [self](send_atom, const std::string& host, uint16_t port, const swim_message& msg,
           const std::vector<member_update>& attached) {
      packet p;
      p.swim = msg;
      p.members = attached;
      send_packet(self, host, port, std::move(p));
    },
    [self](push_pull_atom, const std::string& host, uint16_t port) {
      auto& q = self->state.push_pull_queue;
      auto peer = std::make_pair(host, port);
      if (std::find(q.begin(), q.end(), peer) == q.end() && q.size() < push_pull_queue_limit)
        q.push_back(peer);
      start_next_push_pull(self);
    },
    [self](packet_atom, const std::vector<char>& bytes) { on_datagram(self, bytes); },
    [self](push_pull_atom, const cluster_state& theirs) -> cluster_state {
      ++self->state.counters.push_pulls_served;
      merge_remote_state(self, theirs);
      mark_synchronized(self, theirs.sender);
      return local_state(self);
    },
    [self](gossip_tick_atom) {
      auto& st = self->state;
      if (!st.queue.empty())
        push_now(self, static_cast<std::size_t>(st.settings.gossip_nodes));
      self->delayed_send(self, st.settings.gossip_interval, gossip_tick_atom::value);
    },
    [self](attach_atom, const membership_actor& membership) {
      self->state.membership = membership;
    },
    [self](get_atom, metrics_atom) -> gossip_counters { return self->state.counters; },
    [self](open_atom) -> caf::result<uint16_t> {
      auto& st = self->state;
      auto rp = self->make_response_promise<uint16_t>();
      self->request(st.udp, push_pull_timeout, open_atom::value, st.bind_address, st.cluster_port)
        .then([rp](uint16_t port) mutable { rp.deliver(port); },
              [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
  };
}

}  // namespace onevalue
