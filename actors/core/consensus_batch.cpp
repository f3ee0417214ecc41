#include "actors/core/consensus_batch.hpp"

#include <algorithm>

namespace onevalue {

operation_batch::operation_batch(uint64_t seq, std::vector<queued_operation> ops)
    : seq_(seq), open_(ops.size()) {
  ops_.reserve(ops.size());
  for (auto& q : ops)
    ops_.push_back(entry{std::move(q), {}, false});
}

register_state operation_batch::propose_on(const register_state& base,
                                           const proposer_identity& self,
                                           std::size_t tracked_proposers,
                                           std::vector<operation_done>& answered,
                                           batch_evaluation& evaluation) {
  evaluation.clear();
  auto presence =
      maybe_applied_ ? find_batch(base, self, seq_, base_index_) : batch_presence::absent;
  if (presence == batch_presence::applied)
    return base;
  if (presence == batch_presence::unknowable) {
    abandon(operation_status::unknown, answered);
    maybe_applied_ = false;
    return base;
  }
  register_state next = base;
  bool changed = false;
  for (auto& e : ops_) {
    if (e.answered)
      continue;
    e.result = apply_operation(next, e.queued.op, self.name);
    changed = changed || changed_state(e.queued.op, e.result);
    evaluation.emplace_back(e.queued.op, e.result);
  }
  if (changed)
    record_batch(next, self, seq_, tracked_proposers);
  maybe_applied_ = changed;
  base_index_ = base.current.ver.counter;
  return next;
}

void operation_batch::complete(std::vector<operation_done>& answered) {
  for (auto& e : ops_)
    if (!e.answered)
      answer(e, e.result, answered);
}

void operation_batch::expire(time_point now, std::vector<operation_done>& answered) {
  operation_result late;
  late.status =
      maybe_applied_ ? operation_status::unknown : operation_status::unavailable;
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
