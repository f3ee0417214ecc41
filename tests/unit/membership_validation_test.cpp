// What membership_core refuses to believe, even from an authenticated peer (issue 10):
// each rule with its stale, duplicate and extreme (0, 2^64-1) case.

#include "actors/core/membership_core.hpp"
#include "tests/unit/swim_test_messages.hpp"

#include <doctest/doctest.h>

#include <limits>

using namespace onevalue;
using namespace onevalue::test;
using namespace std::chrono_literals;

namespace {

constexpr uint64_t top = std::numeric_limits<uint64_t>::max();

struct fixture {
  time_point t0 = time_point{} + std::chrono::hours{1};
  swim_settings settings;
  membership_core core{node_info("n0"), settings, {}, 42, t0};

  ~fixture() { CHECK(core.check_invariants() == ""); }

  const member_info& at(const std::string& name) {
    auto* m = core.find(name);
    REQUIRE(m);
    return *m;
  }

  void add(const std::string& name, uint64_t inc = 0) {
    core.merge_updates({member_update{node_info(name, inc), "n9"}}, t0);
    REQUIRE(core.find(name));
  }

  swim_actions tell(const std::string& name, uint64_t inc, member_state state,
                    const std::string& reporter) {
    return core.merge_updates({{node_info(name, inc, state), reporter}}, t0);
  }

  static const outgoing_message* find_send(const swim_actions& a, swim_kind kind) {
    for (auto& s : a.sends)
      if (s.msg.kind == kind)
        return &s;
    return nullptr;
  }
};

member_info moved(member_info m, const std::string& address) {
  m.address = address;
  return m;
}

} // namespace

TEST_CASE_FIXTURE(fixture,
                  "a malformed sender is refused and counted, nothing answered") {
  auto bad_name = node_info("n1");
  bad_name.name = "n1\r\nX-Injected: 1";
  auto bad_port = node_info("n1");
  bad_port.cluster_port = 0;
  auto bad_host = moved(node_info("n1"), "evil host");
  auto self_failed = node_info("n1", 0, member_state::failed);
  for (const auto& sender : {bad_name, bad_port, bad_host, self_failed}) {
    auto out = core.handle_message(sender, msg(swim_kind::ping, 1), t0);
    CHECK(out.sends.empty());
    CHECK_FALSE(out.members_changed);
  }
  CHECK(core.counters().members_refused_malformed == 4);
  CHECK(core.member_count() == 1);
}

TEST_CASE_FIXTURE(fixture, "malformed gossiped updates and table entries are refused") {
  auto bad = node_info("n1");
  bad.http_port = 0;
  core.merge_updates({{bad, "n2"}, {node_info("n2"), "bad reporter"}}, t0);
  core.merge_table({moved(node_info("n3"), "10.0.0.999")}, "n4", t0);
  CHECK(core.member_count() == 1);
  CHECK(core.counters().members_refused_malformed == 3);
}

TEST_CASE_FIXTURE(fixture,
                  "incarnations beyond the plausible bound are refused, 0 is fine") {
  add("n1", 0);
  auto out = tell("n1", top, member_state::left, "n1");
  CHECK(at("n1").state == member_state::alive);
  CHECK(out.broadcasts.empty());
  tell("n1", top, member_state::alive, "n1");
  CHECK(at("n1").incarnation == 0);
  // A new member at 2^64-1 is not inserted either.
  tell("n2", top, member_state::alive, "n2");
  CHECK_FALSE(core.find("n2"));
  CHECK(core.counters().incarnations_refused == 3);
  // About this node itself: no refutation above an implausible claim.
  tell("n0", top, member_state::suspect, "n1");
  CHECK(core.self().incarnation == 0);
  CHECK(core.counters().incarnations_refused == 4);
  // Within the free range, any jump is taken.
  tell("n1", incarnation_free_range, member_state::alive, "n1");
  CHECK(at("n1").incarnation == incarnation_free_range);
}

TEST_CASE("a refutation at 2^64-1 does not wrap around to 0; leaving stays at it") {
  auto t0 = time_point{} + std::chrono::hours{1};
  membership_core core{node_info("n0", top), swim_settings{}, {}, 1, t0};
  auto out =
      core.merge_updates({{node_info("n0", top, member_state::suspect), "n1"}}, t0);
  CHECK(core.self().incarnation == top);
  CHECK(core.counters().refutations_exhausted == 1);
  CHECK_FALSE(out.errors.empty());
  core.leave(t0);
  CHECK(core.self().state == member_state::left);
  CHECK(core.self().incarnation == top);
  CHECK(core.check_invariants() == "");
}

TEST_CASE_FIXTURE(fixture, "a left is believed only from the member itself") {
  add("n1", 2);
  auto relayed = tell("n1", 2, member_state::left, "n2");
  // Someone else's word: a suspicion the member can refute, relayed in n2's name.
  CHECK(at("n1").state == member_state::suspect);
  CHECK(core.counters().dead_reports_suspected == 1);
  REQUIRE(relayed.broadcasts.size() == 1);
  CHECK(relayed.broadcasts[0].member.state == member_state::suspect);
  CHECK(relayed.broadcasts[0].reporter == "n2");
  // The member's own word, at a higher incarnation: left, relayed in its own name.
  auto own = tell("n1", 3, member_state::left, "n1");
  CHECK(at("n1").state == member_state::left);
  REQUIRE(own.broadcasts.size() == 1);
  CHECK(own.broadcasts[0].reporter == "n1");
  // Duplicate and stale: nothing.
  CHECK(tell("n1", 3, member_state::left, "n1").broadcasts.empty());
  CHECK(tell("n1", 2, member_state::left, "n1").broadcasts.empty());
}

TEST_CASE_FIXTURE(fixture,
                  "a failed report is a suspicion first, which the member can refute") {
  add("n1", 4);
  tell("n1", 4, member_state::failed, "n2");
  CHECK(at("n1").state == member_state::suspect);
  // The member refutes: alive again, and the old failed report is stale.
  tell("n1", 5, member_state::alive, "n1");
  CHECK(at("n1").state == member_state::alive);
  CHECK(tell("n1", 4, member_state::failed, "n3").broadcasts.empty());
  CHECK(at("n1").state == member_state::alive);
  // Without a refutation, a second report of the same incarnation ends the suspicion.
  tell("n1", 5, member_state::failed, "n2");
  auto second = tell("n1", 5, member_state::failed, "n3");
  CHECK(at("n1").state == member_state::failed);
  CHECK_FALSE(second.broadcasts.empty());
  CHECK(tell("n1", 5, member_state::failed, "n4").broadcasts.empty());
  CHECK(core.counters().dead_reports_suspected == 2);
}

TEST_CASE_FIXTURE(fixture, "a pushed-pulled left is believed only for the peer itself") {
  add("n1");
  add("n2");
  core.merge_table(
      {node_info("n1", 0, member_state::left), node_info("n2", 1, member_state::left)},
      "n2", t0);
  CHECK(at("n1").state == member_state::suspect);
  CHECK(at("n2").state == member_state::left);
}

TEST_CASE_FIXTURE(fixture, "a live member is never moved to another address") {
  add("n1", 1);
  auto out = core.merge_updates({{moved(node_info("n1", 9), "10.9.9.9"), "n1"}}, t0);
  CHECK(at("n1").address == "10.0.0.2");
  CHECK(at("n1").incarnation == 1);
  CHECK(out.broadcasts.empty());
  CHECK(core.counters().address_conflicts == 1);
  CHECK(out.errors.size() == 1);
  // Logged at most once per 10 s, counted every time.
  auto again =
      core.merge_updates({{moved(node_info("n1", 10), "10.9.9.9"), "n1"}}, t0 + 1s);
  CHECK(again.errors.empty());
  CHECK(core.counters().address_conflicts == 2);
  // Suspicions and failures of the name at another address are about someone else.
  tell("n1", 1, member_state::suspect, "n2");
  core.merge_updates(
      {{moved(node_info("n1", 5, member_state::suspect), "10.9.9.9"), "n2"},
       {moved(node_info("n1", 5, member_state::failed), "10.9.9.9"), "n3"}},
      t0);
  CHECK(at("n1").state == member_state::suspect);
  CHECK(at("n1").incarnation == 1);
}

TEST_CASE_FIXTURE(fixture,
                  "past max-members new names are refused, and a ping is not acked") {
  membership_core small{node_info("n0"),
                        [] {
                          swim_settings s;
                          s.max_members = 3;
                          return s;
                        }(),
                        {},
                        1,
                        t0};
  small.merge_updates(
      {{node_info("n1"), "n1"}, {node_info("n2"), "n2"}, {node_info("n3"), "n3"}}, t0);
  CHECK(small.member_count() == 3);
  CHECK_FALSE(small.find("n3"));
  auto out = small.handle_message(node_info("n4"), msg(swim_kind::ping, 3), t0);
  CHECK(out.sends.empty());
  CHECK(small.counters().members_refused_table_full == 2);
  // A known member is still answered.
  CHECK(
      find_send(small.handle_message(node_info("n1"), msg(swim_kind::ping, 4, "n0"), t0),
                swim_kind::ack));
  // Room again once a member is reaped.
  small.merge_updates({{node_info("n2", 1, member_state::left), "n2"}}, t0);
  small.tick(t0 + settings.reap_after);
  CHECK_FALSE(small.find("n2"));
  small.merge_updates({{node_info("n3"), "n3"}}, t0 + settings.reap_after);
  CHECK(small.find("n3"));
  CHECK(small.check_invariants() == "");
}

TEST_CASE_FIXTURE(fixture, "ping-reqs come only from members and go to held addresses") {
  add("n1");
  add("n2");
  // From a stranger, or from a member claiming another address: refused, nothing sent.
  CHECK(core.handle_message(node_info("n5"), msg(swim_kind::ping_req, 1, "n2"), t0)
            .sends.empty());
  CHECK(core.handle_message(moved(node_info("n1"), "192.0.2.1"),
                            msg(swim_kind::ping_req, 2, "n2"), t0)
            .sends.empty());
  CHECK(core.counters().ping_reqs_refused == 2);
  // From a member: the target is probed where this node holds it.
  auto out = core.handle_message(node_info("n1"), msg(swim_kind::ping_req, 3, "n2"), t0);
  auto ping = find_send(out, swim_kind::ping);
  REQUIRE(ping);
  CHECK(ping->to == endpoint{"10.0.0.3", 7946});
  // An ack for that probe from anyone but the target is not relayed.
  auto stray =
      core.handle_message(node_info("n1"), msg(swim_kind::ack, ping->msg.seq), t0 + 1ms);
  CHECK_FALSE(find_send(stray, swim_kind::ack));
  auto relayed =
      core.handle_message(node_info("n2"), msg(swim_kind::ack, ping->msg.seq), t0 + 2ms);
  auto ack = find_send(relayed, swim_kind::ack);
  REQUIRE(ack);
  CHECK(ack->to == endpoint{"10.0.0.2", 7946});
}

TEST_CASE_FIXTURE(fixture,
                  "a ping-req for a member this node does not know is nacked at once") {
  add("n1");
  auto out = core.handle_message(node_info("n1"), msg(swim_kind::ping_req, 8, "n7"), t0);
  REQUIRE(out.sends.size() == 1);
  CHECK(out.sends[0].msg.kind == swim_kind::nack);
  CHECK(out.sends[0].msg.seq == 8);
  CHECK(out.sends[0].to == endpoint{"10.0.0.2", 7946});
}

TEST_CASE_FIXTURE(fixture, "relays are bounded; more ping-reqs are refused") {
  add("n1");
  add("n2");
  std::size_t pings = 0;
  for (uint32_t seq = 0; seq < 300; ++seq)
    if (find_send(
            core.handle_message(node_info("n1"), msg(swim_kind::ping_req, seq, "n2"), t0),
            swim_kind::ping))
      ++pings;
  CHECK(pings == 256);
  CHECK(core.counters().ping_reqs_refused == 44);
  // Relays expire after the ack timeout and make room again.
  core.tick(t0 + settings.ack_timeout);
  CHECK(
      find_send(core.handle_message(node_info("n1"), msg(swim_kind::ping_req, 999, "n2"),
                                    t0 + settings.ack_timeout),
                swim_kind::ping));
}

TEST_CASE_FIXTURE(
    fixture, "a ping from an unknown node is a join: it becomes a member, then acked") {
  auto out = core.handle_message(node_info("n3", 5), msg(swim_kind::ping, 4), t0);
  REQUIRE(core.find("n3"));
  auto ack = find_send(out, swim_kind::ack);
  REQUIRE(ack);
  CHECK(ack->to == endpoint{"10.0.0.4", 7946});
}

TEST_CASE_FIXTURE(fixture,
                  "a failed member that pings from a new address is answered there") {
  add("n1", 3);
  tell("n1", 3, member_state::failed, "n2");
  tell("n1", 3, member_state::failed, "n3");
  REQUIRE(at("n1").state == member_state::failed);
  // A restart with a lost data dir: incarnation 1, below the failed 3.
  auto out = core.handle_message(moved(node_info("n1", 1), "10.9.9.9"),
                                 msg(swim_kind::ping, 5), t0 + 1s);
  auto ack = find_send(out, swim_kind::ack);
  REQUIRE(ack);
  CHECK(ack->to == endpoint{"10.9.9.9", 7946});
  REQUIRE(out.push_pulls.size() == 1);
  CHECK(out.push_pulls[0] == endpoint{"10.9.9.9", 7946});
  CHECK(at("n1").state == member_state::failed);
  // Its refutation brings it back, there.
  core.merge_updates({{moved(node_info("n1", 4), "10.9.9.9"), "n1"}}, t0 + 2s);
  CHECK(at("n1").state == member_state::alive);
  CHECK(at("n1").address == "10.9.9.9");
}
