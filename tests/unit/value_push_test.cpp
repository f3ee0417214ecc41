#include "actors/core/value_push.hpp"

#include <doctest/doctest.h>

using namespace onevalue;

TEST_CASE("a small cluster gets a local write from its writer and nothing from others") {
  CHECK(value_push_scope(1, true) == push_scope::all);
  CHECK(value_push_scope(push_to_all_limit, true) == push_scope::all);
  CHECK(value_push_scope(1, false) == push_scope::none);
  CHECK(value_push_scope(push_to_all_limit, false) == push_scope::none);
}

TEST_CASE("a large cluster spreads every accepted value epidemically") {
  CHECK(value_push_scope(push_to_all_limit + 1, true) == push_scope::random);
  CHECK(value_push_scope(push_to_all_limit + 1, false) == push_scope::random);
  CHECK(value_push_scope(10000, false) == push_scope::random);
}

TEST_CASE("a node without live peers pushes to nobody it could reach") {
  // `all` of zero members sends nothing; the scope itself stays the writer's rule.
  CHECK(value_push_scope(0, true) == push_scope::all);
  CHECK(value_push_scope(0, false) == push_scope::none);
}

TEST_CASE("a node's own leave goes to every live member, any other update to a few") {
  auto update = [](const std::string& name, member_state state) {
    return member_update{member_info{name, "10.0.0.1", 7946, 8080, state, 2}, "n1"};
  };
  CHECK(member_push_scope(update("n1", member_state::left), "n1") == push_scope::all);
  CHECK(member_push_scope(update("n2", member_state::left), "n1") == push_scope::random);
  CHECK(member_push_scope(update("n1", member_state::alive), "n1") == push_scope::random);
  CHECK(member_push_scope(update("n2", member_state::suspect), "n1")
        == push_scope::random);
  CHECK(member_push_scope(update("n2", member_state::failed), "n1")
        == push_scope::random);
}

TEST_CASE("a push goes to no member, to every live member or to gossip-nodes of them") {
  CHECK(push_count(push_scope::none, 10, 3) == 0);
  CHECK(push_count(push_scope::all, 10, 3) == 10);
  CHECK(push_count(push_scope::random, 10, 3) == 3);
  CHECK(push_count(push_scope::random, 2, 3) == 2);
  CHECK(push_count(push_scope::all, 0, 3) == 0);
}
