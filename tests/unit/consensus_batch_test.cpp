#include "actors/core/consensus_batch.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using namespace std::chrono_literals;

namespace {

const time_point t0 = time_point{} + std::chrono::hours{1};
const proposer_identity self{"n1", 4};

queued_operation op(uint64_t id, operation_kind kind, int64_t arg,
                    time_point deadline = t0 + 1s) {
  return {id, {kind, arg, {}}, deadline};
}

std::vector<uint64_t> ids(const std::vector<operation_done>& done) {
  std::vector<uint64_t> out;
  for (const auto& d : done)
    out.push_back(d.id);
  return out;
}

} // namespace

TEST_CASE("a batch is one change and answers each operation with its own result") {
  operation_batch batch{1,
                        {op(1, operation_kind::write, 5), op(2, operation_kind::read, 0),
                         op(3, operation_kind::add, 2)}};
  std::vector<operation_done> done;
  batch_evaluation evaluation;
  uint64_t attempts = 0;
  auto next =
      batch.propose_on(initial_register_state(0), self, 8, attempts, done, evaluation);
  CHECK(done.empty());
  CHECK(evaluation.size() == 3);
  CHECK(next.current == versioned_value{7, {2, "n1"}});
  REQUIRE(next.proposers.size() == 1);
  CHECK(next.proposers[0] == proposer_record{"n1", 4, 1, 2});
  CHECK(batch.maybe_applied());
  batch.complete(done);
  REQUIRE(done.size() == 3);
  CHECK(done[0].result.current.value == 5);
  CHECK(done[1].result.current.value == 5);
  CHECK(done[2].result.current == versioned_value{7, {2, "n1"}});
  CHECK(batch.all_answered());
}

TEST_CASE("a batch of reads changes nothing, not even the records") {
  operation_batch batch{1, {op(1, operation_kind::read, 0)}};
  std::vector<operation_done> done;
  batch_evaluation evaluation;
  uint64_t attempts = 0;
  auto base = initial_register_state(3);
  CHECK(batch.propose_on(base, self, 8, attempts, done, evaluation) == base);
  CHECK_FALSE(batch.maybe_applied());
}

TEST_CASE("a batch found in the state is proposed as the state, its results kept") {
  operation_batch batch{2, {op(1, operation_kind::add, 1)}};
  std::vector<operation_done> done;
  batch_evaluation evaluation;
  uint64_t attempts = 0;
  auto first =
      batch.propose_on(initial_register_state(0), self, 8, attempts, done, evaluation);
  auto later = first;
  apply_operation(later, {operation_kind::add, 10, {}}, "n2");
  CHECK(batch.propose_on(later, self, 8, attempts, done, evaluation) == later);
  CHECK(evaluation.empty());
  batch.complete(done);
  CHECK(done[0].result.current == versioned_value{1, {1, "n1"}});
}

TEST_CASE("an older attempt found in a later state answers with its own results") {
  operation_batch batch{1, {op(1, operation_kind::add, 1)}};
  std::vector<operation_done> done;
  batch_evaluation evaluation;
  uint64_t attempts = 0;
  auto first =
      batch.propose_on(initial_register_state(0), self, 8, attempts, done, evaluation);
  // The first attempt seemed lost: the batch is evaluated again on a newer state.
  auto newer = initial_register_state(0);
  apply_operation(newer, {operation_kind::write, 10, {}}, "n2");
  auto second = batch.propose_on(newer, self, 8, attempts, done, evaluation);
  CHECK(second.current.value == 11);
  CHECK(attempts == 2);
  // But another proposer adopted the first one after all.
  auto adopted = first;
  apply_operation(adopted, {operation_kind::read, 0, {}}, "n3");
  CHECK(batch.propose_on(adopted, self, 8, attempts, done, evaluation) == adopted);
  batch.complete(done);
  REQUIRE(done.size() == 1);
  CHECK(done[0].result.current == versioned_value{1, {1, "n1"}});
}

TEST_CASE("an expired operation is answered at once and left out of later evaluations") {
  operation_batch batch{
      1, {op(1, operation_kind::add, 1, t0), op(2, operation_kind::add, 2)}};
  std::vector<operation_done> done;
  batch.expire(t0, done);
  CHECK(ids(done) == std::vector<uint64_t>{1});
  CHECK(done[0].result.status == operation_status::unavailable);
  batch_evaluation evaluation;
  uint64_t attempts = 0;
  auto next =
      batch.propose_on(initial_register_state(0), self, 8, attempts, done, evaluation);
  CHECK(next.current.value == 2);
  CHECK(batch.earliest_deadline() == t0 + 1s);
  batch.expire(t0 + 1s, done);
  CHECK(done.back().result.status == operation_status::unknown);
  CHECK(batch.all_answered());
  batch.complete(done);
  CHECK(done.size() == 2);
  CHECK(batch.earliest_deadline() == time_point::max());
}

TEST_CASE("abandoning answers every open operation with the given status") {
  operation_batch batch{
      1, {op(1, operation_kind::read, 0), op(2, operation_kind::write, 1)}};
  std::vector<operation_done> done;
  batch.abandon(operation_status::unknown, done);
  CHECK(ids(done) == std::vector<uint64_t>{1, 2});
  CHECK(done[1].result.status == operation_status::unknown);
  batch.abandon(operation_status::unknown, done);
  CHECK(done.size() == 2);
}
