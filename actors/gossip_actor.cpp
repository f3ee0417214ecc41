#include "actors/gossip_actor.hpp"

#include "actors/log.hpp"
#include "actors/udp_transport.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <set>
#include <string>

namespace onevalue {

namespace {

using self_ptr = gossip_actor::stateful_pointer<gossip_state>;

/// How long a push-pull may take, connect and exchange each. Long enough for a table
/// of thousands of members over a slow link; a peer that does not answer in time holds
/// up the exchanges queued behind it for this long (they run one at a time, because
/// CAF's middleman connects on one thread).
constexpr auto push_pull_timeout = std::chrono::seconds{5};

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

/// Encodes and sends one datagram the core assembled.
void send_datagram(self_ptr self, const datagram& d) {
  auto& st = self->state;
  std::vector<char> bytes;
  caf::binary_serializer sink{self->system(), bytes};
  if (auto err = sink(d.p)) {
    OV_LOG_ERROR("cannot encode a packet for {}:{}: {}", d.to.host, d.to.port,
                 self->system().render(err));
    return;
  }
  ++st.counters.packets_sent;
  st.counters.bytes_sent += bytes.size();
  count_packet(st.counters, d.p, bytes.size(), true);
  caf::anon_send(st.udp, send_atom::value, d.to.host, d.to.port, std::move(bytes));
}

void start_push_pull(self_ptr self, const endpoint& peer);

/// Carries out what the core decided, in the order `gossip_actions` lists.
void carry_out(self_ptr self, gossip_actions actions) {
  auto& st = self->state;
  for (auto& d : actions.datagrams)
    send_datagram(self, d);
  if (st.membership && actions.swim)
    self->send(st.membership, packet_atom::value, actions.swim->sender,
               actions.swim->msg);
  if (st.membership && !actions.member_updates.empty())
    self->send(st.membership, merge_atom::value, std::move(actions.member_updates));
  for (auto& v : actions.values)
    self->request(st.store, push_pull_timeout, merge_atom::value, v.value, v.from)
        .then([](bool) {}, [](caf::error&) {});
  for (auto& peer : actions.push_pulls)
    start_push_pull(self, peer);
  // Queued behind the updates that arrived with the first one: a burst of writes
  // becomes one push of the latest value.
  if (actions.flush)
    self->send(self, flush_atom::value);
}

/// Asks for a gossip tick at the core's next deadline.
void schedule_tick(self_ptr self) {
  auto next = self->state.core->next_deadline();
  auto now = self->clock().now();
  self->delayed_send(self, next > now ? next - now : caf::timespan{0},
                     gossip_tick_atom::value);
}

cluster_state local_state(self_ptr self) {
  auto& core = *self->state.core;
  return cluster_state{core.self().name, core.members(), core.latest()};
}

void merge_remote_state(self_ptr self, const cluster_state& theirs) {
  auto& st = self->state;
  if (st.membership)
    self->send(st.membership, merge_atom::value, theirs.members, theirs.sender);
  self->request(st.store, push_pull_timeout, merge_atom::value, theirs.value,
                theirs.sender)
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

/// The connect of the push-pull that started last is over: the next may start.
void finish_connect(self_ptr self) {
  carry_out(self, self->state.core->push_pull_connected());
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
            OV_LOG_DEBUG("push-pull with {} failed: {}", peer,
                         self->system().render(err));
          });
}

void start_push_pull(self_ptr self, const endpoint& peer) {
  ++self->state.counters.push_pulls_started;
  auto name = peer.host + ":" + std::to_string(peer.port);
  // Asynchronous connect through the middleman actor: never the blocking remote_actor.
  // The middleman connects one host at a time, so the core starts one at a time.
  auto mm = self->system().middleman().actor_handle();
  self->request(mm, push_pull_timeout, caf::connect_atom::value, peer.host, peer.port)
      .then(
          [self, name](const caf::node_id&, caf::strong_actor_ptr& ptr,
                       const std::set<std::string>&) {
            if (!ptr) {
              ++self->state.counters.push_pulls_failed;
              OV_LOG_WARN("push-pull: nothing published at {}", name);
            } else {
              exchange_with(self, name, std::move(ptr));
            }
            finish_connect(self);
          },
          [self, name](caf::error& err) {
            ++self->state.counters.push_pulls_failed;
            OV_LOG_DEBUG("push-pull: cannot connect to {}: {}", name,
                         self->system().render(err));
            finish_connect(self);
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
  if (p.sender.name == st.core->self().name)
    return;
  count_packet(st.counters, p, bytes.size(), false);
  carry_out(self, st.core->receive(std::move(p)));
}

} // namespace

gossip_actor::behavior_type gossip(self_ptr self, gossip_config config) {
  auto& st = self->state;
  st.bind_address = config.bind_address;
  st.cluster_port = config.self.cluster_port;
  st.store = config.store;
  st.rng.seed(config.random_seed);
  st.core = std::make_unique<gossip_core>(config.self, config.settings, st.rng,
                                          self->clock().now());
  st.udp = self->system().middleman().spawn_broker(udp_transport,
                                                   caf::actor_cast<caf::actor>(self));
  self->link_to(st.udp);
  schedule_tick(self);
  return {
      [self](update_atom, const versioned_value& v) {
        carry_out(self, self->state.core->value_accepted(v));
      },
      [self](flush_atom) { carry_out(self, self->state.core->flush()); },
      [](sync_atom) {
        // The store's own announcement; gossip is the one that told it.
      },
      [self](update_atom, const std::vector<member_delta>& changes) {
        self->state.core->apply(changes);
      },
      [self](broadcast_atom, const member_update& u) {
        carry_out(self, self->state.core->broadcast(u));
      },
      [self](send_atom, const std::string& host, uint16_t port, const swim_message& msg,
             const std::vector<member_update>& attached) {
        carry_out(self, self->state.core->send(endpoint{host, port}, msg, attached));
      },
      [self](push_pull_atom, const std::string& host, uint16_t port) {
        carry_out(self, self->state.core->request_push_pull(endpoint{host, port}));
      },
      [self](packet_atom, const std::vector<char>& bytes) { on_datagram(self, bytes); },
      [self](push_pull_atom, const cluster_state& theirs) -> cluster_state {
        ++self->state.counters.push_pulls_served;
        merge_remote_state(self, theirs);
        mark_synchronized(self, theirs.sender);
        return local_state(self);
      },
      [self](gossip_tick_atom) {
        carry_out(self, self->state.core->tick(self->clock().now()));
        schedule_tick(self);
      },
      [self](attach_atom, const membership_actor& membership) {
        self->state.membership = membership;
      },
      [self](get_atom, metrics_atom) -> gossip_counters { return self->state.counters; },
      [self](open_atom) -> caf::result<uint16_t> {
        auto& st = self->state;
        auto rp = self->make_response_promise<uint16_t>();
        self->request(st.udp, push_pull_timeout, open_atom::value, st.bind_address,
                      st.cluster_port)
            .then([rp](uint16_t port) mutable { rp.deliver(port); },
                  [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
        return rp;
      },
  };
}

} // namespace onevalue
