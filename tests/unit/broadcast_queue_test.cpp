#include "actors/core/broadcast_queue.hpp"
#include "actors/core/wire_size.hpp"

#include <doctest/doctest.h>

#include <initializer_list>

using namespace onevalue;

namespace {

member_update about(const std::string& name, member_state state, uint64_t inc) {
  return member_update{member_info{name, "10.0.0.1", 7946, 8080, state, inc}, "n0"};
}

} // namespace

TEST_CASE("a newer update about the same member replaces the queued one") {
  broadcast_queue q;
  q.push(about("n1", member_state::alive, 1));
  q.push(about("n1", member_state::suspect, 1));
  REQUIRE(q.size() == 1);
  packet p;
  q.fill(p, 1400, 4);
  REQUIRE(p.members.size() == 1);
  CHECK(p.members[0].member.state == member_state::suspect);
}

TEST_CASE("an older value never replaces a newer queued value") {
  broadcast_queue q;
  q.push(versioned_value{5, {7, "n2"}});
  q.push(versioned_value{4, {6, "n9"}});
  q.push(versioned_value{3, {7, "n1"}});
  packet p;
  q.fill(p, 1400, 4);
  REQUIRE(p.values.size() == 1);
  CHECK(p.values[0].value == 5);
  q.push(versioned_value{6, {8, "n1"}});
  CHECK(q.size() == 1);
}

TEST_CASE("each item is sent at most limit times, then dropped") {
  broadcast_queue q;
  q.push(about("n1", member_state::alive, 1));
  for (int i = 0; i < 3; ++i) {
    packet p;
    CHECK(q.fill(p, 1400, 3) == 1);
  }
  CHECK(q.empty());
  packet p;
  CHECK(q.fill(p, 1400, 3) == 0);
}

TEST_CASE("items sent fewest times go first and the budget is respected") {
  broadcast_queue q;
  q.push(about("old", member_state::alive, 1));
  packet first;
  q.fill(first, 1400, 10);
  q.push(about("new", member_state::alive, 1));
  packet empty;
  auto one_item_budget =
      wire_size(empty) + wire_size(about("new", member_state::alive, 1));
  packet p;
  CHECK(q.fill(p, one_item_budget, 10) == 1);
  REQUIRE(p.members.size() == 1);
  CHECK(p.members[0].member.name == "new");
  CHECK(wire_size(p) <= one_item_budget);
}

TEST_CASE("among items sent equally often the newest goes first") {
  broadcast_queue q;
  q.push(about("older", member_state::alive, 1));
  q.push(about("newer", member_state::alive, 1));
  packet empty;
  auto one_item_budget =
      wire_size(empty) + wire_size(about("older", member_state::alive, 1));
  packet p;
  CHECK(q.fill(p, one_item_budget, 10) == 1);
  REQUIRE(p.members.size() == 1);
  CHECK(p.members[0].member.name == "newer");
}
