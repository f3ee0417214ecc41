#include "actors/consensus_actor.hpp"

#include "actors/core/acceptor_file.hpp"
#include "actors/core/consensus_codec.hpp"
#include "actors/core/consensus_frame.hpp"
#include "actors/log.hpp"

#include <caf/all.hpp>

#include <algorithm>

namespace onevalue {

namespace {

using self_ptr = consensus_actor::stateful_pointer<consensus_state>;
using clock = std::chrono::steady_clock;

/// The acceptor's save worker: writes one encoded acceptor state durably per request,
/// alternating between the two slot files (acceptor_file.hpp) and moving on to the
/// other slot only after a save succeeded (a failed save may have torn its slot; the
/// other one still holds the last saved state). Replies whether it succeeded, logging
/// why not.
caf::behavior acceptor_saver(caf::event_based_actor*, std::shared_ptr<file_layer> files,
                             std::string data_dir, int first_slot) {
  auto slot = std::make_shared<int>(first_slot);
  return {
      [files, data_dir, slot](flush_atom, uint64_t, const std::string& bytes) {
        if (auto err = save_acceptor_slot(*files, data_dir, *slot, bytes)) {
          OV_LOG_ERROR("{}", *err);
          return false;
        }
        *slot = 1 - *slot;
        return true;
      },
  };
}

/// Sends `msg` to the node `to`: to itself through its own mailbox (a voter's
/// proposer talks to its own acceptor like to any other), else as a datagram through
/// the gossip actor. An unknown node is skipped: the proposer's round times out.
void send_message(self_ptr self, const std::string& to, const consensus_message& msg) {
  auto& st = self->state;
  auto encoded = encode_consensus_message(msg);
  if (!encoded) {
    OV_LOG_ERROR("cannot encode a consensus message for {}", to);
    return;
  }
  auto frame = encode_consensus_frame(st.config.mode_digest, st.config.self, *encoded);
  if (frame.empty())
    return;
  if (to == st.config.self) {
    self->send(self, consensus_received_atom::value, std::move(frame));
    return;
  }
  auto it = st.endpoints.find(to);
  if (it == st.endpoints.end()) {
    ++st.counters->frames_unroutable;
    OV_LOG_DEBUG("consensus: no address known for {} yet", to);
    return;
  }
  self->send(st.config.gossip, consensus_send_atom::value, it->second.first,
             it->second.second, std::move(frame));
}

/// Arms a tick for the proposer's next deadline unless an armed one comes first.
void arm_tick(self_ptr self) {
  auto& st = self->state;
  auto due = st.proposer->next_deadline();
  if (!st.ticks.should_arm(due))
    return;
  auto wait = std::max<clock::duration>(due - clock::now(), clock::duration::zero());
  self->delayed_send(self, wait, tick_atom::value, st.ticks.armed(due));
}

void carry_out(self_ptr self, proposer_actions actions) {
  auto& st = self->state;
  for (auto& note : actions.notes)
    OV_LOG_DEBUG("consensus proposer: {}", note);
  if (const auto& metrics = st.config.metrics) {
    if (actions.committed)
      metrics->observe_consensus_commit(
          std::chrono::duration<double>(actions.committed->took).count(),
          actions.committed->operations);
    if (actions.failed_attempts > 0)
      metrics->count_consensus_failed_attempts(actions.failed_attempts);
    if (actions.widened_accepts > 0)
      metrics->count_consensus_widened_accepts(actions.widened_accepts);
  }
  if (actions.chosen)
    // The store merges it like a gossiped value and spreads it; its version is ordered
    // like the ballots (consensus_register.hpp), so newer committed values win.
    caf::anon_send(st.config.store, merge_atom::value, actions.chosen->current,
                   st.config.self);
  for (auto& send : actions.sends)
    send_message(self, send.to, send.message);
  for (auto& done : actions.done) {
    auto it = st.waiting.find(done.id);
    if (it == st.waiting.end())
      continue;
    it->second.deliver(static_cast<uint8_t>(done.result.status),
                       static_cast<uint8_t>(done.result.reason), done.result.current);
    st.waiting.erase(it);
  }
  arm_tick(self);
}

void start_save(self_ptr self, const acceptor_persist& persist);

void carry_out(self_ptr self, acceptor_actions actions) {
  for (auto& note : actions.notes)
    OV_LOG_DEBUG("consensus acceptor: {}", note);
  if (actions.persist)
    start_save(self, *actions.persist);
  for (auto& reply : actions.replies)
    send_message(self, reply.to, reply.message);
}

void start_save(self_ptr self, const acceptor_persist& persist) {
  auto& st = self->state;
  auto seq = persist.seq;
  if (!st.saver) {
    // Memory only: "durable" at once (the README says what that costs).
    carry_out(self, st.acceptor->on_persisted(seq));
    return;
  }
  auto bytes = encode_acceptor_state(persist.state);
  if (!bytes) {
    OV_LOG_ERROR("cannot encode the acceptor state");
    ++st.counters->saves_failed;
    if (st.config.metrics)
      st.config.metrics->count_acceptor_save_failure();
    carry_out(self, st.acceptor->on_persist_failed(seq));
    return;
  }
  auto asked = clock::now();
  auto observe = [self, asked](bool ok) {
    if (const auto& metrics = self->state.config.metrics)
      metrics->observe_acceptor_save(
          std::chrono::duration<double>(clock::now() - asked).count(), ok);
  };
  self->request(st.saver, caf::infinite, flush_atom::value, seq, std::move(*bytes))
      .then(
          [self, seq, observe](bool ok) {
            observe(ok);
            auto& st = self->state;
            ++(ok ? st.counters->saves : st.counters->saves_failed);
            carry_out(self, ok ? st.acceptor->on_persisted(seq)
                               : st.acceptor->on_persist_failed(seq));
          },
          [self, seq, observe](caf::error& err) {
            observe(false);
            OV_LOG_ERROR("the acceptor's save worker failed: {}",
                         self->system().render(err));
            ++self->state.counters->saves_failed;
            carry_out(self, self->state.acceptor->on_persist_failed(seq));
          });
}

/// Decodes, validates and dispatches one frame from the network (or from this node).
void on_frame(self_ptr self, const std::vector<char>& bytes) {
  auto& st = self->state;
  ++st.counters->frames_received;
  std::string why;
  auto frame = decode_consensus_frame({bytes.data(), bytes.size()}, why);
  if (!frame) {
    ++st.counters->frames_invalid;
    OV_LOG_DEBUG("dropping a consensus frame of {} bytes: {}", bytes.size(), why);
    return;
  }
  if (frame->mode_digest != st.config.mode_digest) {
    ++st.counters->frames_other_mode;
    if (st.warned.insert(frame->sender).second)
      OV_LOG_ERROR("dropping consensus messages from {}: its consistency mode or voter "
                   "list differs from this node's (every node needs the same "
                   "consistency and voters)",
                   frame->sender);
    return;
  }
  auto msg = decode_consensus_message(frame->message, why);
  if (!msg) {
    ++st.counters->frames_invalid;
    OV_LOG_DEBUG("dropping a consensus message from {}: {}", frame->sender, why);
    return;
  }
  if (std::holds_alternative<prepare_message>(*msg)
      || std::holds_alternative<accept_message>(*msg)) {
    if (st.acceptor)
      carry_out(self, st.acceptor->handle(frame->sender, *msg));
    return;
  }
  carry_out(self, st.proposer->handle_reply(frame->sender, *msg, clock::now()));
}

} // namespace

consensus_actor::behavior_type consensus(self_ptr self, consensus_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  if (!st.config.files)
    st.config.files = posix_file_layer();
  proposer_identity me{st.config.self, st.config.epoch};
  st.proposer = std::make_unique<consensus_proposer>(
      me, st.config.voters, st.config.initial, st.config.settings, st.config.random_seed);
  auto& voters = st.config.voters;
  if (std::find(voters.begin(), voters.end(), st.config.self) != voters.end()) {
    st.acceptor = std::make_unique<consensus_acceptor>(st.config.restored);
    if (!st.config.data_dir.empty())
      st.saver = self->system().spawn<caf::detached>(
          acceptor_saver, st.config.files, st.config.data_dir, st.config.first_slot);
  }
  if (st.saver)
    self->link_to(st.saver);
  self->attach_functor([counters = st.counters] {
    OV_LOG_INFO("consensus: {} operations, {} frames received ({} invalid, {} from "
                "another mode), {} unroutable, {} acceptor saves ({} failed)",
                counters->operations, counters->frames_received, counters->frames_invalid,
                counters->frames_other_mode, counters->frames_unroutable, counters->saves,
                counters->saves_failed);
  });
  return {
      [self](consensus_received_atom, const std::vector<char>& bytes) {
        on_frame(self, bytes);
      },
      [self](update_atom, const member_list& members) {
        auto& endpoints = self->state.endpoints;
        endpoints.clear();
        for (const auto& m : members)
          endpoints[m.name] = {m.address, m.cluster_port};
      },
      [self](propose_atom, uint8_t kind, int64_t argument,
             const version& expected) -> caf::result<uint8_t, uint8_t, versioned_value> {
        auto& st = self->state;
        if (kind > static_cast<uint8_t>(operation_kind::add))
          return caf::make_error(caf::sec::invalid_argument, "unknown operation kind");
        ++st.counters->operations;
        auto rp = self->make_response_promise<uint8_t, uint8_t, versioned_value>();
        auto id = st.next_operation++;
        st.waiting.emplace(id, rp);
        operation op{static_cast<operation_kind>(kind), argument, expected};
        carry_out(self, st.proposer->submit(id, op, clock::now()));
        return rp;
      },
      [self](tick_atom, uint64_t id) {
        auto& st = self->state;
        st.ticks.fired(id);
        // Whatever is due now is handled; the rest (a deadline moved on since this
        // timer was armed, or one it fired a little early for) re-arms through
        // carry_out.
        carry_out(self, st.proposer->tick(clock::now()));
      },
  };
}

} // namespace onevalue
