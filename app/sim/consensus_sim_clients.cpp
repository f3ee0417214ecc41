// The consensus simulation's clients and the end of a run (see consensus_sim.hpp).

#include "app/sim/consensus_sim_engine.hpp"

#include <algorithm>
#include <limits>

namespace onevalue::sim {

namespace detail {

namespace {

constexpr int64_t max64 = std::numeric_limits<int64_t>::max();
constexpr int64_t min64 = std::numeric_limits<int64_t>::min();

bool observed(const operation_result& r) {
  return r.status == operation_status::ok || r.status == operation_status::failed;
}

} // namespace

void engine::client_turn(std::size_t c) {
  if (c == clients_.size()) {
    // The final client reads once through every proposer, one after the other.
    if (!final_phase_)
      begin_final_phase();
    if (final_reads_.size() == proposers_.size())
      return;
    auto& p = proposers_[final_reads_.size()];
    final_reads_.push_back(result_.history.size());
    result_.history.push_back({c, p.name, operation{}, {}, now_, now_});
    auto id = next_op_id_++;
    p.in_hand[id] = final_reads_.back();
    take(p, p.core->submit(id, operation{}, now_));
    return;
  }
  auto& client = clients_[c];
  auto& p = proposers_[rng_() % proposers_.size()];
  auto op = next_operation(c);
  auto record = result_.history.size();
  result_.history.push_back({c, p.name, op, {}, now_, now_});
  ++client.issued;
  client.busy = true;
  if (!p.core) {
    // The node is down: the client cannot even connect.
    answer(record, {operation_status::unavailable, failure_reason::none, {}});
    return;
  }
  auto id = next_op_id_++;
  p.in_hand[id] = record;
  take(p, p.core->submit(id, op, now_));
}

operation engine::next_operation(std::size_t c) {
  const auto& last = clients_[c].last_seen;
  auto small = [&] { return static_cast<int64_t>(rng_() % 1000); };
  auto roll = rng_() % 100;
  operation op;
  if (roll < 30)
    return op;
  if (roll < 55) {
    op.kind = operation_kind::write;
    auto edge = rng_() % 20;
    op.argument = edge == 0   ? max64 - static_cast<int64_t>(rng_() % 3)
                  : edge == 1 ? min64 + static_cast<int64_t>(rng_() % 3)
                              : small();
  } else if (roll < 80) {
    op.kind = operation_kind::cas;
    op.argument = small();
    op.expected = last;
    if (rng_() % 4 == 0)
      op.expected = version{rng_() % (last.counter + 2),
                            proposers_[rng_() % proposers_.size()].name};
  } else {
    op.kind = operation_kind::add;
    op.argument = rng_() % 8 == 0 ? max64 / 2 : static_cast<int64_t>(rng_() % 11) - 5;
  }
  return op;
}

void engine::answer(std::size_t record, const operation_result& result) {
  auto& h = result_.history[record];
  h.result = result;
  h.ret = now_;
  if (h.client == clients_.size()) {
    push({now_ + micros{100}, 0, event_kind::client_turn, h.client});
    return;
  }
  auto& client = clients_[h.client];
  if (observed(result))
    client.last_seen = result.current.ver;
  client.busy = false;
  if (client.issued < config_.ops_per_client) {
    push({now_ + uniform(micros{0}, micros{1500}), 0, event_kind::client_turn, h.client});
  } else if (++clients_done_ == clients_.size()) {
    push({now_ + micros{100}, 0, event_kind::client_turn, clients_.size()});
  }
}

void engine::begin_final_phase() {
  // Everything heals and comes back, and the network turns perfect: from here on every
  // read must succeed and all must agree.
  final_phase_ = true;
  config_.faults.loss = 0;
  config_.faults.duplicate = 0;
  config_.faults.save_failure = 0;
  for (auto& a : acceptors_) {
    a.cut_until = now_;
    if (!a.core)
      restart_acceptor(a);
  }
  for (auto& p : proposers_) {
    p.cut_until = now_;
    if (!p.core)
      restart_proposer(p);
  }
}

void engine::check_final_reads() {
  if (final_reads_.size() != proposers_.size()) {
    result_.violations.push_back("the final reads did not all run");
    return;
  }
  const auto& first = result_.history[final_reads_.front()].result;
  for (auto i : final_reads_) {
    const auto& r = result_.history[i];
    if (r.result.status != operation_status::ok)
      result_.violations.push_back("the final read through " + r.node
                                   + " failed after the network healed");
    else if (r.result.current != first.current)
      result_.violations.push_back("final reads disagree: " + r.node + " read "
                                   + std::to_string(r.result.current.value));
  }
}

} // namespace detail

std::vector<std::string> check_acknowledged_effects(const std::vector<client_record>& h) {
  // For each operation, the highest version index any operation acknowledged before it
  // started; what it observed must not be older.
  std::vector<const client_record*> by_return;
  for (const auto& r : h)
    if (r.result.status == operation_status::ok
        || r.result.status == operation_status::failed)
      by_return.push_back(&r);
  std::sort(by_return.begin(), by_return.end(),
            [](auto* a, auto* b) { return a->ret < b->ret; });
  std::vector<const client_record*> by_call = by_return;
  std::sort(by_call.begin(), by_call.end(),
            [](auto* a, auto* b) { return a->call < b->call; });
  std::vector<std::string> out;
  std::size_t next = 0;
  const client_record* newest = nullptr;
  for (const auto* r : by_call) {
    while (next < by_return.size() && by_return[next]->ret < r->call) {
      auto* done = by_return[next++];
      if (!newest || newest->result.current.ver < done->result.current.ver)
        newest = done;
    }
    if (newest && r->result.current.ver.counter < newest->result.current.ver.counter)
      out.push_back("client " + std::to_string(r->client) + " on " + r->node
                    + " saw index " + std::to_string(r->result.current.ver.counter)
                    + " after an operation acknowledged index "
                    + std::to_string(newest->result.current.ver.counter));
  }
  return out;
}

} // namespace onevalue::sim
