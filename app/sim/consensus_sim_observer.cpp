#include "app/sim/consensus_sim_observer.hpp"

#include <deque>

namespace onevalue::sim {

namespace {

std::string describe(const ballot& b) {
  return "(" + std::to_string(b.counter) + ", " + b.proposer + ", "
         + std::to_string(b.epoch) + ")";
}

std::string describe(const versioned_value& v) {
  return std::to_string(v.value) + "@(" + std::to_string(v.ver.counter) + "," + v.ver.node
         + ")";
}

/// The register's rules, written again: the replay must not trust the core's code.
operation_result expected_result(versioned_value& v, const operation& op,
                                 const std::string& proposer) {
  auto change = [&](int64_t value) {
    v = versioned_value{value, version{v.ver.counter + 1, proposer}};
    return operation_result{operation_status::ok, failure_reason::none, v};
  };
  auto fail = [&](failure_reason why) {
    return operation_result{operation_status::failed, why, v};
  };
  switch (op.kind) {
  case operation_kind::read:
    return {operation_status::ok, failure_reason::none, v};
  case operation_kind::write:
    return change(op.argument);
  case operation_kind::cas:
    return v.ver == op.expected ? change(op.argument)
                                : fail(failure_reason::version_mismatch);
  case operation_kind::add: {
    int64_t sum = 0;
    if (__builtin_add_overflow(v.value, op.argument, &sum))
      return fail(failure_reason::overflow);
    return change(sum);
  }
  }
  return {};
}

} // namespace

std::string state_key(const register_state& s) {
  std::string key = describe(s.current) + "|" + std::to_string(s.forgotten_through);
  for (const auto& r : s.proposers)
    key += "|" + r.name + "," + std::to_string(r.epoch) + "," + std::to_string(r.attempt)
           + "," + std::to_string(r.index);
  return key;
}

void safety_observer::on_proposal(const proposal_record& r) {
  auto [it, fresh] = value_of_ballot_.emplace(r.b, r.proposed);
  if (!fresh && it->second != r.proposed)
    violations_.push_back("two proposals under ballot " + describe(r.b) + ": "
                          + state_key(it->second) + " and " + state_key(r.proposed));
  replay(r);
  if (!r.evaluation.empty())
    bases_.emplace(state_key(r.proposed), r.base);
}

void safety_observer::replay(const proposal_record& r) {
  if (r.evaluation.empty()) {
    if (r.proposed != r.base)
      violations_.push_back("proposal at " + describe(r.b)
                            + " changes the state without operations");
    return;
  }
  auto v = r.base.current;
  for (const auto& [op, result] : r.evaluation) {
    auto want = expected_result(v, op, r.b.proposer);
    if (want.status != result.status || want.reason != result.reason
        || want.current != result.current)
      violations_.push_back("proposal at " + describe(r.b) + " answers an operation with "
                            + describe(result.current) + " where the rules give "
                            + describe(want.current));
  }
  if (v != r.proposed.current)
    violations_.push_back("proposal at " + describe(r.b) + " proposes "
                          + describe(r.proposed.current) + " where its operations give "
                          + describe(v));
}

void safety_observer::on_durable_accept(const std::string& acceptor, const ballot& b,
                                        const register_state& state) {
  auto known = value_of_ballot_.find(b);
  if (known == value_of_ballot_.end()) {
    violations_.push_back(acceptor + " accepted ballot " + describe(b)
                          + " that nobody proposed");
    return;
  }
  if (known->second != state) {
    violations_.push_back(acceptor + " accepted another value under ballot "
                          + describe(b));
    return;
  }
  auto& voters = accepted_by_[b];
  voters.insert(acceptor);
  if (voters.size() == quorum_)
    chosen_.emplace(b, state);
}

bool safety_observer::derives(const register_state& later,
                              const register_state& earlier) const {
  // Walk back through the proposals' bases; indexes only go down along the way.
  std::deque<register_state> todo{later};
  std::set<std::string> seen;
  while (!todo.empty()) {
    auto s = std::move(todo.front());
    todo.pop_front();
    if (s == earlier)
      return true;
    auto key = state_key(s);
    if (s.current.ver.counter < earlier.current.ver.counter || !seen.insert(key).second)
      continue;
    auto [from, to] = bases_.equal_range(key);
    for (auto it = from; it != to; ++it)
      todo.push_back(it->second);
  }
  return false;
}

std::vector<std::string> safety_observer::finish() {
  const register_state* previous = &initial_;
  static const ballot start{};
  const ballot* previous_ballot = &start;
  for (const auto& [b, state] : chosen_) {
    if (!derives(state, *previous))
      violations_.push_back(
          "the state chosen at " + describe(b) + ", " + describe(state.current)
          + ", does not derive from the one chosen at " + describe(*previous_ballot)
          + ", " + describe(previous->current));
    previous = &state;
    previous_ballot = &b;
  }
  return violations_;
}

} // namespace onevalue::sim
