// Which timers the consensus adapter arms: one only when no armed timer comes first.

#include "actors/core/tick_schedule.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using namespace std::chrono_literals;

namespace {
const time_point t0 = time_point{} + 1h;
} // namespace

TEST_CASE("nothing due arms nothing") {
  tick_schedule ticks;
  CHECK_FALSE(ticks.should_arm(time_point::max()));
  CHECK(ticks.armed_count() == 0);
}

TEST_CASE("a deadline behind an armed timer needs no timer of its own") {
  tick_schedule ticks;
  REQUIRE(ticks.should_arm(t0 + 2ms));
  auto gather = ticks.armed(t0 + 2ms);
  // The round that follows times out much later: the armed timer fires first and the
  // adapter asks again then.
  CHECK_FALSE(ticks.should_arm(t0 + 1s));
  CHECK_FALSE(ticks.should_arm(t0 + 2ms)); // the same instant is covered too
  // An earlier deadline needs its own timer.
  CHECK(ticks.should_arm(t0 + 1ms));
  auto early = ticks.armed(t0 + 1ms);
  CHECK(ticks.armed_count() == 2);
  ticks.fired(early);
  CHECK_FALSE(ticks.should_arm(t0 + 1s)); // the 2 ms timer is still armed
  ticks.fired(gather);
  CHECK(ticks.should_arm(t0 + 1s)); // none left: the round's timeout gets one
  CHECK(ticks.armed_count() == 0);
}

TEST_CASE("timers armed for the same instant are told apart by id") {
  tick_schedule ticks;
  auto a = ticks.armed(t0);
  auto b = ticks.armed(t0);
  CHECK(a != b);
  ticks.fired(a);
  CHECK_FALSE(ticks.should_arm(t0 + 1ms)); // b still covers it
  ticks.fired(a);                          // a second report of a changes nothing
  CHECK(ticks.armed_count() == 1);
  ticks.fired(b);
  CHECK(ticks.should_arm(t0 + 1ms));
  ticks.fired(12345); // an id never armed is ignored
  CHECK(ticks.armed_count() == 0);
}
