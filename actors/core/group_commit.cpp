#include "actors/core/group_commit.hpp"

#include <algorithm>

namespace onevalue {

group_commit::group_commit(const durable_state& restored, std::string node)
    : node_(std::move(node)), visible_(restored.value, restored.clock),
      durable_(restored), incarnation_(restored.incarnation) {}

group_commit::group_commit(const durable_state& restored, const durable_state& on_disk,
                           std::string node)
    : node_(std::move(node)), visible_(restored.value, restored.clock), durable_(on_disk),
      incarnation_(restored.incarnation) {}

std::optional<versioned_value> group_commit::stage_write(uint64_t id, int64_t value,
                                                         uint64_t written_at_us) {
  auto stamped = visible_.next_write(value, node_);
  if (!stamped)
    return std::nullopt;
  stamped->written_at_us = written_at_us;
  auto floor = latest_version();
  // Reserve the counter now so the next write, staged or not, is ordered after it.
  visible_.observe(stamped->ver.counter);
  pending_.push_back(commit_ticket{id, true, *stamped, std::move(floor)});
  return stamped;
}

void group_commit::stage_incarnation(uint64_t id, uint64_t incarnation) {
  incarnation_ = std::max(incarnation_, incarnation);
  pending_.push_back(commit_ticket{id, false, {}, {}});
}

merge_result group_commit::merge_remote(const versioned_value& incoming) {
  return visible_.offer(incoming);
}

std::optional<durable_state> group_commit::next_batch() {
  if (in_flight_)
    return std::nullopt;
  value_register staged = visible_;
  for (const auto& ticket : pending_)
    if (ticket.write)
      staged.merge(ticket.stamped);
  durable_state state{staged.current(), staged.clock(), incarnation_};
  if (pending_.empty() && state.value == durable_.value
      && state.incarnation == durable_.incarnation)
    return std::nullopt;
  in_flight_ = batch{std::move(pending_), state};
  pending_.clear();
  return state;
}

batch_outcome group_commit::on_saved() {
  batch_outcome outcome;
  auto before = current();
  for (const auto& ticket : in_flight_->tickets)
    if (ticket.write)
      visible_.merge(ticket.stamped);
  durable_ = in_flight_->state;
  outcome.tickets = std::move(in_flight_->tickets);
  outcome.value_changed = current() != before;
  in_flight_.reset();
  return outcome;
}

batch_outcome group_commit::on_save_failed() {
  batch_outcome outcome;
  outcome.tickets = std::move(in_flight_->tickets);
  in_flight_.reset();
  return outcome;
}

version group_commit::latest_version() const {
  version latest = visible_.current().ver;
  auto raise = [&](const commit_ticket& t) {
    if (t.write && latest < t.stamped.ver)
      latest = t.stamped.ver;
  };
  std::for_each(pending_.begin(), pending_.end(), raise);
  if (in_flight_)
    std::for_each(in_flight_->tickets.begin(), in_flight_->tickets.end(), raise);
  return latest;
}

bool group_commit::check_invariants() const {
  if (!visible_.check_invariants())
    return false;
  if (visible_.current().ver < durable_.value.ver)
    return false;
  if (incarnation_ < durable_.incarnation)
    return false;
  // A write stamped above the clock, or not above what the node held when stamped.
  auto misstamped = [&](const commit_ticket& t) {
    return t.write
           && (t.stamped.ver.counter > visible_.clock() || !(t.floor < t.stamped.ver));
  };
  if (std::any_of(pending_.begin(), pending_.end(), misstamped))
    return false;
  if (in_flight_
      && std::any_of(in_flight_->tickets.begin(), in_flight_->tickets.end(), misstamped))
    return false;
  return true;
}

} // namespace onevalue
