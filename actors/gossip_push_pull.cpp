// Push-pull anti-entropy of the gossip actor: full state exchanged with one member
// over the stream transport, merged into membership and store; a member in another
// consistency mode is refused on both sides.

#include "actors/gossip_internal.hpp"

#include "actors/core/stream_frame.hpp"
#include "actors/log.hpp"

namespace onevalue::gossip_detail {

namespace {

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

} // namespace

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

caf::result<std::vector<char>>
on_exchange(self_ptr self, const std::vector<char>& payload, bool authenticated) {
  auto& st = self->state;
  if (!payload.empty() && payload.front() == channel_keyring) {
    auto command = decode_keyring_command({payload.data(), payload.size()});
    if (!command || !authenticated)
      return caf::make_error(caf::sec::invalid_argument,
                             "keyring commands are taken only sealed and well-formed");
    return apply_member_keyring_command(self, *command);
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

} // namespace onevalue::gossip_detail
