// Lifeguard local health awareness in membership_core: what raises and lowers the
// health score, and how it stretches this node's own probing.

#include "actors/core/membership_core.hpp"
#include "tests/unit/swim_test_messages.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using namespace onevalue::test;
using namespace std::chrono_literals;

namespace {

/// A core with `peers` members n1..n{peers}, and helpers to run one probe.
struct health_fixture {
  time_point t0 = time_point{} + std::chrono::hours{1};
  swim_settings settings;
  membership_core core{node_info("n0"), settings, {}, 7, t0};
  time_point t = t0;
  /// A probe a tick started while the helpers below looked at something else.
  std::optional<outgoing_message> started;

  ~health_fixture() { CHECK(core.check_invariants() == ""); }

  void add_peers(int peers) {
    for (int i = 1; i <= peers; ++i)
      core.merge_updates({member_update{node_info("n" + std::to_string(i)), "n9"}}, t0);
  }

  static std::vector<outgoing_message> sends_of(const swim_actions& a, swim_kind kind) {
    std::vector<outgoing_message> result;
    for (auto& s : a.sends)
      if (s.msg.kind == kind)
        result.push_back(s);
    return result;
  }

  /// Advances to the next probe and returns its ping.
  outgoing_message next_probe() {
    if (started) {
      auto ping = *started;
      started.reset();
      return ping;
    }
    t = core.next_deadline();
    for (int i = 0; i < 100; ++i) {
      auto pings = sends_of(core.tick(t), swim_kind::ping);
      if (!pings.empty())
        return pings.front();
      t = core.next_deadline();
    }
    FAIL("no probe was sent");
    return {};
  }

  /// The member n1..n8 that `to` addresses (node_info gives each its own address).
  static member_info member_at(const endpoint& to) {
    for (int i = 1; i <= 8; ++i) {
      auto info = node_info("n" + std::to_string(i));
      if (endpoint{info.address, info.cluster_port} == to)
        return info;
    }
    FAIL("no member at " << to.host);
    return {};
  }

  /// Runs one probe that gets no ack; `nacks` helpers answer with a nack.
  void failed_probe(std::size_t nacks) {
    auto ping = next_probe();
    auto interval = core.scaled_probe_interval();
    auto ack_wait = core.scaled_ack_timeout();
    auto start = t;
    t = start + ack_wait;
    auto reqs = sends_of(core.tick(t), swim_kind::ping_req);
    for (std::size_t i = 0; i < nacks && i < reqs.size(); ++i)
      core.handle_message(member_at(reqs[i].to),
                          msg(swim_kind::nack, ping.msg.seq, ping.msg.target), t + 1ms);
    t = start + interval;
    remember_probe(core.tick(t));
    // The target refutes, so that it stays a probe target for the next round.
    auto inc = core.find(ping.msg.target)->incarnation + 1;
    core.merge_updates({{node_info(ping.msg.target, inc), ping.msg.target}}, t);
  }

  /// Keeps a probe that `out` started, for the next `next_probe`.
  void remember_probe(const swim_actions& out) {
    auto pings = sends_of(out, swim_kind::ping);
    if (!pings.empty())
      started = pings.front();
  }

  /// Runs one probe that is acked directly.
  void good_probe() {
    auto ping = next_probe();
    core.handle_message(node_info(ping.msg.target), msg(swim_kind::ack, ping.msg.seq),
                        t + 1ms);
  }
};

} // namespace

TEST_CASE_FIXTURE(health_fixture, "a healthy node probes at the base interval") {
  add_peers(4);
  CHECK(core.health_score() == 0);
  CHECK(core.scaled_probe_interval() == settings.probe_interval);
  CHECK(core.scaled_ack_timeout() == settings.ack_timeout);
}

TEST_CASE_FIXTURE(health_fixture,
                  "a probe without helpers and without an ack raises health by one") {
  add_peers(1);
  failed_probe(0);
  CHECK(core.health_score() == 1);
  CHECK(core.scaled_probe_interval() == 2 * settings.probe_interval);
  CHECK(core.scaled_ack_timeout() == 2 * settings.ack_timeout);
  CHECK(core.counters().probes_failed == 1);
}

TEST_CASE_FIXTURE(health_fixture,
                  "each helper nack that did not come raises health by one") {
  add_peers(5);
  failed_probe(1); // 3 helpers asked, 1 nack: 2 missing
  CHECK(core.health_score() == 2);
  CHECK(core.counters().nacks_missed == 2);
}

TEST_CASE_FIXTURE(health_fixture,
                  "a failed probe with every nack back leaves health alone") {
  add_peers(5);
  failed_probe(3);
  CHECK(core.health_score() == 0);
  CHECK(core.counters().nacks_received == 3);
}

TEST_CASE_FIXTURE(
    health_fixture,
    "a nack counts once per helper asked: stale, duplicate or stray ones do not") {
  add_peers(5);
  auto ping = next_probe();
  auto start = t;
  t = start + core.scaled_ack_timeout();
  auto reqs = sends_of(core.tick(t), swim_kind::ping_req);
  REQUIRE(reqs.size() == 3);
  auto helper = member_at(reqs[0].to);
  // A nack for another probe, from a helper of this one.
  core.handle_message(helper, msg(swim_kind::nack, ping.msg.seq + 1000), t);
  // The same helper nacks five times: one nack.
  for (int i = 0; i < 5; ++i)
    core.handle_message(helper, msg(swim_kind::nack, ping.msg.seq), t);
  // A member that was not asked (the target itself) nacks: nothing.
  core.handle_message(member_at(ping.to), msg(swim_kind::nack, ping.msg.seq), t);
  t = start + core.scaled_probe_interval();
  remember_probe(core.tick(t));
  // Two of the three helpers stayed silent: +2, as memberlist's awareness would count.
  CHECK(core.counters().nacks_missed == 2);
  CHECK(core.health_score() == 2);
}

TEST_CASE_FIXTURE(health_fixture,
                  "a successful probe lowers health by one, not below zero") {
  add_peers(1);
  failed_probe(0);
  failed_probe(0);
  CHECK(core.health_score() == 2);
  good_probe();
  CHECK(core.health_score() == 1);
  good_probe();
  good_probe();
  CHECK(core.health_score() == 0);
}

TEST_CASE_FIXTURE(health_fixture, "refuting a suspicion about ourselves raises health") {
  add_peers(2);
  core.merge_updates({{node_info("n0", 0, member_state::suspect), "n1"}}, t0);
  CHECK(core.health_score() == 1);
  // The same (now stale) rumour again is no new refutation.
  core.merge_updates({{node_info("n0", 0, member_state::suspect), "n2"}}, t0);
  CHECK(core.health_score() == 1);
}

TEST_CASE_FIXTURE(health_fixture,
                  "health is capped at awareness-max-multiplier minus one") {
  add_peers(1);
  for (int i = 0; i < 12; ++i)
    failed_probe(0);
  CHECK(core.health_score() == settings.awareness_max_multiplier - 1);
  CHECK(core.scaled_probe_interval()
        == settings.probe_interval * settings.awareness_max_multiplier);
}

TEST_CASE("awareness-max-multiplier 1 turns local health off") {
  auto t0 = time_point{} + std::chrono::hours{1};
  swim_settings s;
  s.awareness_max_multiplier = 1;
  membership_core core{node_info("n0"), s, {}, 7, t0};
  core.merge_updates({{node_info("n0", 0, member_state::suspect), "n1"}}, t0);
  CHECK(core.health_score() == 0);
  CHECK(core.scaled_probe_interval() == s.probe_interval);
}

TEST_CASE_FIXTURE(health_fixture,
                  "a node in poor health waits longer before asking helpers") {
  add_peers(5);
  failed_probe(0); // 3 helpers, no nacks: +3
  REQUIRE(core.health_score() == 3);
  auto ping = next_probe();
  auto start = t;
  // At the base ack timeout nothing happens yet; at 4x it asks helpers.
  CHECK(sends_of(core.tick(start + settings.ack_timeout), swim_kind::ping_req).empty());
  CHECK(sends_of(core.tick(start + 4 * settings.ack_timeout), swim_kind::ping_req).size()
        == 3);
  core.handle_message(node_info(ping.msg.target), msg(swim_kind::ack, ping.msg.seq),
                      start + 4 * settings.ack_timeout + 1ms);
  CHECK(core.health_score() == 2);
}
