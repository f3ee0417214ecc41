#include "actors/gossip_actor.hpp"
#include "actors/gossip_internal.hpp"

#include "actors/core/consensus_frame.hpp"
#include "actors/core/datagram_codec.hpp"
#include "actors/core/stream_frame.hpp"
#include "actors/log.hpp"
#include "actors/stream_transport.hpp"
#include "actors/udp_transport.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <chrono>
#include <cstdlib>
#include <string>

namespace onevalue {

namespace gossip_detail {

namespace {

static_assert(consensus_channel == channel_consensus,
              "consensus frames start with the datagram codec's consensus channel byte");

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
  auto sealed = seal_packet(*st.datagrams, d.p);
  if (!sealed) {
    OV_LOG_ERROR("cannot encode or seal a packet for {}:{}", d.to.host, d.to.port);
    return;
  }
  auto bytes = std::move(*sealed);
  ++st.counters.packets_sent;
  st.counters.bytes_sent += bytes.size();
  count_packet(st.counters, d.p, bytes.size(), true);
  caf::anon_send(st.udp, send_atom::value, d.to.host, d.to.port, std::move(bytes));
}

/// Asks for a gossip tick at the core's next deadline.
void schedule_tick(self_ptr self) {
  auto next = self->state.core->next_deadline();
  auto now = self->clock().now();
  self->delayed_send(self, next > now ? next - now : caf::timespan{0},
                     gossip_tick_atom::value);
}

void on_datagram(self_ptr self, const std::vector<char>& bytes) {
  auto& st = self->state;
  ++st.counters.packets_received;
  st.counters.bytes_received += bytes.size();
  auto in = open_datagram(*st.datagrams, {bytes.data(), bytes.size()}, st.limits,
                          st.wire_errors);
  if (in.what == incoming_datagram::kind::consensus && st.consensus) {
    // Opened (and authenticated, with keys); the consensus actor decodes the frame.
    self->send(st.consensus, consensus_received_atom::value, std::move(in.payload));
    return;
  }
  if (in.what != incoming_datagram::kind::gossip) {
    ++st.counters.undecodable_packets;
    if (in.what == incoming_datagram::kind::consensus)
      ++st.counters.datagrams_unserved_channel;
    if (in.what == incoming_datagram::kind::malformed)
      ++st.counters.datagrams_malformed_by_error[static_cast<std::size_t>(in.error)];
    if (in.what == incoming_datagram::kind::malformed)
      OV_LOG_DEBUG("dropping a datagram of {} bytes: {} at byte {}", bytes.size(),
                   to_string(in.error), in.offset);
    return;
  }
  if (in.p.sender.name == st.core->self().name)
    return;
  count_packet(st.counters, in.p, bytes.size(), false);
  carry_out(self, st.core->receive(std::move(in.p)));
}

/// Seals a consensus frame from the consensus actor like every datagram and sends it.
void send_consensus(self_ptr self, const std::string& host, uint16_t port,
                    const std::vector<char>& frame) {
  auto& st = self->state;
  auto sealed = seal_datagram(*st.datagrams, {frame.data(), frame.size()});
  if (!sealed) {
    OV_LOG_ERROR("cannot seal a consensus frame of {} bytes for {}:{}", frame.size(),
                 host, port);
    return;
  }
  ++st.counters.packets_sent;
  st.counters.bytes_sent += sealed->size();
  caf::anon_send(st.udp, send_atom::value, host, port, std::move(*sealed));
}

/// The traffic counters with the envelope's and the codec's refusals.
gossip_counters metrics(self_ptr self) {
  auto& st = self->state;
  auto c = st.counters;
  const auto& e = st.datagrams->counters();
  for (auto n : e.dropped)
    c.datagrams_dropped += n;
  c.datagrams_replayed = e.dropped_for(drop_reason::replayed);
  c.datagrams_dropped_by_reason = e.dropped;
  c.datagrams_malformed = st.wire_errors.total();
  c.broadcast_queue_depth = st.core->queued();
  return c;
}

/// Sets up the keyring, the datagram envelope and both transports.
void start_transports(self_ptr self, gossip_config& config) {
  auto& st = self->state;
  st.limits.max_members = config.settings.max_members;
  st.files = config.files ? config.files : posix_file_layer();
  st.keys = std::make_unique<keyring_holder>(std::move(config.keys), config.keys_file,
                                             *st.files);
  auto datagram_settings = config.envelope;
  datagram_settings.max_message_bytes = max_datagram_bytes;
  datagram_settings.replay_window = datagram_replay_window;
  auto frame_settings = config.envelope;
  frame_settings.max_message_bytes = frame_cap(config.settings.max_members);
  frame_settings.replay_window = 0; // frames are bound to a fresh challenge instead
  std::string error;
  auto datagrams = envelope::create(st.keys->current(), datagram_settings, error);
  auto frames = envelope::create(st.keys->current(), frame_settings, error);
  if (!datagrams || !frames) {
    // main checks the settings before it spawns this actor (check_envelope_settings).
    OV_LOG_ERROR("cannot set up the envelope: {}", error);
    std::abort();
  }
  st.datagrams = std::make_unique<envelope>(std::move(*datagrams));
  st.udp = self->system().middleman().spawn_broker(udp_transport,
                                                   caf::actor_cast<caf::actor>(self));
  self->link_to(st.udp);
  stream_config sc;
  sc.handler = caf::actor_cast<caf::actor>(self);
  sc.frames = std::make_shared<envelope>(std::move(*frames));
  sc.max_frame_bytes = frame_cap(config.settings.max_members);
  sc.deadline = push_pull_timeout;
  st.stream = self->system().middleman().spawn_broker(stream_transport, std::move(sc));
  self->link_to(st.stream);
}

} // namespace

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
  // Without a sender: nothing waits for the store's answer, and a request would put a
  // timeout into CAF's clock thread and an answer into this mailbox for every value
  // (two thread wake-ups per consensus round on each node in linearizable mode).
  for (auto& v : actions.values)
    if (st.refused_peers.count(v.from) == 0)
      caf::anon_send(st.store, merge_atom::value, v.value, v.from);
  for (auto& peer : actions.push_pulls)
    start_push_pull(self, peer);
  // Queued behind the updates that arrived with the first one: a burst of writes
  // becomes one push of the latest value.
  if (actions.flush)
    self->send(self, flush_atom::value);
}

} // namespace gossip_detail

gossip_actor::behavior_type gossip(gossip_detail::self_ptr self, gossip_config config) {
  using namespace gossip_detail;
  auto& st = self->state;
  st.bind_address = config.bind_address;
  st.cluster_port = config.self.cluster_port;
  st.store = config.store;
  st.mode_digest = config.mode_digest;
  st.mode_description = config.mode_description;
  st.rng.seed(config.random_seed);
  // The core fills packets up to what is left of a datagram once it is sealed.
  auto settings = config.settings;
  settings.max_packet_bytes = packet_budget(settings.max_packet_bytes);
  st.metrics = config.metrics;
  st.core =
      std::make_unique<gossip_core>(config.self, settings, st.rng, self->clock().now());
  start_transports(self, config);
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
      [self](exchange_atom, const std::vector<char>& payload,
             bool authenticated) -> caf::result<std::vector<char>> {
        return on_exchange(self, payload, authenticated);
      },
      [self](keyring_atom, const keyring_command& command)
          -> caf::result<keyring_report> { return on_keyring_request(self, command); },
      [self](gossip_tick_atom) {
        carry_out(self, self->state.core->tick(self->clock().now()));
        schedule_tick(self);
      },
      [self](attach_atom, const membership_actor& membership) {
        self->state.membership = membership;
      },
      [self](attach_atom, const consensus_actor& consensus) {
        self->state.consensus = consensus;
      },
      [self](consensus_send_atom, const std::string& host, uint16_t port,
             const std::vector<char>& frame) { send_consensus(self, host, port, frame); },
      [self](get_atom, metrics_atom) -> gossip_counters { return metrics(self); },
      [self](open_atom) -> caf::result<uint16_t> {
        auto& st = self->state;
        auto rp = self->make_response_promise<uint16_t>();
        // UDP first, then TCP on the port UDP got.
        self->request(st.udp, push_pull_timeout, open_atom::value, st.bind_address,
                      st.cluster_port)
            .then(
                [self, rp](uint16_t port) mutable {
                  auto& st = self->state;
                  self->request(st.stream, push_pull_timeout, open_atom::value,
                                st.bind_address, port)
                      .then(
                          [rp](uint16_t tcp_port) mutable { rp.deliver(tcp_port); },
                          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
                },
                [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
        return rp;
      },
  };
}

} // namespace onevalue
