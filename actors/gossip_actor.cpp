#include "actors/gossip_actor.hpp"

#include "actors/core/consensus_frame.hpp"
#include "actors/core/datagram_codec.hpp"
#include "actors/core/key_encoding.hpp"
#include "actors/core/stream_frame.hpp"
#include "actors/keyring_spreader.hpp"
#include "actors/log.hpp"
#include "actors/stream_transport.hpp"
#include "actors/udp_transport.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <chrono>
#include <cstdlib>
#include <string>

namespace onevalue {

namespace {

static_assert(consensus_channel == channel_consensus,
              "consensus frames start with the datagram codec's consensus channel byte");

using self_ptr = gossip_actor::stateful_pointer<gossip_state>;

/// How long a push-pull may take, connect and exchange together (the stream broker's
/// deadline). Long enough for a table of thousands of members over a slow link; a peer
/// that does not answer in time holds up the exchanges queued behind it for this long
/// (the core starts them one at a time).
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
    if (st.refused_peers.count(v.from) == 0)
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
  return cluster_state{core.self().name, core.members(), core.latest(),
                       self->state.mode_digest};
}

/// True if `theirs` comes from a node in this node's mode (consistency and voters).
/// Else logs an error once per peer, naming `refused_by` ("" : this node refuses them;
/// else the peer that refused this node) and drops the peer's gossiped values from now
/// on (they must not mix into this cluster's value).
bool same_mode(self_ptr self, const cluster_state& theirs,
               const std::string& refused_by) {
  auto& st = self->state;
  if (theirs.mode_digest == st.mode_digest) {
    st.refused_peers.erase(theirs.sender);
    return true;
  }
  if (!st.refused_peers.insert(theirs.sender).second)
    return false;
  if (refused_by.empty())
    OV_LOG_ERROR("refusing {}: its consistency mode or voter list differs from this "
                 "node's ({}; digest {:016x}, theirs {:016x}); every node of a cluster "
                 "needs the same consistency and voters",
                 theirs.sender, st.mode_description, st.mode_digest, theirs.mode_digest);
  else
    OV_LOG_ERROR("{} ({}) refused this node: their consistency mode or voter list "
                 "differs from this node's ({}; digest {:016x}, theirs {:016x}); every "
                 "node of a cluster needs the same consistency and voters",
                 refused_by, theirs.sender, st.mode_description, st.mode_digest,
                 theirs.mode_digest);
  return false;
}

/// The answer to a push-pull from a node in another mode: only this node's name and
/// mode digest (no members, no value), so the requester can log why it was refused.
cluster_state refusal_state(self_ptr self) {
  return cluster_state{self->state.core->self().name, {}, {}, self->state.mode_digest};
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

/// Observes a push-pull this node started at `started`, by whether it completed.
void observe_push_pull(self_ptr self, std::chrono::steady_clock::time_point started,
                       bool completed) {
  if (auto& metrics = self->state.metrics) {
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    metrics->observe_push_pull(took.count(), completed);
  }
}

/// Hands the current keyring to everything that seals: the datagram envelope and the
/// stream broker.
void publish_keyring(self_ptr self) {
  auto& st = self->state;
  auto keys = st.keys->current();
  st.datagrams->set_keyring(keys);
  caf::anon_send(st.stream, keyring_atom::value, keyring_snapshot{keys});
}

void start_push_pull(self_ptr self, const endpoint& peer) {
  auto& st = self->state;
  ++st.counters.push_pulls_started;
  auto name = peer.host + ":" + std::to_string(peer.port);
  auto started = std::chrono::steady_clock::now();
  // The stream broker connects off its I/O thread (tcp_connector) and bounds the whole
  // exchange by its deadline; the request timeout here is only a backstop.
  self->request(st.stream, push_pull_timeout + std::chrono::seconds{1},
                exchange_atom::value, peer.host, peer.port, encode(local_state(self)))
      .then(
          [self, name, started](const std::vector<char>& reply) {
            auto& st = self->state;
            auto theirs = decode_cluster_state(reply, st.limits);
            if (!theirs) {
              ++st.counters.push_pulls_failed;
              observe_push_pull(self, started, false);
              st.wire_errors.count(theirs.error);
              OV_LOG_DEBUG("push-pull with {}: its table does not decode: {} at byte {}",
                           name, to_string(theirs.error), theirs.offset);
            } else if (!same_mode(self, theirs.value, name)) {
              ++st.counters.push_pulls_failed;
            } else {
              ++st.counters.push_pulls_completed;
              observe_push_pull(self, started, true);
              merge_remote_state(self, theirs.value);
              mark_synchronized(self, theirs.value.sender);
            }
            finish_connect(self);
          },
          [self, name, started](caf::error& err) {
            ++self->state.counters.push_pulls_failed;
            observe_push_pull(self, started, false);
            OV_LOG_DEBUG("push-pull with {} failed: {}", name,
                         self->system().render(err));
            finish_connect(self);
          });
}

/// A request that arrived over the stream transport: a push-pull table (answered with
/// ours; from a node in another mode, refused: answered with refusal_state and not
/// merged) or, only if it was sealed and authenticated, a keyring command.
caf::result<std::vector<char>>
on_exchange(self_ptr self, const std::vector<char>& payload, bool authenticated) {
  auto& st = self->state;
  if (!payload.empty() && payload.front() == channel_keyring) {
    auto command = decode_keyring_command({payload.data(), payload.size()});
    if (!command || !authenticated)
      return caf::make_error(caf::sec::invalid_argument,
                             "keyring commands are taken only sealed and well-formed");
    auto answer = st.keys->apply(*command);
    OV_LOG_INFO("keyring {} from a member: {}", to_string(command->op),
                to_string(answer.outcome));
    if (answer.outcome == keyring_outcome::changed)
      publish_keyring(self);
    return encode(answer);
  }
  auto theirs = decode_cluster_state(payload, st.limits);
  if (!theirs) {
    st.wire_errors.count(theirs.error);
    return caf::make_error(caf::sec::invalid_argument, "push-pull table does not decode");
  }
  ++st.counters.push_pulls_served;
  if (!same_mode(self, theirs.value, ""))
    return encode(refusal_state(self));
  merge_remote_state(self, theirs.value);
  mark_synchronized(self, theirs.value.sender);
  return encode(local_state(self));
}

void on_datagram(self_ptr self, const std::vector<char>& bytes) {
  auto& st = self->state;
  ++st.counters.packets_received;
  st.counters.bytes_received += bytes.size();
  auto in = open_datagram(*st.datagrams, {bytes.data(), bytes.size()}, st.limits,
                          st.wire_errors);
  if (in.what == incoming_datagram::kind::consensus) {
    // Opened (and authenticated, with keys); the consensus actor decodes the frame.
    if (st.consensus)
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

/// Carries out a keyring command from the HTTP API: here first (refused commands and
/// failures stop here), then on every other live member through a keyring_spreader.
caf::result<keyring_report> on_keyring_request(self_ptr self,
                                               const keyring_command& command) {
  auto& st = self->state;
  keyring_report report;
  report.op = command.op;
  if (command.key)
    report.fingerprint = key_fingerprint(*command.key);
  if (!st.keys->current()) {
    report.refusal = "node-to-node encryption is off on this node (no keyring); start "
                     "the nodes with gossip-keys to use /v1/keyring";
    return report;
  }
  if (command.op != keyring_op::list && !st.datagrams->seals_outgoing()) {
    report.refusal = "gossip-verify-outgoing is false: a key would travel to the "
                     "members unsealed; finish switching encryption on first";
    return report;
  }
  auto own = st.keys->apply(command);
  if (own.outcome == keyring_outcome::changed)
    publish_keyring(self);
  bool ok = succeeded(own.outcome);
  if (!ok)
    report.refusal = own.detail;
  const auto& self_name = st.core->self().name;
  report.nodes.push_back(node_keyring_answer{self_name, std::move(own), {}});
  if (!ok)
    return report;
  std::vector<member_info> targets;
  for (auto& m : st.core->members())
    if (m.name != self_name
        && (m.state == member_state::alive || m.state == member_state::suspect))
      targets.push_back(m);
  auto each = std::chrono::duration_cast<std::chrono::milliseconds>(
      push_pull_timeout + std::chrono::seconds{1});
  auto spreader = self->spawn(keyring_spreader, st.stream, each);
  auto rp = self->make_response_promise<keyring_report>();
  self->request(spreader, each + std::chrono::seconds{1}, keyring_atom::value,
                std::move(report), std::move(targets), encode(command))
      .then([rp](keyring_report& r) mutable { rp.deliver(std::move(r)); },
            [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
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

gossip_actor::behavior_type gossip(self_ptr self, gossip_config config) {
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
