// Thrifty accepts in the proposer (consensus_fanout.hpp): an accept goes to a majority
// of voters first, to every voter when that majority is silent past the widening wait
// or cannot decide, and the voters that answered are asked first from then on.

#include "tests/unit/consensus_test_cluster.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace onevalue;
using namespace std::chrono_literals;
using namespace onevalue::consensus_test;

namespace {

std::set<std::string> receivers(const std::vector<consensus_send>& sends) {
  std::set<std::string> out;
  for (const auto& s : sends) {
    CHECK(is_accept(s));
    out.insert(s.to);
  }
  return out;
}

const std::set<std::string> a1_a2{"a1", "a2"};
const std::set<std::string> a1_a3{"a1", "a3"};
const std::set<std::string> a3_only{"a3"};

} // namespace

TEST_CASE("after the first commit an accept goes to a majority, not to every voter") {
  cluster c;
  auto p = c.make("n1");
  c.submit(p, 1, write(5)); // cold: prepare and accept to every voter
  // a1 and a2 made the majority of the first round (a3's answer came after it).
  auto second = c.take(p.submit(2, add(3), c.now));
  CHECK(receivers(second) == a1_a2);
  CHECK(c.pump(p, second) == 1);
  CHECK(c.result(2).current.value == 8);
  CHECK(c.acceptors.at("a1").state().state.current.value == 8);
  CHECK(c.acceptors.at("a2").state().state.current.value == 8);
  // a3 saved nothing for this round; it still holds the first state.
  CHECK(c.acceptors.at("a3").state().state.current.value == 5);
  CHECK(p.next_deadline() == time_point::max());
  CHECK(c.widened_accepts == 0);
}

TEST_CASE("an accepted reply from a voter that was not asked is ignored") {
  cluster c;
  auto p = c.make("n1");
  c.submit(p, 1, write(5));
  auto sends = c.take(p.submit(2, add(3), c.now));
  REQUIRE(receivers(sends) == a1_a2);
  auto b = std::get<accept_message>(sends[0].message).b;
  // Only a voter asked for ballot b can have accepted it: a3's claim counts for nothing.
  c.take(p.handle_reply("a3", accepted_message{b, true}, c.now));
  c.drop_request = [](const consensus_send& s) { return s.to == "a2"; };
  c.pump(p, sends); // a1 accepts: one of two
  CHECK(c.results.count(2) == 0);
  CHECK(p.check_invariants() == "");
}

TEST_CASE("every full_accept_every-th accept goes to every voter at once") {
  cluster c;
  c.settings.full_accept_every = 3;
  auto p = c.make("n1");
  c.submit(p, 1, write(5)); // accept 1: nothing timed yet, every voter
  auto second = c.take(p.submit(2, add(1), c.now));
  CHECK(second.size() == 2);
  c.pump(p, second);
  auto third = c.take(p.submit(3, add(1), c.now)); // accept 3: every voter
  CHECK(third.size() == 3);
  c.pump(p, third);
  CHECK(c.take(p.submit(4, add(1), c.now)).size() == 2);
  CHECK(c.widened_accepts == 0); // sent to all at once, not widened
}

TEST_CASE("without thrifty accepts every accept goes to every voter") {
  cluster c;
  c.settings.thrifty_accepts = false;
  auto p = c.make("n1");
  c.submit(p, 1, write(5));
  CHECK(c.take(p.submit(2, add(3), c.now)).size() == 3);
}

TEST_CASE("a silent voter of the first majority: the others get the accept after the "
          "widening wait, and the voter that answered is asked first from then on") {
  cluster c;
  c.round_trip = 1ms;
  auto p = c.make("n1");
  c.submit(p, 1, write(5)); // its accept phase took 1 ms: the widening wait is 2 ms
  c.drop_request = [](const consensus_send& s) { return s.to == "a2"; };
  auto started = c.now;
  auto sends = c.take(p.submit(2, add(3), c.now));
  CHECK(receivers(sends) == a1_a2);
  c.pump(p, sends); // a1 accepts; a2 never hears of it
  CHECK(c.results.count(2) == 0);
  CHECK(p.next_deadline() == started + 2ms);
  auto widened = c.take(p.tick(started + 2ms));
  CHECK(receivers(widened) == a3_only);
  CHECK(c.widened_accepts == 1);
  // Widened: what is left to wait for is the round's timeout.
  CHECK(p.next_deadline() == started + c.settings.round_timeout);
  c.now = started + 2ms;
  CHECK(c.pump(p, widened) == 1);
  CHECK(c.result(2).status == operation_status::ok);
  CHECK(c.result(2).current.value == 8);
  // a3 answered in a2's place: the next round asks a1 and a3, and needs no widening.
  auto third = c.take(p.submit(3, add(1), c.now));
  CHECK(receivers(third) == a1_a3);
  CHECK(c.pump(p, third) == 1);
  CHECK(c.result(3).current.value == 9);
  CHECK(c.failed_attempts == 0);
}

TEST_CASE("a refusal that leaves the first majority unable to decide widens at once") {
  cluster c;
  c.round_trip = 1ms;
  auto p1 = c.make("n1");
  c.submit(p1, 1, write(5));
  // n2 gets a2 alone to promise a ballot above n1's next one.
  auto p2 = c.make("n2");
  c.drop_request = [](const consensus_send& s) { return s.to != "a2"; };
  c.take(p2.submit(9, write(100), c.now));
  for (int i = 0; i < 50 && c.acceptors.at("a2").state().promised.proposer != "n2"; ++i)
    c.tick(p2);
  REQUIRE(c.acceptors.at("a2").state().promised.proposer == "n2");
  c.drop_request = [](auto&) { return false; };
  c.failed_attempts = 0; // n2's
  // n1's fast-path accept: a1 accepts, a2 refuses; a3 is asked in the same instant,
  // not after the widening wait, and makes the majority with a1.
  auto started = c.now;
  auto sends = c.take(p1.submit(2, add(3), c.now));
  CHECK(receivers(sends) == a1_a2);
  auto widened = c.step(p1, sends);
  CHECK(receivers(widened) == a3_only);
  CHECK(c.widened_accepts == 1);
  CHECK(c.pump(p1, widened) == 1);
  CHECK(c.now == started + 2 * c.round_trip);
  CHECK(c.result(2).status == operation_status::ok);
  CHECK(c.result(2).current.value == 8);
  CHECK(c.failed_attempts == 0);
}

TEST_CASE("a majority that refuses still fails the attempt") {
  cluster c;
  auto p1 = c.make("n1");
  c.submit(p1, 1, write(5));
  auto p2 = c.make("n2");
  c.submit(p2, 2, write(7)); // n2 takes over every voter
  c.settle(p2, 2);
  c.failed_attempts = 0;
  c.widened_accepts = 0;
  auto sends = c.take(p1.submit(3, add(1), c.now));
  CHECK(sends.size() == 2);
  // In one wave: the first refusal leaves the two asked unable to decide, so the third
  // voter gets the accept; the second refusal is a majority: the attempt fails (the
  // third one's answer comes too late to matter).
  auto after = c.step(p1, sends);
  CHECK(receivers(after) == a3_only);
  CHECK(c.widened_accepts == 1);
  CHECK(c.failed_attempts == 1);
  c.step(p1, after);
  CHECK(c.failed_attempts == 1);
  c.settle(p1, 3);
  CHECK(c.result(3).current.value == 8);
}
