#include "actors/core/consensus_register.hpp"

#include <algorithm>
#include <limits>
#include <set>

namespace onevalue {

namespace {

operation_result failure(failure_reason reason, const register_state& state) {
  return {operation_status::failed, reason, state.current};
}

/// Sets the value as a change by `proposer`; fails if the index cannot be raised.
operation_result change(register_state& state, int64_t value,
                        const std::string& proposer) {
  if (state.current.ver.counter == std::numeric_limits<uint64_t>::max())
    return failure(failure_reason::version_exhausted, state);
  state.current =
      versioned_value{value, version{state.current.ver.counter + 1, proposer}};
  return {operation_status::ok, failure_reason::none, state.current};
}

} // namespace

register_state initial_register_state(int64_t value) {
  register_state state;
  state.current.value = value;
  return state;
}

operation_result apply_operation(register_state& state, const operation& op,
                                 const std::string& proposer) {
  switch (op.kind) {
  case operation_kind::read:
    break;
  case operation_kind::write:
    return change(state, op.argument, proposer);
  case operation_kind::cas:
    if (state.current.ver != op.expected)
      return failure(failure_reason::version_mismatch, state);
    return change(state, op.argument, proposer);
  case operation_kind::add: {
    int64_t sum = 0;
    if (__builtin_add_overflow(state.current.value, op.argument, &sum))
      return failure(failure_reason::overflow, state);
    return change(state, sum, proposer);
  }
  }
  return {operation_status::ok, failure_reason::none, state.current};
}

bool changed_state(const operation& op, const operation_result& result) {
  return op.kind != operation_kind::read && result.status == operation_status::ok;
}

void record_attempt(register_state& state, const proposer_identity& self,
                    uint64_t attempt, std::size_t capacity) {
  capacity = std::clamp<std::size_t>(capacity, 1, max_tracked_proposers);
  proposer_record record{self.name, self.epoch, attempt, state.current.ver.counter};
  auto& records = state.proposers;
  auto own = std::find_if(records.begin(), records.end(),
                          [&](const proposer_record& r) { return r.name == self.name; });
  if (own != records.end()) {
    *own = record;
    return;
  }
  records.push_back(record);
  while (records.size() > capacity) {
    auto oldest =
        std::min_element(records.begin(), records.end(),
                         [](const proposer_record& a, const proposer_record& b) {
                           return a.index < b.index;
                         });
    state.forgotten_through = std::max(state.forgotten_through, oldest->index);
    records.erase(oldest);
  }
}

batch_lookup find_attempt(const register_state& state, const proposer_identity& self,
                          uint64_t first, uint64_t last, uint64_t base_index) {
  for (const auto& r : state.proposers) {
    if (r.name != self.name || r.epoch != self.epoch)
      continue;
    if (r.attempt >= first && r.attempt <= last)
      return {batch_presence::applied, r.attempt};
    // Only this life of the proposer writes this record, with increasing attempt
    // numbers: an earlier one is an earlier batch's, a later one cannot be.
    return {r.attempt < first ? batch_presence::absent : batch_presence::unknowable, 0};
  }
  // No record of this life. Had an attempt been applied, its record would carry an
  // index above `base_index`; unless records that recent were evicted, none is in.
  return {state.forgotten_through <= base_index ? batch_presence::absent
                                                : batch_presence::unknowable,
          0};
}

std::string check_register_state(const register_state& state) {
  if (state.current.ver.node.size() > max_node_name_length)
    return "version names a proposer longer than 64 bytes";
  if ((state.current.ver.counter == 0) != state.current.ver.node.empty())
    return "version index and proposer disagree on whether anything was written";
  if (state.proposers.size() > max_tracked_proposers)
    return "more than " + std::to_string(max_tracked_proposers) + " proposer records";
  std::set<std::string> names;
  for (const auto& r : state.proposers) {
    if (r.name.empty() || r.name.size() > max_node_name_length)
      return "a proposer record has an empty or overlong name";
    if (!names.insert(r.name).second)
      return "two proposer records for " + r.name;
    if (r.index == 0 || r.index > state.current.ver.counter)
      return "the record of " + r.name + " is ahead of the version index";
  }
  if (state.forgotten_through > state.current.ver.counter)
    return "forgotten_through is ahead of the version index";
  return {};
}

} // namespace onevalue
