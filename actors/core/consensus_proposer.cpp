#include "actors/core/consensus_proposer.hpp"

#include <algorithm>
#include <stdexcept>

namespace onevalue {

consensus_proposer::consensus_proposer(proposer_identity self,
                                       std::vector<std::string> voters,
                                       register_state initial,
                                       consensus_settings settings, uint64_t random_seed)
    : self_(std::move(self)), voters_(std::move(voters)), initial_(std::move(initial)),
      settings_(settings), rng_(random_seed), fanout_(self_.name, voters_, settings_) {
  if (auto problem = validate_voters(voters_))
    throw std::invalid_argument("consensus voters: " + *problem);
  if (auto problem = validate_consensus_settings(settings_))
    throw std::invalid_argument("consensus settings: " + *problem);
  if (self_.name.empty() || self_.name.size() > max_node_name_length)
    throw std::invalid_argument(
        "consensus proposer: a node name must have 1 to 64 bytes");
}

proposer_actions consensus_proposer::submit(uint64_t id, const operation& op,
                                            time_point now) {
  proposer_actions out;
  if (pending_.size() >= settings_.max_queued_operations) {
    out.done.push_back({id, {operation_status::unavailable, failure_reason::none, {}}});
    return out;
  }
  pending_.push_back({id, op, now + settings_.operation_timeout});
  if (phase_ == phase::idle
      || (phase_ == phase::gathering && pending_.size() >= gather_target_))
    start_batch(now, out);
  return out;
}

proposer_actions consensus_proposer::handle_reply(const std::string& from,
                                                  const consensus_message& msg,
                                                  time_point now) {
  proposer_actions out;
  if (!is_voter(from)) {
    out.notes.push_back("ignoring a consensus reply from " + from + ", not a voter");
    return out;
  }
  if (const auto* promise = std::get_if<promise_message>(&msg))
    on_promise(from, *promise, now, out);
  else if (const auto* accepted = std::get_if<accepted_message>(&msg))
    on_accepted(from, *accepted, now, out);
  else if (const auto* reject = std::get_if<reject_message>(&msg))
    on_reject(from, *reject, now, out);
  else
    out.notes.push_back("ignoring a consensus request sent to a proposer by " + from);
  return out;
}

proposer_actions consensus_proposer::tick(time_point now) {
  proposer_actions out;
  // Every operation has the same timeout, so the queue is in deadline order.
  while (!pending_.empty() && pending_.front().deadline <= now) {
    out.done.push_back(
        {pending_.front().id, {operation_status::unavailable, failure_reason::none, {}}});
    pending_.pop_front();
  }
  if (batch_)
    batch_->expire(now, out.done);
  if (round_ && now >= round_->deadline)
    attempt_failed("no majority of voters answered within the round timeout", now, out);
  if (phase_ == phase::accepting && !round_->widened && now >= round_->widen_at)
    widen("no majority of the voters asked first answered in time", out);
  if (phase_ == phase::gathering && now >= gather_until_)
    start_batch(now, out);
  if (phase_ == phase::backing_off && now >= retry_at_) {
    if (batch_->all_answered()) {
      // Nobody waits for it. Dropping it is safe: the next batch's prepare either
      // finds it in the state or proves it can no longer be chosen.
      batch_.reset();
      phase_ = phase::idle;
      start_batch(now, out);
    } else {
      start_prepare(now, out);
    }
  }
  return out;
}

time_point consensus_proposer::next_deadline() const {
  auto next = time_point::max();
  if (!pending_.empty())
    next = pending_.front().deadline;
  if (batch_)
    next = std::min(next, batch_->earliest_deadline());
  if (round_)
    next = std::min(next, round_->widened ? round_->deadline : round_->widen_at);
  if (phase_ == phase::backing_off)
    next = std::min(next, retry_at_);
  if (phase_ == phase::gathering)
    next = std::min(next, gather_until_);
  return next;
}

void consensus_proposer::start_batch(time_point now, proposer_actions& out) {
  if (pending_.empty()) {
    phase_ = phase::idle;
    return;
  }
  auto take = std::min(pending_.size(), settings_.max_batch_operations);
  std::vector<queued_operation> ops(std::make_move_iterator(pending_.begin()),
                                    std::make_move_iterator(pending_.begin() + take));
  pending_.erase(pending_.begin(), pending_.begin() + take);
  batch_.emplace(++batch_seq_, std::move(ops));
  batch_started_ = now;
  if (lease_) {
    auto fast = std::move(*lease_);
    lease_.reset();
    start_accept(fast.b, fast.state, now, out);
  } else {
    start_prepare(now, out);
  }
}

void consensus_proposer::after_batch(std::size_t answered, time_point now,
                                     proposer_actions& out) {
  // Twice the round: the answered clients' turnaround includes every one of their
  // replies and next requests through HTTP, which can take longer than the round did.
  auto wait =
      std::min<time_point::duration>(settings_.batch_gather, 2 * (now - batch_started_));
  if (answered < 2 || wait <= time_point::duration::zero()
      || pending_.size() >= settings_.max_batch_operations) {
    start_batch(now, out);
    return;
  }
  // Wait for the answered clients as well as those already queued: clients that arrived
  // during the round would otherwise go alone, and closed-loop clients would settle
  // into two halves that alternate, each waiting a whole round for the other.
  phase_ = phase::gathering;
  gather_target_ = std::min(pending_.size() + answered, settings_.max_batch_operations);
  gather_until_ = now + wait;
}

void consensus_proposer::give_up(const std::string& why, proposer_actions& out) {
  out.notes.push_back("giving up the queued operations: " + why);
  batch_->abandon(batch_->maybe_applied() ? operation_status::unknown
                                          : operation_status::unavailable,
                  out.done);
  for (const auto& q : pending_)
    out.done.push_back({q.id, {operation_status::unavailable, failure_reason::none, {}}});
  pending_.clear();
  batch_.reset();
  round_.reset();
  phase_ = phase::idle;
}

bool consensus_proposer::is_voter(const std::string& name) const {
  return std::find(voters_.begin(), voters_.end(), name) != voters_.end();
}

std::string consensus_proposer::check_invariants() const {
  bool between_batches = phase_ == phase::idle || phase_ == phase::gathering;
  if (between_batches == batch_.has_value())
    return "a batch must exist exactly when the proposer is not between batches";
  if (phase_ == phase::idle && !pending_.empty())
    return "operations queue while no batch is in flight";
  if (phase_ == phase::gathering && pending_.size() >= gather_target_)
    return "gathering although enough operations are queued";
  bool in_round = phase_ == phase::preparing || phase_ == phase::accepting;
  if (in_round != round_.has_value())
    return "a round must exist exactly while preparing or accepting";
  if (lease_ && !between_batches)
    return "the fast-path lease outlived the time between batches";
  if (round_ && last_ballot_ < round_->b)
    return "a round uses a ballot above the last one used";
  if (round_ && !round_->widened
      && (phase_ != phase::accepting || round_->asked.size() < quorum()
          || !(round_->widen_at < round_->deadline)))
    return "only an accept asks fewer than every voter: a majority, widened before "
           "its round times out";
  if (phase_ == phase::accepting) {
    if (round_->widened && round_->asked.size() != voters_.size())
      return "a widened accept has not been sent to every voter";
    for (const auto& v : round_->asked)
      if (!is_voter(v))
        return "an accept was sent to a node that is no voter";
    for (const auto* answered : {&round_->granted, &round_->refused})
      for (const auto& v : *answered)
        if (round_->asked.count(v) == 0)
          return "an accept counts an answer from a voter it did not ask";
  }
  if (lease_ && !(last_ballot_ < lease_->b))
    return "the fast-path ballot was already used";
  if (batch_ && batch_->size() > settings_.max_batch_operations)
    return "a batch exceeds max_batch_operations";
  if (pending_.size() > settings_.max_queued_operations)
    return "the queue exceeds max_queued_operations";
  return {};
}

} // namespace onevalue
