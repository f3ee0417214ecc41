#include "actors/core/consensus_batch.hpp"

#include <algorithm>

namespace onevalue {

operation_batch::operation_batch(uint64_t seq, std::vector<queued_operation> ops)
    : seq_(seq), open_(ops.size()) {
  ops_.reserve(ops.size());
  for (auto& q : ops)
    ops_.push_back(entry{std::move(q), false});
}

register_state operation_batch::propose_on(const register_state& base,
                                           const proposer_identity& self,
                                           std::size_t tracked_proposers,
                                           uint64_t& attempt_counter,
                                           std::vector<operation_done>& answered,
                                           batch_evaluation& evaluation) {
  evaluation.clear();
  batch_lookup lookup;
  if (!changing_.empty())
    lookup = find_attempt(base, self, changing_.front().number, changing_.back().number,
                          first_base_index_);
  if (lookup.presence == batch_presence::applied) {
    proposed_attempt_ = lookup.attempt;
    return base;
  }
  if (lookup.presence == batch_presence::unknowable) {
    abandon(operation_status::unknown, answered);
    proposed_attempt_ = 0;
    return base;
  }
  attempt current{++attempt_counter,
                  std::vector<std::optional<operation_result>>(ops_.size())};
  register_state next = base;
  bool changed = false;
  for (std::size_t i = 0; i < ops_.size(); ++i) {
    if (ops_[i].answered)
      continue;
    auto result = apply_operation(next, ops_[i].queued.op, self.name);
    changed = changed || changed_state(ops_[i].queued.op, result);
    evaluation.emplace_back(ops_[i].queued.op, result);
    current.results[i] = result;
  }
  if (changed) {
    record_attempt(next, self, current.number, tracked_proposers);
    if (changing_.empty())
      first_base_index_ = base.current.ver.counter;
    changing_.push_back(current);
  }
  proposed_attempt_ = current.number;
  last_ = std::move(current);
  return next;
}

const operation_batch::attempt* operation_batch::find(uint64_t number) const {
  if (last_ && last_->number == number)
    return &*last_;
  for (const auto& a : changing_)
    if (a.number == number)
      return &a;
  return nullptr;
}

void operation_batch::complete(std::vector<operation_done>& answered) {
  const auto* chosen = find(proposed_attempt_);
  for (std::size_t i = 0; i < ops_.size(); ++i) {
    if (ops_[i].answered)
      continue;
    // An operation still open was evaluated in every attempt since the batch began.
    if (chosen && chosen->results[i])
      answer(ops_[i], *chosen->results[i], answered);
    else
      answer(ops_[i], {operation_status::unknown, failure_reason::none, {}}, answered);
  }
}

void operation_batch::expire(time_point now, std::vector<operation_done>& answered) {
  operation_result late;
  late.status =
      maybe_applied() ? operation_status::unknown : operation_status::unavailable;
  for (auto& e : ops_)
    if (!e.answered && e.queued.deadline <= now)
      answer(e, late, answered);
}

void operation_batch::abandon(operation_status status,
                              std::vector<operation_done>& answered) {
  operation_result given_up;
  given_up.status = status;
  for (auto& e : ops_)
    if (!e.answered)
      answer(e, given_up, answered);
}

time_point operation_batch::earliest_deadline() const {
  auto earliest = time_point::max();
  for (const auto& e : ops_)
    if (!e.answered)
      earliest = std::min(earliest, e.queued.deadline);
  return earliest;
}

void operation_batch::answer(entry& e, operation_result result,
                             std::vector<operation_done>& answered) {
  e.answered = true;
  --open_;
  answered.push_back(operation_done{e.queued.id, std::move(result)});
}

} // namespace onevalue
