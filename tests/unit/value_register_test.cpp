#include "actors/core/value_register.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <string>

using namespace onevalue;

TEST_CASE("versions order by counter first, then by node name") {
  CHECK(version{1, "z"} < version{2, "a"});
  CHECK(version{2, "a"} < version{2, "b"});
  CHECK_FALSE(version{2, "b"} < version{2, "b"});
  CHECK(version{0, ""} < version{1, ""});
  CHECK(version{3, "n1"} == version{3, "n1"});
  CHECK(version{3, "n1"} != version{3, "n2"});
}

TEST_CASE("a local write gets max(clock, seen) + 1 and the writer's name") {
  value_register reg;
  auto w = reg.prepare_write(5, "n1");
  CHECK(w.value == 5);
  CHECK(w.ver == version{1, "n1"});
  CHECK(reg.merge(w));
  CHECK(reg.current() == w);
  CHECK(reg.clock() == 1);
  CHECK(reg.check_invariants());
}

TEST_CASE("a fresh node that saw the cluster's counter 5 writes counter 6 and wins") {
  value_register cluster;
  cluster.merge({42, {5, "n1"}});
  value_register fresh;
  CHECK(fresh.merge(cluster.current()));
  auto w = fresh.prepare_write(7, "n9");
  CHECK(w.ver.counter == 6);
  CHECK(cluster.merge(w));
  CHECK(cluster.current().value == 7);
}

TEST_CASE("concurrent writes with equal counters converge on the higher node name") {
  value_register a, b;
  auto wa = a.prepare_write(1, "n1");
  auto wb = b.prepare_write(2, "n2");
  a.merge(wa);
  b.merge(wb);
  a.merge(wb);
  b.merge(wa);
  CHECK(a.current() == b.current());
  CHECK(a.current().value == 2);
  CHECK(a.check_invariants());
  CHECK(b.check_invariants());
}

TEST_CASE("an older or duplicate value is rejected but still advances the clock") {
  value_register reg;
  reg.merge({9, {10, "n1"}});
  CHECK_FALSE(reg.merge({9, {10, "n1"}}));
  CHECK_FALSE(reg.merge({3, {4, "n2"}}));
  CHECK(reg.current().value == 9);
  reg.observe(20);
  CHECK(reg.clock() == 20);
  CHECK(reg.prepare_write(1, "n1").ver.counter == 21);
}

TEST_CASE("restored state never lets the clock run behind the value") {
  value_register reg{{5, {8, "n2"}}, 3};
  CHECK(reg.clock() == 8);
  CHECK(reg.check_invariants());
}

namespace {

constexpr uint64_t top = std::numeric_limits<uint64_t>::max();

} // namespace

TEST_CASE("a remote counter up to 2^63 is taken whatever the clock") {
  // A new node catches up with any real cluster in one exchange.
  value_register fresh;
  CHECK(fresh.offer({1, {counter_free_range, "n1"}}) == merge_result::accepted);
  CHECK(fresh.clock() == counter_free_range);
}

TEST_CASE(
    "above 2^63 a counter more than 2^32 over the clock is refused, the clock moves") {
  value_register reg;
  CHECK(reg.offer({9, {top, "n9"}}) == merge_result::too_far_ahead);
  CHECK(reg.current().value == 0);
  CHECK(reg.clock() == counter_free_range + max_counter_step);
  // Within the new bound: taken.
  CHECK(reg.offer({3, {counter_free_range + 2 * max_counter_step, "n2"}})
        == merge_result::accepted);
  CHECK(reg.check_invariants());
}

TEST_CASE("a value legitimately far ahead past 2^63 is taken after a few offers") {
  value_register reg;
  reg.merge({1, {counter_free_range + 10, "n1"}});
  versioned_value far{2, {counter_free_range + 3 * max_counter_step, "n2"}};
  CHECK(reg.offer(far) == merge_result::too_far_ahead);
  CHECK(reg.offer(far) == merge_result::too_far_ahead);
  CHECK(reg.offer(far) == merge_result::accepted);
  CHECK(reg.current() == far);
}

TEST_CASE("the last counter is reachable only step by step and then writes stop") {
  value_register reg{{1, {top - 5, "n1"}}, top - 5};
  CHECK(reg.offer({2, {top, "n2"}}) == merge_result::accepted);
  CHECK_FALSE(reg.next_write(3, "n1"));
  // For simulations: saturates, never wraps to 0.
  CHECK(reg.prepare_write(3, "n1").ver.counter == top);
  CHECK_FALSE(reg.merge(reg.prepare_write(3, "n1")));
  CHECK(reg.check_invariants());
}

TEST_CASE("a malformed version is ignored entirely: no clock advance") {
  value_register reg;
  CHECK(reg.offer({1, {77, "bad name"}}) == merge_result::invalid);
  CHECK(reg.offer({1, {0, "n1"}}) == merge_result::invalid);
  CHECK(reg.offer({1, {77, ""}}) == merge_result::invalid);
  CHECK(reg.clock() == 0);
  CHECK(std::string{to_string(merge_result::too_far_ahead)} == "too_far_ahead");
}

TEST_CASE("a stale or duplicate value reports stale") {
  value_register reg;
  reg.merge({9, {10, "n1"}});
  CHECK(reg.offer({9, {10, "n1"}}) == merge_result::stale);
  CHECK(reg.offer({3, {4, "n2"}}) == merge_result::stale);
}
