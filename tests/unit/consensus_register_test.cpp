#include "actors/core/consensus_register.hpp"

#include <doctest/doctest.h>

#include <limits>

using namespace onevalue;

namespace {

constexpr int64_t max64 = std::numeric_limits<int64_t>::max();
constexpr int64_t min64 = std::numeric_limits<int64_t>::min();

operation write(int64_t v) {
  return {operation_kind::write, v, {}};
}
operation add(int64_t d) {
  return {operation_kind::add, d, {}};
}
operation cas(version expected, int64_t v) {
  return {operation_kind::cas, v, expected};
}
operation read() {
  return {operation_kind::read, 0, {}};
}

} // namespace

TEST_CASE("a write raises the version index by one and stamps the proposer") {
  auto s = initial_register_state(7);
  CHECK(s.current == versioned_value{7, {0, ""}});
  auto r = apply_operation(s, write(5), "n2");
  CHECK(r.status == operation_status::ok);
  CHECK(r.current == versioned_value{5, {1, "n2"}});
  CHECK(s.current == r.current);
  apply_operation(s, write(5), "n1");
  CHECK(s.current == versioned_value{5, {2, "n1"}});
  CHECK(check_register_state(s) == "");
}

TEST_CASE("a read and failed operations leave the version alone") {
  auto s = initial_register_state(1);
  apply_operation(s, write(3), "n1");
  auto before = s;
  auto r = apply_operation(s, read(), "n2");
  CHECK(r.status == operation_status::ok);
  CHECK(r.current == versioned_value{3, {1, "n1"}});
  CHECK_FALSE(changed_state(read(), r));
  auto failed = apply_operation(s, cas({7, "n1"}, 9), "n2");
  CHECK(failed.status == operation_status::failed);
  CHECK(failed.reason == failure_reason::version_mismatch);
  CHECK(failed.current == versioned_value{3, {1, "n1"}});
  CHECK_FALSE(changed_state(cas({7, "n1"}, 9), failed));
  CHECK(s == before);
}

TEST_CASE("cas succeeds only on the exact version, node included") {
  auto s = initial_register_state(0);
  apply_operation(s, write(3), "n1");
  CHECK(apply_operation(s, cas({1, "n2"}, 4), "n2").status == operation_status::failed);
  auto ok = apply_operation(s, cas({1, "n1"}, 4), "n2");
  CHECK(ok.status == operation_status::ok);
  CHECK(ok.current == versioned_value{4, {2, "n2"}});
}

TEST_CASE("an add that overflows int64 is refused and the value stays") {
  auto s = initial_register_state(max64 - 1);
  CHECK(apply_operation(s, add(1), "n1").current.value == max64);
  auto up = apply_operation(s, add(1), "n1");
  CHECK(up.status == operation_status::failed);
  CHECK(up.reason == failure_reason::overflow);
  CHECK(s.current == versioned_value{max64, {1, "n1"}});
  apply_operation(s, write(min64 + 2), "n1");
  CHECK(apply_operation(s, add(-2), "n1").current.value == min64);
  CHECK(apply_operation(s, add(-1), "n1").reason == failure_reason::overflow);
  CHECK(apply_operation(s, add(max64), "n1").current.value == -1);
}

TEST_CASE("a version index at its upper bound refuses changes instead of wrapping") {
  auto s = initial_register_state(0);
  s.current.ver = {std::numeric_limits<uint64_t>::max(), "n1"};
  auto r = apply_operation(s, write(1), "n2");
  CHECK(r.status == operation_status::failed);
  CHECK(r.reason == failure_reason::version_exhausted);
  CHECK(s.current.value == 0);
}

TEST_CASE("a proposer's record is replaced by its next change") {
  auto s = initial_register_state(0);
  apply_operation(s, write(1), "n1");
  record_attempt(s, {"n1", 9}, 1, 4);
  apply_operation(s, write(2), "n1");
  record_attempt(s, {"n1", 9}, 2, 4);
  REQUIRE(s.proposers.size() == 1);
  CHECK(s.proposers[0] == proposer_record{"n1", 9, 2, 2});
  CHECK(s.forgotten_through == 0);
}

TEST_CASE("beyond capacity the record with the lowest index is evicted") {
  auto s = initial_register_state(0);
  for (const char* name : {"a", "b", "c"}) {
    apply_operation(s, write(1), name);
    record_attempt(s, {name, 1}, 1, 2);
  }
  REQUIRE(s.proposers.size() == 2);
  CHECK(s.proposers[0].name == "b");
  CHECK(s.proposers[1].name == "c");
  CHECK(s.forgotten_through == 1);
  CHECK(check_register_state(s) == "");
}

TEST_CASE("find_attempt tells applied (and which attempt), absent and unknowable apart") {
  auto s = initial_register_state(0);
  apply_operation(s, write(1), "n1");
  record_attempt(s, {"n1", 5}, 3, 2);
  SUBCASE("any attempt of the batch is found, and named") {
    auto found = find_attempt(s, {"n1", 5}, 2, 4, 0);
    CHECK(found.presence == batch_presence::applied);
    CHECK(found.attempt == 3);
    CHECK(find_attempt(s, {"n1", 5}, 3, 3, 0).attempt == 3);
  }
  SUBCASE("an earlier batch's attempt means this batch is not in") {
    CHECK(find_attempt(s, {"n1", 5}, 4, 6, 1).presence == batch_presence::absent);
  }
  SUBCASE("a record from beyond the batch's attempts cannot be explained") {
    CHECK(find_attempt(s, {"n1", 5}, 1, 2, 0).presence == batch_presence::unknowable);
  }
  SUBCASE("another life's record says nothing about this life's batch") {
    CHECK(find_attempt(s, {"n1", 6}, 1, 1, 1).presence == batch_presence::absent);
  }
  SUBCASE("an evicted record makes an attempt after the eviction horizon unknowable") {
    for (const char* name : {"a", "b"}) {
      apply_operation(s, write(1), name);
      record_attempt(s, {name, 1}, 1, 2);
    }
    CHECK(s.forgotten_through == 1);
    CHECK(find_attempt(s, {"n1", 5}, 3, 3, 0).presence == batch_presence::unknowable);
    CHECK(find_attempt(s, {"n1", 5}, 4, 4, 1).presence == batch_presence::absent);
  }
}

TEST_CASE("check_register_state refuses malformed states") {
  auto s = initial_register_state(0);
  apply_operation(s, write(1), "n1");
  record_attempt(s, {"n1", 1}, 1, 4);
  CHECK(check_register_state(s) == "");
  SUBCASE("duplicate names") {
    s.proposers.push_back(s.proposers[0]);
    CHECK(check_register_state(s) != "");
  }
  SUBCASE("a record ahead of the index") {
    s.proposers[0].index = 2;
    CHECK(check_register_state(s) != "");
  }
  SUBCASE("an index without a proposer") {
    s.current.ver.node.clear();
    CHECK(check_register_state(s) != "");
  }
  SUBCASE("too many records") {
    s.current.ver.counter = 100;
    s.proposers.clear();
    for (std::size_t i = 0; i <= max_tracked_proposers; ++i)
      s.proposers.push_back({"p" + std::to_string(i), 1, 1, 1});
    CHECK(check_register_state(s) != "");
  }
}
