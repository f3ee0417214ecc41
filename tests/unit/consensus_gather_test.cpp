// The proposer's gathering between batches (consensus_settings::batch_gather): clients
// answered together commit together again, and nobody waits for clients that do not
// come back for longer than the bound.

#include "tests/unit/consensus_test_cluster.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using namespace std::chrono_literals;
using namespace onevalue::consensus_test;

namespace {

/// Commits a first write, then a batch of ops `first_id`..`first_id + n - 1` (queued
/// behind a single write that is in flight), each wave taking 2 ms; returns the sends
/// left (none: the proposer is between batches).
void answer_a_batch_of(cluster& c, consensus_proposer& p, uint64_t first_id, int n) {
  c.round_trip = 2ms;
  c.submit(p, 1, write(1));
  auto in_flight = c.take(p.submit(2, write(2), c.now));
  for (int i = 0; i < n; ++i)
    CHECK(c.take(p.submit(first_id + i, add(1), c.now)).empty());
  c.pump(p, in_flight);
  for (int i = 0; i < n; ++i)
    CHECK(c.results.count(first_id + i) == 1);
}

} // namespace

TEST_CASE("after a batch, the next one waits for as many operations as were answered") {
  cluster c;
  auto p = c.make("n1");
  answer_a_batch_of(c, p, 10, 3);
  // Three answered, none queued: gather for at most min(batch_gather = 2 ms, twice the
  // 2 ms round).
  CHECK(p.next_deadline() == c.now + 2ms);
  CHECK(c.take(p.submit(20, add(1), c.now)).empty());
  CHECK(c.take(p.submit(21, add(1), c.now)).empty());
  auto proposals_before = c.proposals.size();
  auto sends = c.take(p.submit(22, add(1), c.now)); // the third: start at once
  REQUIRE(sends.size() == 2);                       // a majority (thrifty accepts)
  CHECK(is_accept(sends[0]));
  c.pump(p, sends);
  REQUIRE(c.proposals.size() == proposals_before + 1);
  CHECK(c.proposals.back().evaluation.size() == 3);
  CHECK(c.result(22).current.value == 2 + 3 + 3);
}

TEST_CASE("the clients queued during a round and those it answered commit together") {
  cluster c;
  auto p = c.make("n1");
  c.round_trip = 2ms;
  c.submit(p, 1, write(1));
  // Two halves of closed-loop clients: 10 in flight, 11 and 12 queued; once 10 is
  // answered, 11 and 12 go and 20..22 queue behind them.
  auto first = c.take(p.submit(10, add(1), c.now));
  CHECK(c.take(p.submit(11, add(1), c.now)).empty());
  CHECK(c.take(p.submit(12, add(1), c.now)).empty());
  auto second = c.step(p, first); // 10 alone: a batch of one starts the next at once
  REQUIRE(c.results.count(10) == 1);
  REQUIRE_FALSE(second.empty());
  for (uint64_t id = 20; id <= 22; ++id)
    CHECK(c.take(p.submit(id, add(1), c.now)).empty());
  CHECK(c.step(p, second).empty());
  REQUIRE(c.results.count(12) == 1);
  // 11 and 12 answered, 20..22 queued: the proposer waits for 11's and 12's clients too.
  CHECK(p.next_deadline() == c.now + 2ms);
  CHECK(c.take(p.submit(30, add(1), c.now)).empty());
  auto proposals_before = c.proposals.size();
  auto sends = c.take(p.submit(31, add(1), c.now)); // 3 queued + 2 answered are back
  REQUIRE(sends.size() == 2);                       // a majority (thrifty accepts)
  c.pump(p, sends);
  REQUIRE(c.proposals.size() == proposals_before + 1);
  CHECK(c.proposals.back().evaluation.size() == 5);
}

TEST_CASE("a short round bounds the gathering to twice its length") {
  cluster c;
  auto p = c.make("n1");
  c.round_trip = 300us;
  c.submit(p, 1, write(1));
  auto in_flight = c.take(p.submit(2, write(2), c.now));
  CHECK(c.take(p.submit(3, add(1), c.now)).empty());
  CHECK(c.take(p.submit(4, add(1), c.now)).empty());
  c.pump(p, in_flight);
  REQUIRE(c.results.count(4) == 1);
  CHECK(p.next_deadline() == c.now + 600us); // 3 and 4 took one 300 us round
}

TEST_CASE("gathering ends at its deadline with what has arrived") {
  cluster c;
  auto p = c.make("n1");
  answer_a_batch_of(c, p, 10, 4);
  CHECK(c.take(p.submit(20, add(1), c.now)).empty());
  CHECK(p.next_deadline() == c.now + 2ms);
  c.tick(p);
  CHECK(c.result(20).status == operation_status::ok);
  CHECK(c.proposals.back().evaluation.size() == 1);
}

TEST_CASE(
    "gathering that nobody joins ends idle, and the next operation starts at once") {
  cluster c;
  auto p = c.make("n1");
  answer_a_batch_of(c, p, 10, 2);
  c.tick(p);
  CHECK(p.next_deadline() == time_point::max());
  c.now += 1s;
  CHECK_FALSE(c.take(p.submit(20, add(1), c.now)).empty());
}

TEST_CASE("a lone client never waits: after a batch of one the next op starts at once") {
  cluster c;
  c.round_trip = 2ms;
  auto p = c.make("n1");
  for (uint64_t id = 1; id <= 5; ++id) {
    auto sends = c.take(p.submit(id, add(1), c.now));
    CHECK_FALSE(sends.empty());
    c.pump(p, sends);
    CHECK(c.result(id).current.value == static_cast<int64_t>(id));
    CHECK(p.next_deadline() == time_point::max());
  }
}

TEST_CASE("no gathering when enough are queued already, or when batch_gather is 0") {
  SUBCASE("queued already") {
    cluster c;
    auto p = c.make("n1");
    c.round_trip = 2ms;
    c.submit(p, 1, write(1));
    auto in_flight = c.take(p.submit(2, write(2), c.now));
    for (uint64_t id = 3; id <= 6; ++id)
      c.take(p.submit(id, add(1), c.now));
    c.pump(p, in_flight);
    // 2 alone, then 3..6 together; every one answered without a tick.
    CHECK(c.result(6).current.value == 6);
  }
  SUBCASE("batch_gather = 0") {
    cluster c;
    c.settings.batch_gather = 0us;
    auto p = c.make("n1");
    answer_a_batch_of(c, p, 10, 3);
    CHECK(p.next_deadline() == time_point::max());
  }
}

TEST_CASE("no gathering once a full batch is queued") {
  cluster c;
  c.settings.max_batch_operations = 2;
  auto p = c.make("n1");
  c.round_trip = 2ms;
  c.submit(p, 1, write(1));
  auto in_flight = c.take(p.submit(2, add(1), c.now));
  CHECK(c.take(p.submit(3, add(1), c.now)).empty());
  auto next = c.step(p, in_flight); // 2 alone; 3 starts at once
  for (uint64_t id = 4; id <= 7; ++id)
    CHECK(c.take(p.submit(id, add(1), c.now)).empty());
  next = c.step(p, next); // {3} answered (one: no gathering); {4, 5} start
  REQUIRE(c.results.count(3) == 1);
  CHECK_FALSE(next.empty());
  // {4, 5} answered with a full batch {6, 7} queued: it starts without waiting.
  next = c.step(p, next);
  REQUIRE(c.results.count(5) == 1);
  CHECK_FALSE(next.empty());
  c.pump(p, next);
  CHECK(c.result(7).status == operation_status::ok);
}

TEST_CASE("batch_gather must lie between 0 and the round timeout") {
  consensus_settings s;
  s.batch_gather = -1us;
  CHECK(validate_consensus_settings(s));
  s.batch_gather = s.round_timeout + 1us;
  CHECK(validate_consensus_settings(s));
  s.batch_gather = s.round_timeout;
  CHECK_FALSE(validate_consensus_settings(s));
}
