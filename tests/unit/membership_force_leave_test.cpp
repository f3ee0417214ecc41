// membership_core::force_leave: an operator's word that a failed member will not
// return (as `serf force-leave`).

#include "actors/core/membership_core.hpp"
#include "tests/unit/swim_test_messages.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace onevalue;
using namespace onevalue::test;
using namespace std::chrono_literals;

namespace {

/// Core n0 with n1 (failed at incarnation 3) and n2 (alive).
struct fixture {
  time_point t0 = time_point{} + std::chrono::hours{1};
  swim_settings settings;
  membership_core core{node_info("n0"), settings, {}, 42, t0};

  fixture() {
    core.merge_updates({member_update{node_info("n1", 3), "n2"},
                        member_update{node_info("n2", 0), "n2"}},
                       t0);
    // Two reports: the first of a member not suspect here is only a suspicion.
    for (int report = 0; report < 2; ++report)
      core.merge_updates({member_update{node_info("n1", 3, member_state::failed), "n2"}},
                         t0);
    REQUIRE(core.find("n1")->state == member_state::failed);
  }

  ~fixture() { CHECK(core.check_invariants() == ""); }
};

bool pings(const swim_actions& out, const std::string& target) {
  return std::any_of(out.sends.begin(), out.sends.end(), [&](const outgoing_message& m) {
    return m.msg.kind == swim_kind::ping && m.msg.target == target;
  });
}

} // namespace

TEST_CASE_FIXTURE(fixture, "a failed member is forced to left at its own incarnation") {
  auto result = core.force_leave("n1", t0 + 1s);
  CHECK(result.status == force_leave_status::left);
  CHECK(core.find("n1")->state == member_state::left);
  CHECK(core.find("n1")->incarnation == 3);
  CHECK(core.counts().failed == 0);
  CHECK(core.counts().left == 1);
  auto& out = result.actions;
  CHECK(out.members_changed);
  REQUIRE(out.broadcasts.size() == 1);
  CHECK(out.broadcasts[0].member == node_info("n1", 3, member_state::left));
  CHECK(out.broadcasts[0].reporter == "n0");
  REQUIRE(out.events.size() == 1);
  CHECK(out.events[0].from == member_state::failed);
  CHECK(out.events[0].to == member_state::left);
  CHECK(out.events[0].reason.find("operator") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture,
                  "the forced leave spreads: a node holding the member failed takes it") {
  membership_core other{node_info("n2"), settings, {}, 7, t0};
  other.merge_updates({member_update{node_info("n1", 3), "n0"}}, t0);
  for (int report = 0; report < 2; ++report)
    other.merge_updates({member_update{node_info("n1", 3, member_state::failed), "n0"}},
                        t0);
  REQUIRE(other.find("n1")->state == member_state::failed);
  auto result = core.force_leave("n1", t0 + 1s);
  auto relayed = other.merge_updates(result.actions.broadcasts, t0 + 1s);
  CHECK(other.find("n1")->state == member_state::left);
  // Passed on, so it reaches the nodes this one gossips to.
  REQUIRE(relayed.broadcasts.size() == 1);
  CHECK(relayed.broadcasts[0].member.state == member_state::left);
  CHECK(other.check_invariants() == "");
}

TEST_CASE_FIXTURE(fixture,
                  "a forced leave does not eject a member that is alive elsewhere") {
  // The receiver holds n1 alive: a relayed left is only a suspicion there, which n1
  // refutes; one message from any node can never eject a live member.
  membership_core other{node_info("n2"), settings, {}, 7, t0};
  other.merge_updates({member_update{node_info("n1", 3), "n0"}}, t0);
  auto result = core.force_leave("n1", t0 + 1s);
  other.merge_updates(result.actions.broadcasts, t0 + 1s);
  CHECK(other.find("n1")->state == member_state::suspect);
  CHECK(other.check_invariants() == "");
}

TEST_CASE_FIXTURE(fixture,
                  "a member forced out while in fact alive refutes and is alive again") {
  membership_core n1{node_info("n1", 3), settings, {}, 9, t0};
  auto result = core.force_leave("n1", t0 + 1s);
  auto refuted = n1.merge_updates(result.actions.broadcasts, t0 + 1s);
  CHECK(n1.self().incarnation == 4);
  REQUIRE_FALSE(refuted.broadcasts.empty());
  core.merge_updates(refuted.broadcasts, t0 + 2s);
  CHECK(core.find("n1")->state == member_state::alive);
  CHECK(core.find("n1")->incarnation == 4);
  CHECK(n1.check_invariants() == "");
}

TEST_CASE_FIXTURE(fixture,
                  "a forced-out member is no longer pinged and is reaped later") {
  core.force_leave("n1", t0 + 1s);
  // Failed members are pinged every failed-probe-interval; left ones are not.
  for (auto t = t0 + 1s; t <= t0 + 4 * settings.failed_probe_interval; t += 100ms)
    CHECK_FALSE(pings(core.tick(t), "n1"));
  core.tick(t0 + 1s + settings.reap_after - 1ms);
  CHECK(core.find("n1"));
  core.tick(t0 + 1s + settings.reap_after);
  CHECK_FALSE(core.find("n1"));
}

TEST_CASE_FIXTURE(fixture, "an alive or suspect member is not forced out") {
  auto alive = core.force_leave("n2", t0 + 1s);
  CHECK(alive.status == force_leave_status::not_failed);
  CHECK(alive.actions.broadcasts.empty());
  CHECK_FALSE(alive.actions.members_changed);
  core.merge_updates({member_update{node_info("n2", 0, member_state::suspect), "n1"}},
                     t0);
  auto suspect = core.force_leave("n2", t0 + 1s);
  CHECK(suspect.status == force_leave_status::not_failed);
  CHECK(core.find("n2")->state == member_state::suspect);
}

TEST_CASE_FIXTURE(fixture, "this node itself and unknown names are refused") {
  auto self = core.force_leave("n0", t0 + 1s);
  CHECK(self.status == force_leave_status::self);
  CHECK(core.self().state == member_state::alive);
  CHECK(self.actions.broadcasts.empty());
  CHECK(core.force_leave("n7", t0 + 1s).status == force_leave_status::unknown);
  CHECK(core.force_leave("", t0 + 1s).status == force_leave_status::unknown);
}

TEST_CASE_FIXTURE(fixture, "forcing out a member that left already changes nothing") {
  core.force_leave("n1", t0 + 1s);
  auto again = core.force_leave("n1", t0 + 2s);
  CHECK(again.status == force_leave_status::already_left);
  CHECK(again.actions.broadcasts.empty());
  CHECK_FALSE(again.actions.members_changed);
}
