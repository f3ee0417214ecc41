// In-process clusters of protocol cores on a simulated network and simulated time.
//
// Every run is bounded twice: in simulated time (each `settles` names its limit) and in
// work (the cluster throws `sim::overrun` when its nodes send more datagrams per
// simulated second than a healthy cluster ever does). A regression therefore fails its
// test case within seconds, saying what did not converge, instead of running for
// minutes (issue 18).

#include "app/sim/sim_cluster.hpp"

#include "actors/core/swim_formulas.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace onevalue;
using namespace std::chrono_literals;

namespace {

swim_settings fast() {
  return local_profile();
}

/// Runs `c` until `done()` holds, for at most `limit` of simulated time. On a timeout,
/// fails the current check naming `what` and the first disagreement among the nodes'
/// member tables, and returns false; on an overrun of the work budget, fails the test
/// case at once, naming `what` too.
bool settles(sim::cluster& c, const std::string& what, const std::function<bool()>& done,
             std::chrono::milliseconds limit, std::chrono::milliseconds step = 5ms) {
  try {
    if (c.run_until(done, limit, step))
      return true;
  } catch (const sim::overrun& e) {
    FAIL("while waiting until " << what << ": " << std::string{e.what()});
  }
  auto divergence = c.divergence();
  FAIL_CHECK("not within " << limit.count() << " ms of simulated time: " << what << " ("
                           << (divergence.empty() ? "member tables agree" : divergence)
                           << ")");
  return false;
}

/// `settles` on `cluster::converged`.
bool converges(sim::cluster& c, std::chrono::milliseconds limit) {
  return settles(
      c, "every up node lists every up node alive, every down one failed or left",
      [&] { return c.converged(); }, limit);
}

bool all_hold(sim::cluster& c, int64_t value) {
  for (std::size_t i = 0; i < c.size(); ++i)
    if (c.at(i).up && c.at(i).value.current().value != value)
      return false;
  return true;
}

/// True when every node but node `k` itself lists node `k` in `state`.
bool all_others_hold(sim::cluster& c, std::size_t k, member_state state) {
  for (std::size_t i = 0; i < c.size(); ++i)
    if (i != k && c.state_in(i, c.at(k).name) != state)
      return false;
  return true;
}

/// Every member state change any node of a cluster makes, recorded through
/// `cluster::on_event` from construction on. Not copyable: the cluster calls back into
/// it.
class event_log {
public:
  explicit event_log(sim::cluster& c) {
    c.on_event = [this](std::size_t observer, const member_event& e) {
      events_.push_back({observer, e});
    };
  }
  event_log(const event_log&) = delete;
  event_log& operator=(const event_log&) = delete;

  /// How many times any node moved `name` (any member if empty) to `to`.
  std::size_t count_to(member_state to, const std::string& name = {}) const {
    return static_cast<std::size_t>(
        std::count_if(events_.begin(), events_.end(), [&](const auto& r) {
          return r.second.to == to && (name.empty() || r.second.name == name);
        }));
  }

  /// The distinct (member, incarnation) pairs some node moved to `to`: one verdict,
  /// however many nodes adopted it.
  std::set<std::pair<std::string, uint64_t>> verdicts(member_state to) const {
    std::set<std::pair<std::string, uint64_t>> result;
    for (auto& r : events_)
      if (r.second.to == to)
        result.emplace(r.second.name, r.second.incarnation);
    return result;
  }

  /// The highest incarnation at which some node moved `name` to `to`, if any did.
  std::optional<uint64_t> highest_incarnation(member_state to,
                                              const std::string& name) const {
    std::optional<uint64_t> result;
    for (auto& r : events_)
      if (r.second.to == to && r.second.name == name)
        result = std::max(result.value_or(0), r.second.incarnation);
    return result;
  }

private:
  std::vector<std::pair<std::size_t, member_event>> events_;
};

/// The protocol counters of all cores of `c`, summed.
swim_counters total_counters(sim::cluster& c) {
  swim_counters sum;
  for (std::size_t i = 0; i < c.size(); ++i) {
    auto& k = c.at(i).core->counters();
    sum.probes_sent += k.probes_sent;
    sum.acks_received += k.acks_received;
    sum.indirect_probes_sent += k.indirect_probes_sent;
    sum.nacks_received += k.nacks_received;
    sum.suspicions_raised += k.suspicions_raised;
    sum.suspicions_refuted += k.suspicions_refuted;
    sum.members_failed += k.members_failed;
    sum.probes_failed += k.probes_failed;
    sum.nacks_missed += k.nacks_missed;
  }
  return sum;
}

} // namespace

TEST_CASE("20 nodes joining through one seed form one cluster") {
  sim::cluster c{20, fast(), 1};
  converges(c, 30s);
  CHECK(c.check_invariants() == "");
}

TEST_CASE("a crashed node is detected as failed by all within the suspicion bound") {
  sim::cluster c{30, fast(), 2};
  REQUIRE(converges(c, 30s));
  c.crash(7);
  auto start = c.now();
  // Bound: one probe round to find it (n probe intervals at worst), the maximum
  // suspicion timeout, and some gossip rounds to spread the verdict.
  auto s = fast();
  auto bound =
      s.probe_interval * 30 + s.probe_interval * 4 * 2 * s.suspicion_max_mult + 2s;
  converges(c, bound);
  CHECK(c.now() - start < bound);
  CHECK(c.check_invariants() == "");
}

TEST_CASE("no suspicion and no failure among 20 nodes over 2,000 probe intervals without "
          "loss") {
  auto s = fast();
  sim::cluster c{20, s, 3};
  event_log events{c};
  REQUIRE(converges(c, 30s));
  auto before = total_counters(c);
  c.run_for(2000 * s.probe_interval);
  auto after = total_counters(c);
  // Each node probes one member per probe interval: 2,000 probes each, 40,000 in all
  // (about 105 rounds through its 19 peers).
  CHECK(after.probes_sent - before.probes_sent >= 20 * 1999);
  // Over the whole run, joining included, not just at sampled moments: no probe went
  // unanswered, nobody was suspected (even briefly, then refuted), nobody was failed.
  CHECK(after.probes_failed == 0);
  CHECK(after.suspicions_raised == 0);
  CHECK(after.suspicions_refuted == 0);
  CHECK(after.members_failed == 0);
  CHECK(events.count_to(member_state::suspect) == 0);
  CHECK(events.count_to(member_state::failed) == 0);
  CHECK(events.count_to(member_state::left) == 0);
  CHECK(c.converged());
  CHECK(c.check_invariants() == "");
}

/// The chance that one probe of a live member fails when each datagram is lost with
/// probability `loss`: the direct ping or its ack is lost, and so is one of the four
/// datagrams (ping-req, ping, ack, relayed ack) on the path through every helper.
double probe_failure_chance(double loss, int helpers) {
  auto direct = 1.0 - (1.0 - loss) * (1.0 - loss);
  auto through_helper = 1.0 - std::pow(1.0 - loss, 4);
  return direct * std::pow(through_helper, helpers);
}

/// Runs 25 live nodes under `loss` for `duration` and bounds what the loss may cost.
///
/// Suspicions: a probe fails only if the direct and all `indirect_checks` indirect
/// paths lost a datagram, so failed probes stay near probes * `probe_failure_chance`.
///
/// False failures (distinct member-incarnation pairs any node declared failed; every
/// node is up, so each is false): a suspicion ends that way only if the suspect never
/// hears of it in time to refute. It hears only by gossip (pings to a suspect do not
/// carry the suspicion, as Lifeguard's buddy system would). Each node that holds the
/// suspicion passes it on in at most L = retransmit_limit datagrams to random peers, and
/// sends them within a few gossip intervals, well inside even the shortest suspicion
/// timeout (about 22 gossip intervals here). With 24 nodes sending L copies each, the
/// suspect can expect about L * (1 - loss) of them, and misses all with a chance of about
/// exp(-L * (1 - loss)). Expected false failures: suspicions * exp(-L * (1 - loss)); the
/// test allows three times that, as the copies are not independent (a node's copies leave
/// together). Over seeds 1-10, 41 and 43 the runs below counted 0-1 false failures at 10
/// % (only seed 8 had one), 1-8 at 20 % (expected about 6) and 5-27 at 30 % (expected
/// about 13; seed 43, kept from before, is the 27). Under 10 % loss for two minutes that
/// is below one: no live member may be failed. A broken refutation would fail nearly
/// every suspicion (hundreds to thousands).
///
/// Then the member list must heal once the loss stops.
void refute_under_loss(double loss, uint64_t seed, std::chrono::milliseconds duration) {
  auto s = fast();
  sim::cluster c{25, s, seed};
  REQUIRE(converges(c, 30s));
  event_log events{c};
  auto before = total_counters(c);
  c.loss = loss;
  c.run_for(duration);
  c.loss = 0.0;
  auto after = total_counters(c);
  CHECK(after.suspicions_raised > before.suspicions_raised);
  CHECK(after.suspicions_refuted > before.suspicions_refuted);

  auto probes = static_cast<double>(after.probes_sent - before.probes_sent);
  auto failed_probes = after.probes_failed - before.probes_failed;
  auto probe_bound = 1.25 * probes * probe_failure_chance(loss, s.indirect_checks);
  CHECK(static_cast<double>(failed_probes) <= probe_bound);

  // Whatever was wrongly declared failed under loss heals once the loss stops.
  converges(c, 120s);
  CHECK(c.check_invariants() == "");

  auto suspicions = events.verdicts(member_state::suspect).size();
  auto false_failures = events.verdicts(member_state::failed).size();
  auto copies =
      static_cast<double>(retransmit_limit(s.retransmit_mult, c.size())) * (1.0 - loss);
  auto expected = static_cast<double>(suspicions) * std::exp(-copies);
  auto failure_bound = static_cast<std::size_t>(3.0 * expected);
  CHECK(false_failures <= failure_bound);
  // Traffic stays within half the work budget, however many suspicions the loss causes.
  auto nominal = sim::cluster::nominal_datagrams_per_node_s(s);
  CHECK(c.peak_datagrams_per_node_s() <= 2 * nominal);
  MESSAGE("busiest second: " << c.peak_datagrams_per_node_s() << " datagrams per node ("
                             << nominal << " nominal)");
  MESSAGE((loss * 100) << " % loss: " << failed_probes << " of " << probes
                       << " probes failed (bound " << probe_bound << "), " << suspicions
                       << " suspicions, " << false_failures
                       << " false failures (expected " << expected << ", bound "
                       << failure_bound << ")");
}

TEST_CASE("under 10 percent loss suspected nodes refute and none is declared failed") {
  refute_under_loss(0.1, 41, 120s);
}

TEST_CASE("under 20 percent loss suspected nodes refute and few false failures occur") {
  refute_under_loss(0.2, 4, 600s);
}

TEST_CASE("under 30 percent loss suspected nodes refute and few false failures occur") {
  refute_under_loss(0.3, 43, 600s);
}

TEST_CASE("a write on one node reaches all 50 nodes") {
  sim::cluster c{50, fast(), 5};
  REQUIRE(converges(c, 60s));
  c.write(17, 99);
  settles(
      c, "every node holds 99", [&] { return all_hold(c, 99); }, 5s, 1ms);
  CHECK(c.check_invariants() == "");
}

TEST_CASE("a healed partition converges to one member list and one value") {
  sim::cluster c{20, fast(), 6};
  REQUIRE(converges(c, 30s));
  c.partition(10);
  c.write(3, 1);
  c.write(15, 2);
  c.run_for(
      60s); // far longer than the suspicion timeout: both halves mark the other failed
  CHECK(c.state_in(0, "n15") == member_state::failed);
  c.heal();
  converges(c, 120s);
  // Equal counters: the higher node name wins, and "n3" > "n15".
  settles(
      c, "every node holds 1", [&] { return all_hold(c, 1); }, 60s);
  CHECK(c.check_invariants() == "");
}

TEST_CASE("a one-way partition does not split the cluster for good") {
  sim::cluster c{10, fast(), 7};
  REQUIRE(converges(c, 30s));
  for (std::size_t j = 0; j < c.size(); ++j)
    if (j != 4)
      c.block(4, j);
  c.run_for(30s);
  for (std::size_t j = 0; j < c.size(); ++j)
    c.unblock(4, j);
  converges(c, 120s);
  CHECK(c.check_invariants() == "");
}

TEST_CASE("a graceful leave shows as left everywhere, a restart rejoins alive") {
  sim::cluster c{10, fast(), 8};
  REQUIRE(converges(c, 30s));
  c.leave(3);
  c.run_for(1ms);
  c.crash(3);
  settles(
      c, "every other node lists n3 left",
      [&] { return all_others_hold(c, 3, member_state::left); }, 10s);
  c.restart(3);
  converges(c, 60s);
  CHECK(c.at(3).core->self().incarnation > 1);
  CHECK(c.check_invariants() == "");
}

TEST_CASE("a crashed node restarted before anyone declared it failed is never failed") {
  sim::cluster c{10, fast(), 9};
  REQUIRE(converges(c, 30s));
  event_log events{c};
  c.crash(5);
  SUBCASE("restarted within one probe interval") {
    c.run_for(fast().probe_interval);
  }
  SUBCASE("restarted as soon as a node suspects it") {
    REQUIRE(settles(
        c, "some node suspects n5",
        [&] {
          for (std::size_t i = 0; i < c.size(); ++i)
            if (c.state_in(i, "n5") == member_state::suspect)
              return true;
          return false;
        },
        10s));
  }
  REQUIRE(events.count_to(member_state::failed, "n5") == 0);
  // A fresh core at incarnation 0 that joins through n0 (see cluster::restart).
  c.restart(5);
  REQUIRE(c.at(5).core->self().incarnation == 0);
  converges(c, 30s);
  CHECK(events.count_to(member_state::failed, "n5") == 0);
  // Whoever suspected it at incarnation i made it refute above i; all hold its own
  // incarnation.
  auto incarnation = c.at(5).core->self().incarnation;
  if (auto suspected = events.highest_incarnation(member_state::suspect, "n5"))
    CHECK(incarnation > *suspected);
  for (std::size_t i = 0; i < c.size(); ++i) {
    REQUIRE(c.at(i).core->find("n5") != nullptr);
    CHECK(c.at(i).core->find("n5")->incarnation == incarnation);
  }
  MESSAGE("n5 suspected " << events.count_to(member_state::suspect, "n5")
                          << " times, ends at incarnation " << incarnation);
  CHECK(c.check_invariants() == "");
}

TEST_CASE("a crashed node restarted after all declared it failed rejoins at a higher "
          "incarnation") {
  sim::cluster c{10, fast(), 9};
  REQUIRE(converges(c, 30s));
  c.crash(5);
  REQUIRE(settles(
      c, "every other node lists n5 failed",
      [&] { return all_others_hold(c, 5, member_state::failed); }, 60s));
  uint64_t remembered = 0;
  for (std::size_t i = 0; i < c.size(); ++i)
    if (i != 5)
      remembered = std::max(remembered, c.at(i).core->find("n5")->incarnation);
  c.restart(5);
  REQUIRE(c.at(5).core->self().incarnation == 0);
  converges(c, 60s);
  auto incarnation = c.at(5).core->self().incarnation;
  CHECK(incarnation > remembered);
  for (std::size_t i = 0; i < c.size(); ++i) {
    CHECK(c.state_in(i, "n5") == member_state::alive);
    CHECK(c.at(i).core->find("n5")->incarnation == incarnation);
  }
  CHECK(c.check_invariants() == "");
}

TEST_CASE("with local health on and 5 percent loss a crash is detected by all within the "
          "bound") {
  auto s = fast();
  REQUIRE(s.awareness_max_multiplier > 1);
  std::size_t n = 30;
  sim::cluster c{n, s, 10};
  REQUIRE(converges(c, 30s));
  c.loss = 0.05;
  c.run_for(20s);
  c.crash(11);
  auto start = c.now();
  // Someone probes the crashed node within one round of n probe intervals (even a node
  // in poor health; most are healthy), the suspicion lasts at most the maximum timeout,
  // and the verdict then spreads in a few gossip rounds.
  auto max_suspicion =
      suspicion_timeout(s.suspicion_mult, n, s.probe_interval) * s.suspicion_max_mult;
  auto bound =
      s.probe_interval * static_cast<int>(n) + max_suspicion + 20 * s.gossip_interval;
  settles(
      c, "every other node lists n11 failed",
      [&] { return all_others_hold(c, 11, member_state::failed); }, bound);
  int worst = 0;
  for (std::size_t i = 0; i < n; ++i)
    worst = std::max(worst, c.at(i).core->health_score());
  CHECK(worst < s.awareness_max_multiplier);
  MESSAGE(
      "detected by all after "
      << std::chrono::duration_cast<std::chrono::milliseconds>(c.now() - start).count()
      << " ms, bound " << bound.count() << " ms");
  CHECK(c.check_invariants() == "");
}

TEST_CASE("a node restarted on a new address after it failed rejoins there") {
  sim::cluster c{10, fast(), 12};
  REQUIRE(converges(c, 30s));
  c.crash(6);
  REQUIRE(settles(
      c, "n0 lists n6 failed",
      [&] { return c.state_in(0, "n6") == member_state::failed; }, 60s));
  c.restart_at(6, "10.9.9.9");
  converges(c, 60s);
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
  settles(
      c, "every node holds 7", [&] { return all_hold(c, 7); }, 10s);
  CHECK(c.check_invariants() == "");
}

TEST_CASE("a suspect that no gossip reaches refutes through the suspicion its prober "
          "attaches") {
  sim::cluster c{3, fast(), 21, sim::start_mode::prejoined};
  event_log log{c};
  // Only n0 suspects n2, and the suspicion is not queued for gossip (the actions the
  // core returns are dropped): the one way n2 can learn of it is n0's next ping to it.
  auto n2 = *c.at(0).core->find("n2");
  n2.state = member_state::suspect;
  c.at(0).core->merge_updates({member_update{n2, "n1"}}, c.now());
  REQUIRE(c.state_in(0, "n2") == member_state::suspect);
  // n0 probes each of its two peers once per two probe intervals.
  settles(
      c, "n2 refutes (raises its incarnation)",
      [&] { return c.at(2).core->self().incarnation > n2.incarnation; },
      3 * fast().probe_interval);
  converges(c, 10s);
  CHECK(log.count_to(member_state::failed, "n2") == 0);
  CHECK(c.check_invariants() == "");
}

namespace {

/// What one run of the mixed scenario below produced, to compare runs.
struct run_record {
  uint64_t datagrams = 0;
  uint64_t bytes = 0;
  uint64_t dropped = 0;
  uint64_t push_pulls = 0;
  std::vector<std::string> events;
  std::vector<std::vector<member_info>> tables;
  std::vector<std::size_t> values_seen;
};

/// Joins, loss, writes, a crash, a leave, a restart on a new address, a partition and
/// reaping (reap-after shortened to 20 s), on 12 nodes.
run_record mixed_scenario(sim::gossip_members members) {
  auto s = fast();
  s.reap_after = 20s;
  sim::cluster c{12, s, 31, sim::start_mode::join, members};
  run_record r;
  c.on_event = [&](std::size_t observer, const member_event& e) {
    r.events.push_back(std::to_string(observer) + ":" + e.name + "->" + to_string(e.to)
                       + "@" + std::to_string(e.incarnation));
  };
  c.loss = 0.05;
  REQUIRE(converges(c, 30s));
  c.write(2, 5);
  c.run_for(2s);
  c.crash(4);
  c.leave(7);
  c.run_for(1ms);
  c.crash(7);
  c.run_for(30s); // both failed and left members are reaped
  c.restart_at(4, "10.9.9.9");
  c.partition(6);
  c.write(9, 6);
  c.run_for(10s);
  c.heal();
  c.run_for(30s);
  auto t = c.stats();
  r.datagrams = t.datagrams;
  r.bytes = t.bytes;
  r.dropped = t.dropped;
  r.push_pulls = t.push_pulls;
  for (std::size_t i = 0; i < c.size(); ++i) {
    r.tables.push_back(c.at(i).core->members());
    r.values_seen.push_back(c.at(i).value_seen.size());
  }
  CHECK(c.check_invariants() == "");
  return r;
}

} // namespace

TEST_CASE(
    "a gossip core runs alike on a replica of the member table and on the table itself") {
  // The node keeps a replica fed by the membership core's changes; the simulator reads
  // the table in place to save memory. Every draw of the shared generator happens in the
  // same order only if the replica holds the same members at the same slots throughout
  // (check_invariants compares them slot by slot at the end).
  auto replica = mixed_scenario(sim::gossip_members::replica);
  auto shared = mixed_scenario(sim::gossip_members::shared);
  CHECK(replica.datagrams == shared.datagrams);
  CHECK(replica.bytes == shared.bytes);
  CHECK(replica.dropped == shared.dropped);
  CHECK(replica.push_pulls == shared.push_pulls);
  CHECK(replica.events == shared.events);
  CHECK(replica.tables == shared.tables);
  CHECK(replica.values_seen == shared.values_seen);
  // The scenario did what it is for: members were reaped, and n4 came back.
  CHECK(replica.tables[0].size() == 11);
  MESSAGE(replica.datagrams << " datagrams, " << replica.events.size()
                            << " member events");
}

TEST_CASE("a simulation over its datagram budget stops at once with an overrun") {
  sim::cluster c{10, fast(), 1};
  // Ten nodes joining send far more than one datagram per node per second.
  c.max_datagrams_per_node_s = 1;
  auto start = c.now();
  CHECK_THROWS_AS(c.run_for(60s), sim::overrun);
  CHECK(c.now() - start <= 1s + 5ms);
  // Within the default budget the same start is healthy.
  sim::cluster d{10, fast(), 1};
  CHECK(converges(d, 30s));
}
