// In-process clusters of protocol cores on a simulated network and simulated time.

#include "app/sim/sim_cluster.hpp"

#include "actors/swim_formulas.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace onevalue;
using namespace std::chrono_literals;

namespace {

swim_settings fast() {
  return local_profile();
}

bool all_hold(sim::cluster& c, int64_t value) {
  for (std::size_t i = 0; i < c.size(); ++i)
    if (c.at(i).up && c.at(i).value.current().value != value)
      return false;
  return true;
}

}  // namespace

TEST_CASE("20 nodes joining through one seed form one cluster") {
  sim::cluster c{20, fast(), 1};
  CHECK(c.run_until([&] { return c.converged(); }, 30s));
  CHECK(c.check_invariants() == "");
}

TEST_CASE("a crashed node is detected as failed by all within the suspicion bound") {
  sim::cluster c{30, fast(), 2};
  REQUIRE(c.run_until([&] { return c.converged(); }, 30s));
  c.crash(7);
  auto start = c.now();
  // Bound: one probe round to find it (n probe intervals at worst), the maximum
  // suspicion timeout, and some gossip rounds to spread the verdict.
  auto s = fast();
  auto bound = s.probe_interval * 30 + s.probe_interval * 4 * 2 * s.suspicion_max_mult + 2s;
  CHECK(c.run_until([&] { return c.converged(); }, bound));
  CHECK(c.now() - start < bound);
  CHECK(c.check_invariants() == "");
}

TEST_CASE("no false positives over thousands of probe rounds without loss") {
  sim::cluster c{20, fast(), 3};
  REQUIRE(c.run_until([&] { return c.converged(); }, 30s));
  for (int i = 0; i < 20; ++i) {
    c.run_for(100 * fast().probe_interval);  // 2000 rounds in all
    for (std::size_t n = 0; n < c.size(); ++n)
      for (std::size_t m = 0; m < c.size(); ++m)
        REQUIRE(c.state_in(n, c.at(m).name) == member_state::alive);
  }
  CHECK(c.check_invariants() == "");
}

/// Runs 25 nodes under `loss` for two minutes: suspicions must be raised and refuted,
/// and the member list must heal once the loss stops.
void refute_under_loss(double loss, uint64_t seed) {
  sim::cluster c{25, fast(), seed};
  REQUIRE(c.run_until([&] { return c.converged(); }, 30s));
  c.loss = loss;
  c.run_for(120s);
  c.loss = 0.0;
  uint64_t raised = 0, refuted = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    raised += c.at(i).core->counters().suspicions_raised;
    refuted += c.at(i).core->counters().suspicions_refuted;
  }
  CHECK(raised > 0);
  CHECK(refuted > 0);
  // Whatever was wrongly declared failed under loss heals once the loss stops.
  CHECK(c.run_until([&] { return c.converged(); }, 120s));
  CHECK(c.check_invariants() == "");
}

TEST_CASE("under 10 percent loss suspected nodes refute and stay members") {
  refute_under_loss(0.1, 41);
}

TEST_CASE("under 20 percent loss suspected nodes refute and stay members") {
  refute_under_loss(0.2, 4);
}

TEST_CASE("under 30 percent loss suspected nodes refute and stay members") {
  refute_under_loss(0.3, 43);
}

TEST_CASE("a write on one node reaches all 50 nodes") {
  sim::cluster c{50, fast(), 5};
  REQUIRE(c.run_until([&] { return c.converged(); }, 60s));
  c.write(17, 99);
  CHECK(c.run_until([&] { return all_hold(c, 99); }, 5s, 1ms));
  CHECK(c.check_invariants() == "");
}

TEST_CASE("a healed partition converges to one member list and one value") {
  sim::cluster c{20, fast(), 6};
  REQUIRE(c.run_until([&] { return c.converged(); }, 30s));
  c.partition(10);
  c.write(3, 1);
  c.write(15, 2);
  c.run_for(60s);  // far longer than the suspicion timeout: both halves mark the other failed
  CHECK(c.state_in(0, "n15") == member_state::failed);
  c.heal();
  CHECK(c.run_until([&] { return c.converged(); }, 120s));
  // Equal counters: the higher node name wins, and "n3" > "n15".
  CHECK(c.run_until([&] { return all_hold(c, 1); }, 60s));
  CHECK(c.check_invariants() == "");
}

TEST_CASE("a one-way partition does not split the cluster for good") {
  sim::cluster c{10, fast(), 7};
  REQUIRE(c.run_until([&] { return c.converged(); }, 30s));
  for (std::size_t j = 0; j < c.size(); ++j)
    if (j != 4)
      c.block(4, j);
  c.run_for(30s);
  for (std::size_t j = 0; j < c.size(); ++j)
    c.unblock(4, j);
  CHECK(c.run_until([&] { return c.converged(); }, 120s));
  CHECK(c.check_invariants() == "");
}

TEST_CASE("a graceful leave shows as left everywhere, a restart rejoins alive") {
  sim::cluster c{10, fast(), 8};
  REQUIRE(c.run_until([&] { return c.converged(); }, 30s));
  c.leave(3);
  c.run_for(1ms);
  c.crash(3);
  CHECK(c.run_until(
      [&] {
        for (std::size_t i = 0; i < c.size(); ++i)
          if (i != 3 && c.state_in(i, "n3") != member_state::left)
            return false;
        return true;
      },
      10s));
  c.restart(3);
  CHECK(c.run_until([&] { return c.converged(); }, 60s));
  CHECK(c.at(3).core->self().incarnation > 1);
  CHECK(c.check_invariants() == "");
}

TEST_CASE("a crashed node restarted before detection keeps its membership") {
  sim::cluster c{10, fast(), 9};
  REQUIRE(c.run_until([&] { return c.converged(); }, 30s));
  c.crash(5);
  c.run_for(60s);
  REQUIRE(c.state_in(0, "n5") == member_state::failed);
  c.restart(5);
  CHECK(c.run_until([&] { return c.converged(); }, 60s));
  CHECK(c.check_invariants() == "");
}

TEST_CASE("with local health on and 5 percent loss a crash is detected by all within the bound") {
  auto s = fast();
  REQUIRE(s.awareness_max_multiplier > 1);
  std::size_t n = 30;
  sim::cluster c{n, s, 10};
  REQUIRE(c.run_until([&] { return c.converged(); }, 30s));
  c.loss = 0.05;
  c.run_for(20s);
  c.crash(11);
  auto start = c.now();
  // Someone probes the crashed node within one round of n probe intervals (even a node
  // in poor health; most are healthy), the suspicion lasts at most the maximum timeout,
  // and the verdict then spreads in a few gossip rounds.
  auto max_suspicion = suspicion_timeout(s.suspicion_mult, n, s.probe_interval)
                       * s.suspicion_max_mult;
  auto bound = s.probe_interval * static_cast<int>(n) + max_suspicion + 20 * s.gossip_interval;
  auto all_failed = [&] {
    for (std::size_t i = 0; i < n; ++i)
      if (i != 11 && c.state_in(i, "n11") != member_state::failed)
        return false;
    return true;
  };
  CHECK(c.run_until(all_failed, bound));
  int worst = 0;
  for (std::size_t i = 0; i < n; ++i)
    worst = std::max(worst, c.at(i).core->health_score());
  CHECK(worst < s.awareness_max_multiplier);
  MESSAGE("detected by all after " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                          c.now() - start).count()
                                   << " ms, bound " << bound.count() << " ms");
  CHECK(c.check_invariants() == "");
}

TEST_CASE("a node restarted on a new address after it failed rejoins there") {
  sim::cluster c{10, fast(), 12};
  REQUIRE(c.run_until([&] { return c.converged(); }, 30s));
  c.crash(6);
  REQUIRE(c.run_until([&] { return c.state_in(0, "n6") == member_state::failed; }, 60s));
  c.restart_at(6, "10.9.9.9");
  CHECK(c.run_until([&] { return c.converged(); }, 60s));
  for (std::size_t i = 0; i < c.size(); ++i)
    CHECK(c.at(i).core->find("n6")->address == "10.9.9.9");
  CHECK(c.at(6).core->self().incarnation > 0);
  CHECK(c.check_invariants() == "");
}

TEST_CASE("a prejoined cluster starts converged and stays so without loss") {
  sim::cluster c{200, fast(), 13, sim::start_mode::prejoined};
  CHECK(c.converged());
  c.run_for(20s);
  CHECK(c.converged());
  c.write(5, 7);
  CHECK(c.run_until([&] { return all_hold(c, 7); }, 10s));
  CHECK(c.check_invariants() == "");
}
