#include "actors/core/value_register.hpp"

#include <doctest/doctest.h>

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
