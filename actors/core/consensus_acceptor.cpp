#include "actors/core/consensus_acceptor.hpp"

#include <algorithm>

namespace onevalue {

namespace {

const ballot& own_ballot(const consensus_message& msg) {
  return std::visit([](const auto& m) -> const ballot& { return m.b; }, msg);
}

} // namespace

consensus_acceptor::consensus_acceptor(acceptor_state restored)
    : state_(std::move(restored)) {}

acceptor_actions consensus_acceptor::handle(const std::string& from,
                                            const consensus_message& msg) {
  acceptor_actions out;
  const auto& b = own_ballot(msg);
  if (b.none() || b.proposer != from) {
    out.notes.push_back("ignoring a consensus request from " + from
                        + " whose ballot names proposer '" + b.proposer + "'");
    return out;
  }
  if (const auto* prepare = std::get_if<prepare_message>(&msg)) {
    answer(from, on_prepare(*prepare), out);
  } else if (const auto* accept = std::get_if<accept_message>(&msg)) {
    auto problem = check_register_state(accept->state);
    if (!problem.empty()) {
      out.notes.push_back("ignoring an accept from " + from + ": " + problem);
      return out;
    }
    answer(from, on_accept(*accept), out);
  } else {
    out.notes.push_back("ignoring a consensus reply sent to an acceptor by " + from);
  }
  return out;
}

consensus_message consensus_acceptor::on_prepare(const prepare_message& msg) {
  const auto seen = std::max(state_.promised, state_.accepted);
  if (msg.b > seen) {
    state_.promised = msg.b;
    changed();
  } else if (!(msg.b == state_.promised && state_.accepted < msg.b)) {
    return reject_message{msg.b, consensus_phase::prepare, seen};
  }
  // Promised now, or a duplicate of the prepare that was promised: nothing has been
  // accepted since, so the same answer again.
  return promise_message{msg.b, state_.accepted, state_.state};
}

consensus_message consensus_acceptor::on_accept(const accept_message& msg) {
  if (msg.b == state_.accepted) {
    // A duplicate (one ballot, one value): confirm again, but claim the promise of the
    // next ballot only if it still stands.
    if (msg.state != state_.state)
      return reject_message{msg.b, consensus_phase::accept, state_.promised};
    auto next = msg.b.successor();
    return accepted_message{msg.b, msg.promise_next && next && state_.promised == *next};
  }
  if (msg.b < state_.promised)
    return reject_message{msg.b, consensus_phase::accept, state_.promised};
  auto next = msg.promise_next ? msg.b.successor() : std::nullopt;
  state_.accepted = msg.b;
  state_.state = msg.state;
  state_.promised = next ? *next : msg.b;
  changed();
  return accepted_message{msg.b, next.has_value()};
}

void consensus_acceptor::answer(const std::string& to, consensus_message reply,
                                acceptor_actions& out) {
  waiting_.push_back({state_seq_, consensus_send{to, std::move(reply)}});
  release(out);
  maybe_persist(out);
}

void consensus_acceptor::release(acceptor_actions& out) {
  while (!waiting_.empty() && waiting_.front().needs_seq <= durable_seq_) {
    out.replies.push_back(std::move(waiting_.front().send));
    waiting_.pop_front();
  }
}

void consensus_acceptor::maybe_persist(acceptor_actions& out) {
  if (in_flight_ || state_seq_ == durable_seq_ || waiting_.empty())
    return;
  in_flight_ = state_seq_;
  out.persist = acceptor_persist{state_seq_, state_};
}

acceptor_actions consensus_acceptor::on_persisted(uint64_t seq) {
  acceptor_actions out;
  if (!in_flight_ || *in_flight_ != seq)
    return out;
  in_flight_.reset();
  durable_seq_ = std::max(durable_seq_, seq);
  release(out);
  maybe_persist(out);
  return out;
}

acceptor_actions consensus_acceptor::on_persist_failed(uint64_t seq) {
  acceptor_actions out;
  if (!in_flight_ || *in_flight_ != seq)
    return out;
  in_flight_.reset();
  out.notes.push_back("acceptor state not saved; dropping the answers that needed it");
  while (!waiting_.empty() && waiting_.front().needs_seq <= seq)
    waiting_.pop_front();
  maybe_persist(out);
  return out;
}

std::string consensus_acceptor::check_invariants() const {
  if (state_.promised < state_.accepted)
    return "promised ballot below the accepted one";
  if (durable_seq_ > state_seq_)
    return "durable sequence number ahead of the state";
  if (in_flight_ && (*in_flight_ <= durable_seq_ || *in_flight_ > state_seq_))
    return "persist in flight for a sequence number outside (durable, state]";
  for (const auto& w : waiting_)
    if (w.needs_seq <= durable_seq_)
      return "a reply waits for a state that is already durable";
  if (!state_.accepted.none() && !check_register_state(state_.state).empty())
    return "accepted state malformed: " + check_register_state(state_.state);
  return {};
}

} // namespace onevalue
