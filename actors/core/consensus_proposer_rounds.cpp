// The prepare and accept rounds of the consensus proposer (see consensus_proposer.hpp).

#include "actors/core/consensus_proposer.hpp"

#include <algorithm>
#include <limits>

namespace onevalue {

namespace {

std::string describe(const ballot& b) {
  return "(" + std::to_string(b.counter) + ", " + b.proposer + ")";
}

} // namespace

void consensus_proposer::on_promise(const std::string& from, const promise_message& msg,
                                    time_point now, proposer_actions& out) {
  note_counter(msg.accepted.counter);
  if (phase_ != phase::preparing || msg.b != round_->b || round_->granted.count(from)
      || round_->refused.count(from))
    return;
  if (!msg.accepted.none()) {
    auto problem = check_register_state(msg.state);
    if (!problem.empty()) {
      out.notes.push_back("voter " + from
                          + " promised with a malformed state: " + problem);
      round_->refused.insert(from);
      if (round_->refused.size() > voters_.size() - quorum())
        attempt_failed("too many voters answered with malformed states", now, out);
      return;
    }
  }
  round_->granted.insert(from);
  fanout_.granted(from);
  if (round_->highest < msg.accepted) {
    round_->highest = msg.accepted;
    round_->highest_state = msg.state;
  }
  if (round_->granted.size() < quorum())
    return;
  // Copies: start_accept replaces the round.
  auto b = round_->b;
  auto base = round_->highest.none() ? initial_ : round_->highest_state;
  start_accept(b, base, now, out);
}

void consensus_proposer::on_accepted(const std::string& from, const accepted_message& msg,
                                     time_point now, proposer_actions& out) {
  // Only a voter asked for this ballot can have accepted it.
  if (phase_ != phase::accepting || msg.b != round_->b || round_->granted.count(from)
      || round_->refused.count(from) || round_->asked.count(from) == 0)
    return;
  round_->granted.insert(from);
  fanout_.granted(from);
  if (msg.promised_next)
    ++round_->promised_next;
  if (round_->granted.size() < quorum())
    return;
  fanout_.observe_accept_phase(now - round_->started);
  out.chosen = round_->proposal;
  auto answered = batch_->size();
  auto answered_before = out.done.size();
  batch_->complete(out.done);
  out.committed =
      committed_batch{out.done.size() - answered_before, now - batch_started_};
  batch_.reset();
  failures_ = 0;
  auto next = round_->b.successor();
  if (next && round_->promised_next >= quorum())
    lease_ = lease{*next, std::move(round_->proposal)};
  round_.reset();
  phase_ = phase::idle;
  after_batch(answered, now, out);
}

void consensus_proposer::on_reject(const std::string& from, const reject_message& msg,
                                   time_point now, proposer_actions& out) {
  note_counter(msg.seen.counter);
  bool current = (msg.phase == consensus_phase::prepare && phase_ == phase::preparing)
                 || (msg.phase == consensus_phase::accept && phase_ == phase::accepting);
  if (!current || msg.b != round_->b || round_->granted.count(from)
      || round_->refused.count(from)
      || (phase_ == phase::accepting && round_->asked.count(from) == 0))
    return;
  round_->refused.insert(from);
  auto why = "ballot " + describe(msg.b) + " lost to " + describe(msg.seen) + " (voter "
             + from + ")";
  if (round_->refused.size() > voters_.size() - quorum())
    attempt_failed(why, now, out);
  else if (phase_ == phase::accepting && !round_->widened && asked_cannot_decide())
    widen(why, out);
}

void consensus_proposer::start_prepare(time_point now, proposer_actions& out) {
  auto b = next_ballot();
  if (!b) {
    give_up("the ballot counter is exhausted", out);
    return;
  }
  last_ballot_ = *b;
  round_ = round{};
  round_->b = *b;
  round_->deadline = now + settings_.round_timeout;
  phase_ = phase::preparing;
  for (const auto& v : voters_)
    out.sends.push_back({v, prepare_message{*b}});
}

void consensus_proposer::start_accept(const ballot& b, const register_state& base,
                                      time_point now, proposer_actions& out) {
  proposal_record record;
  record.b = b;
  record.batch = batch_->seq();
  record.base = base;
  record.proposed = batch_->propose_on(base, self_, settings_.tracked_proposers,
                                       attempt_counter_, out.done, record.evaluation);
  last_ballot_ = std::max(last_ballot_, b);
  round_ = round{};
  round_->b = b;
  round_->deadline = now + settings_.round_timeout;
  round_->proposal = record.proposed;
  round_->started = now;
  phase_ = phase::accepting;
  for (const auto& v : fanout_.next_accept_voters())
    send_accept(v, out);
  round_->widened = round_->asked.size() == voters_.size();
  round_->widen_at = now + fanout_.widen_after();
  out.proposed = std::move(record);
}

void consensus_proposer::widen(const std::string& why, proposer_actions& out) {
  out.notes.push_back(why + "; sending ballot " + describe(round_->b)
                      + "'s accept to every voter");
  for (const auto& v : voters_)
    if (round_->asked.count(v) == 0)
      send_accept(v, out);
  round_->widened = true;
  ++out.widened_accepts;
}

void consensus_proposer::send_accept(const std::string& to, proposer_actions& out) {
  out.sends.push_back({to, accept_message{round_->b, round_->proposal, true}});
  round_->asked.insert(to);
}

bool consensus_proposer::asked_cannot_decide() const {
  // An accept's refusals come only from voters it asked (on_reject ignores others).
  return round_->asked.size() - round_->refused.size() < quorum();
}

void consensus_proposer::attempt_failed(const std::string& why, time_point now,
                                        proposer_actions& out) {
  lease_.reset();
  round_.reset();
  phase_ = phase::backing_off;
  ++out.failed_attempts;
  // Random wait, doubling per consecutive failure: two proposers that keep
  // outbidding each other soon stop colliding.
  auto cap = settings_.retry_backoff_min.count();
  for (unsigned i = 0; i < failures_ && cap < settings_.retry_backoff_max.count(); ++i)
    cap *= 2;
  cap = std::min(cap, static_cast<decltype(cap)>(settings_.retry_backoff_max.count()));
  ++failures_;
  std::uniform_int_distribution<int64_t> wait_us(0, cap * 1000);
  auto wait = std::chrono::microseconds(wait_us(rng_));
  retry_at_ = now + wait;
  out.notes.push_back(
      why + "; retrying in "
      + std::to_string(
          std::chrono::duration_cast<std::chrono::microseconds>(wait).count())
      + " us");
}

std::optional<ballot> consensus_proposer::next_ballot() const {
  auto counter = std::max(last_ballot_.counter, highest_counter_seen_);
  if (counter == std::numeric_limits<uint64_t>::max())
    return std::nullopt;
  return ballot{counter + 1, self_.name, self_.epoch};
}

void consensus_proposer::note_counter(uint64_t counter) {
  highest_counter_seen_ = std::max(highest_counter_seen_, counter);
}

} // namespace onevalue
