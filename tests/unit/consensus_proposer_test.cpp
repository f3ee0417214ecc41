#include "tests/unit/consensus_test_cluster.hpp"

#include <doctest/doctest.h>

#include <limits>

using namespace onevalue;
using namespace std::chrono_literals;
using namespace onevalue::consensus_test;

TEST_CASE("a cold write takes two round trips and makes the next one take one") {
  cluster c;
  auto p = c.make("n1");
  auto first = c.take(p.submit(1, write(5), c.now));
  REQUIRE(first.size() == 3);
  CHECK(std::holds_alternative<prepare_message>(first[0].message));
  CHECK(c.pump(p, first) == 2);
  CHECK(c.result(1).status == operation_status::ok);
  CHECK(c.result(1).current == versioned_value{5, {1, "n1"}});
  REQUIRE(c.chosen.size() == 1);
  CHECK(c.chosen[0].current == versioned_value{5, {1, "n1"}});
  CHECK(p.has_fast_path());

  // Thrifty accepts (consensus_thrifty_test.cpp): the fast path asks a majority, the
  // voters that accepted the last round.
  auto second = c.take(p.submit(2, add(3), c.now));
  REQUIRE(second.size() == 2);
  CHECK(is_accept(second[0]));
  CHECK(c.pump(p, second) == 1);
  CHECK(c.result(2).current == versioned_value{8, {2, "n1"}});
  CHECK(c.submit(p, 3, read()) == 1);
  CHECK(c.result(3).current == versioned_value{8, {2, "n1"}});
  CHECK(p.next_deadline() == time_point::max());
}

TEST_CASE("operations arriving during a round are folded into one proposal") {
  cluster c;
  auto p = c.make("n1");
  auto first = c.take(p.submit(1, write(10), c.now));
  for (uint64_t id = 2; id <= 5; ++id)
    CHECK(c.take(p.submit(id, id % 2 ? add(1) : read(), c.now)).empty());
  CHECK(p.queued() == 4);
  c.pump(p, first);
  REQUIRE(c.proposals.size() == 2);
  CHECK(c.proposals[1].evaluation.size() == 4);
  CHECK(c.result(2).current.value == 10);
  CHECK(c.result(3).current == versioned_value{11, {2, "n1"}});
  CHECK(c.result(4).current.value == 11);
  CHECK(c.result(5).current == versioned_value{12, {3, "n1"}});
  CHECK(c.chosen.back().current == versioned_value{12, {3, "n1"}});
}

TEST_CASE(
    "failed cas and overflowing add answer with the current value and change nothing") {
  cluster c;
  auto p = c.make("n1");
  c.submit(p, 1, write(std::numeric_limits<int64_t>::max()));
  c.submit(p, 2, add(1));
  CHECK(c.result(2).status == operation_status::failed);
  CHECK(c.result(2).reason == failure_reason::overflow);
  CHECK(c.result(2).current == c.result(1).current);
  c.submit(p, 3, cas({7, "n1"}, 0));
  CHECK(c.result(3).reason == failure_reason::version_mismatch);
  c.submit(p, 4, cas({1, "n1"}, 0));
  CHECK(c.result(4).current == versioned_value{0, {2, "n1"}});
}

TEST_CASE(
    "a proposer that lost its promise to another retries higher after a random wait") {
  cluster c;
  auto p1 = c.make("n1");
  auto p2 = c.make("n2");
  c.submit(p1, 1, write(1));
  c.submit(p2, 2, write(100));
  c.settle(p2, 2);
  CHECK(c.result(2).current == versioned_value{100, {2, "n2"}});
  // p1's fast path is stale: its accept is refused and it backs off.
  c.submit(p1, 3, add(1));
  CHECK(c.results.count(3) == 0);
  CHECK_FALSE(p1.has_fast_path());
  auto wait = p1.next_deadline() - c.now;
  CHECK(wait >= 0ms);
  CHECK(wait <= c.settings.retry_backoff_min);
  c.tick(p1);
  CHECK(c.result(3).current == versioned_value{101, {3, "n1"}});
  CHECK(c.proposals.back().b.counter > c.proposals[1].b.counter);
}

TEST_CASE("a batch whose accept took effect but whose replies were lost applies once") {
  cluster c;
  auto p = c.make("n1");
  c.drop_reply = [](auto&, const consensus_message& m) {
    return std::holds_alternative<accepted_message>(m);
  };
  c.submit(p, 1, add(1));
  CHECK(c.results.empty());
  c.drop_reply = [](auto&, auto&) { return false; };
  c.tick(p);      // the round times out: back off
  c.settle(p, 1); // retry: the prepare finds the batch in the state
  CHECK(c.result(1).status == operation_status::ok);
  CHECK(c.result(1).current == versioned_value{1, {1, "n1"}});
  CHECK(c.proposals.back().evaluation.empty());
  CHECK(c.chosen.back().current == versioned_value{1, {1, "n1"}});
}

TEST_CASE("a batch proven lost is evaluated again on the newer state") {
  cluster c;
  auto p1 = c.make("n1");
  auto p2 = c.make("n2");
  c.submit(p1, 1, write(1));
  // p1's next accept reaches only a1; meanwhile p2 commits on a2 and a3.
  c.drop_request = [](const consensus_send& s) { return s.to != "a1"; };
  c.submit(p1, 2, add(10));
  c.drop_request = [](const consensus_send& s) { return s.to == "a1"; };
  c.submit(p2, 3, write(50));
  c.settle(p2, 3);
  CHECK(c.result(3).current == versioned_value{50, {2, "n2"}});
  c.drop_request = [](auto&) { return false; };
  c.settle(p1, 2);
  CHECK(c.result(2).current == versioned_value{60, {3, "n1"}});
}

TEST_CASE("an attempt adopted after its batch moved on answers with its own results") {
  // Found by the simulation: an attempt accepted by one voter only, which the proposer
  // gave up on, can still be adopted by another proposer's prepare later.
  cluster c;
  auto p1 = c.make("n1");
  auto p2 = c.make("n2");
  auto p3 = c.make("n3");
  // p2's first attempt reaches a2 only.
  c.drop_request = [](const consensus_send& s) { return is_accept(s) && s.to != "a2"; };
  c.submit(p2, 1, write(475));
  // p1 gets a1 and a3 to promise, and its proposal reaches a1 only.
  c.drop_request = [](const consensus_send& s) {
    return s.to == "a2" || (is_accept(s) && s.to != "a1");
  };
  c.submit(p1, 2, write(746));
  c.tick(p1);
  CHECK(c.acceptors.at("a1").state().state.current.value == 746);
  // p2 retries on a1 and a3, sees p1's proposal as the newest, evaluates again.
  c.drop_request = [](const consensus_send& s) { return s.to == "a2" || is_accept(s); };
  for (int i = 0; i < 20 && c.proposals.back().b.proposer != "n2"; ++i)
    c.tick(p2);
  REQUIRE(c.proposals.back().b.proposer == "n2");
  CHECK(c.proposals.back().proposed.current == versioned_value{475, {2, "n2"}});
  // p3 reads through a2 and a3: it adopts p2's first attempt, and that is chosen.
  c.drop_request = [](const consensus_send& s) { return s.to == "a1"; };
  c.submit(p3, 3, read());
  c.settle(p3, 3);
  CHECK(c.result(3).current == versioned_value{475, {1, "n2"}});
  // p2 finds its first attempt in the state: its answer is that attempt's result.
  c.drop_request = [](auto&) { return false; };
  c.settle(p2, 1);
  CHECK(c.result(1).current == versioned_value{475, {1, "n2"}});
  CHECK(c.chosen.back().current == versioned_value{475, {1, "n2"}});
}

TEST_CASE("no voter reachable: unavailable at the deadline, and no accept ever left") {
  cluster c;
  auto p = c.make("n1");
  c.drop_request = [](auto&) { return true; };
  c.submit(p, 1, write(1));
  c.settle(p, 1);
  CHECK(c.result(1).status == operation_status::unavailable);
  CHECK(c.now - (time_point{} + std::chrono::hours{1}) == c.settings.operation_timeout);
  CHECK(c.proposals.empty());
}

TEST_CASE("an accept that left but was never answered ends unknown at the deadline") {
  cluster c;
  auto p = c.make("n1");
  c.drop_request = [](const consensus_send& s) { return is_accept(s); };
  c.submit(p, 1, write(1));
  c.settle(p, 1);
  CHECK(c.result(1).status == operation_status::unknown);
  CHECK_FALSE(c.proposals.empty());
}

TEST_CASE("a retried batch whose record was evicted ends unknown") {
  cluster c;
  c.settings.tracked_proposers = 1;
  auto p1 = c.make("n1");
  auto p2 = c.make("n2");
  c.drop_reply = [](auto&, const consensus_message& m) {
    return std::holds_alternative<accepted_message>(m);
  };
  c.submit(p1, 1, add(1));
  c.drop_reply = [](auto&, auto&) { return false; };
  c.submit(p2, 2, add(1)); // builds on p1's batch and evicts its record
  c.settle(p2, 2);
  CHECK(c.result(2).current.value == 2);
  c.settle(p1, 1);
  CHECK(c.result(1).status == operation_status::unknown);
  CHECK(c.chosen.back().current.value == 2);
}

TEST_CASE("a full queue answers unavailable at once") {
  cluster c;
  c.settings.max_queued_operations = 2;
  auto p = c.make("n1");
  auto first = c.take(p.submit(1, write(1), c.now));
  c.take(p.submit(2, write(2), c.now));
  c.take(p.submit(3, write(3), c.now));
  c.take(p.submit(4, write(4), c.now));
  CHECK(c.result(4).status == operation_status::unavailable);
  c.pump(p, first);
  CHECK(c.result(3).current == versioned_value{3, {3, "n1"}});
}

TEST_CASE("batches are cut at max_batch_operations") {
  cluster c;
  c.settings.max_batch_operations = 2;
  auto p = c.make("n1");
  auto first = c.take(p.submit(1, add(1), c.now));
  for (uint64_t id = 2; id <= 6; ++id)
    c.take(p.submit(id, add(1), c.now));
  c.pump(p, first);
  CHECK(c.proposals.size() == 4);
  CHECK(c.result(6).current.value == 6);
}

TEST_CASE("replies from non-voters and requests sent to a proposer are ignored") {
  cluster c;
  auto p = c.make("n1");
  auto sends = c.take(p.submit(1, write(1), c.now));
  auto b = std::get<prepare_message>(sends[0].message).b;
  auto stray = p.handle_reply("n7", promise_message{b, {}, {}}, c.now);
  CHECK_FALSE(stray.notes.empty());
  auto request = p.handle_reply("a1", prepare_message{b}, c.now);
  CHECK_FALSE(request.notes.empty());
  CHECK(p.check_invariants() == "");
}

TEST_CASE("a restarted proposer's ballots never equal those of its former life") {
  cluster c;
  auto old_life = c.make("n1", 1);
  c.submit(old_life, 1, write(1));
  auto new_life = c.make("n1", 2);
  c.submit(new_life, 2, add(1));
  c.settle(new_life, 2);
  CHECK(c.result(2).current == versioned_value{2, {2, "n1"}});
  for (auto& r : c.proposals)
    CHECK((r.b.epoch == 1) == (r.batch == 1 && r.b.counter == 1));
}

TEST_CASE("invalid voters or settings are refused") {
  consensus_settings s;
  CHECK_THROWS(consensus_proposer({"n1", 1}, {"a", "b"}, {}, s, 1));
  CHECK_THROWS(consensus_proposer({"n1", 1}, {"a", "a", "b"}, {}, s, 1));
  CHECK_THROWS(consensus_proposer({"n1", 1}, {}, {}, s, 1));
  s.round_timeout = 0ms;
  CHECK_THROWS(consensus_proposer({"n1", 1}, {"a"}, {}, s, 1));
  CHECK(validate_voters({"a", "b", "c", "d", "e", "f", "g"}) == std::nullopt);
  CHECK(validate_voters({"a", "b", "c", "d", "e", "f", "g", "h", "i"}));
}

TEST_CASE("commits report their batch size and duration, and failed attempts are "
          "counted") {
  cluster c;
  c.round_trip = 3ms;
  auto p = c.make("n1");
  auto first = c.take(p.submit(1, write(10), c.now));
  for (uint64_t id = 2; id <= 4; ++id)
    c.take(p.submit(id, add(1), c.now));
  c.pump(p, first);
  REQUIRE(c.committed.size() == 2);
  // The cold write: a prepare and an accept wave.
  CHECK(c.committed[0].operations == 1);
  CHECK(c.committed[0].took == 6ms);
  // The three that queued meanwhile: one accept wave on the fast path.
  CHECK(c.committed[1].operations == 3);
  CHECK(c.committed[1].took == 3ms);
  CHECK(c.failed_attempts == 0);

  // Another proposer takes the register over; its first prepare is refused (the voters
  // promised n1's next ballot).
  auto p2 = c.make("n2");
  c.submit(p2, 5, write(100));
  c.settle(p2, 5);
  CHECK(c.failed_attempts == 1);
  c.failed_attempts = 0;
  // n1 is still gathering after its batch of three: nothing leaves yet. Its gathering
  // wait ran out while n2 worked, so its next tick starts the batch at once.
  auto before = c.now;
  CHECK(c.take(p.submit(6, add(1), c.now)).empty());
  CHECK(c.failed_attempts == 0);
  // Its fast-path accept is refused once; the retry (after the backoff, a prepare and
  // an accept) counts in the batch's duration.
  c.settle(p, 6);
  CHECK(c.failed_attempts == 1);
  CHECK(c.result(6).current.value == 101);
  CHECK(c.committed.back().operations == 1);
  CHECK(c.committed.back().took == c.now - before);
  CHECK(c.committed.back().took >= 9ms); // three waves and the random wait
}

TEST_CASE("a round that times out counts a failed attempt and commits nothing") {
  cluster c;
  auto p = c.make("n1");
  c.drop_request = [](auto&) { return true; };
  c.submit(p, 1, write(1));
  CHECK(c.failed_attempts == 0);
  c.tick(p); // the round's timeout
  CHECK(c.failed_attempts == 1);
  CHECK(c.committed.empty());
  c.settle(p, 1);
  CHECK(c.result(1).status == operation_status::unavailable);
  CHECK(c.failed_attempts > 1); // every retry timed out too
  CHECK(c.committed.empty());
}
