#include "actors/core/membership_core.hpp"
#include "tests/unit/swim_test_messages.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

using namespace onevalue;
using namespace onevalue::test;
using namespace std::chrono_literals;

namespace {

endpoint endpoint_of_name(const std::string& name) {
  auto info = node_info(name);
  return endpoint{info.address, info.cluster_port};
}

struct fixture {
  time_point t0 = time_point{} + std::chrono::hours{1};
  swim_settings settings;
  membership_core core{node_info("n0"), settings, {}, 42, t0};

  ~fixture() { CHECK(core.check_invariants() == ""); }

  std::optional<member_info> find(const std::string& name) const {
    for (auto& m : core.members())
      if (m.name == name)
        return m;
    return std::nullopt;
  }

  void add(const std::string& name, uint64_t inc = 0) {
    core.merge_updates({member_update{node_info(name, inc), "n9"}}, t0);
  }

  /// Adds n1..n5: with this node, a table of 6 (3 expected confirmations).
  void add_five_peers() {
    for (auto name : {"n1", "n2", "n3", "n4", "n5"})
      add(name);
  }

  /// Makes `name` failed at `inc`: a `failed` report about a member held alive is only a
  /// suspicion, a second report (from another member) while it is suspect ends it.
  void declare_failed(const std::string& name, uint64_t inc) {
    core.merge_updates({{node_info(name, inc, member_state::failed), "n2"}}, t0);
    REQUIRE(find(name)->state == member_state::suspect);
    core.merge_updates({{node_info(name, inc, member_state::failed), "n3"}}, t0);
    REQUIRE(find(name)->state == member_state::failed);
  }

  /// `reporter`'s word that n1 is suspect at incarnation 0, merged at t0.
  swim_actions n1_suspected_by(const std::string& reporter) {
    return core.merge_updates({{node_info("n1", 0, member_state::suspect), reporter}},
                              t0);
  }

  const outgoing_message* find_send(const swim_actions& a, swim_kind kind) {
    for (auto& s : a.sends)
      if (s.msg.kind == kind)
        return &s;
    return nullptr;
  }
};

} // namespace

TEST_CASE_FIXTURE(fixture, "a node without seeds is joined and alone") {
  CHECK(core.joined());
  REQUIRE(core.members().size() == 1);
  CHECK(core.self().state == member_state::alive);
}

TEST_CASE_FIXTURE(fixture, "a ping is answered with an ack and adds the sender") {
  auto out = core.handle_message(node_info("n1"), msg(swim_kind::ping, 7, "n0"), t0);
  auto ack = find_send(out, swim_kind::ack);
  REQUIRE(ack);
  CHECK(ack->msg.seq == 7);
  CHECK(ack->to == endpoint{"10.0.0.2", 7946});
  CHECK(find("n1")->state == member_state::alive);
  CHECK(out.members_changed);
}

TEST_CASE_FIXTURE(fixture, "a ping addressed to another name is ignored") {
  auto out =
      core.handle_message(node_info("n1"), msg(swim_kind::ping, 7, "old-owner"), t0);
  CHECK(out.sends.empty());
  CHECK_FALSE(find("n1"));
}

TEST_CASE("a joining node pings its seeds until one answers, then pulls state") {
  auto t0 = time_point{} + std::chrono::hours{1};
  swim_settings s;
  membership_core core{node_info("n1"), s, {endpoint{"10.0.0.1", 7946}}, 1, t0};
  CHECK_FALSE(core.joined());
  auto first = core.tick(t0);
  REQUIRE(first.sends.size() == 1);
  CHECK(first.sends[0].msg.kind == swim_kind::ping);
  CHECK(first.sends[0].msg.target.empty());
  CHECK(core.tick(t0 + 500ms).sends.empty());
  auto retry = core.tick(t0 + s.join_retry_interval);
  REQUIRE(retry.sends.size() == 1);
  CHECK_FALSE(retry.notes.empty());
  auto answer =
      core.handle_message(node_info("n0"), msg(swim_kind::ack, retry.sends[0].msg.seq),
                          t0 + s.join_retry_interval + 1ms);
  CHECK(core.joined());
  REQUIRE(answer.push_pulls.size() == 1);
  CHECK(answer.push_pulls[0] == endpoint{"10.0.0.1", 7946});
  CHECK(core.check_invariants() == "");
}

TEST_CASE_FIXTURE(fixture, "a silent member is probed, then indirectly, then suspected") {
  add("n1");
  add("n2");
  auto probe = core.tick(t0 + settings.probe_interval);
  auto ping = find_send(probe, swim_kind::ping);
  REQUIRE(ping);
  auto target = ping->msg.target;
  auto helper = target == "n1" ? "n2" : "n1";
  auto indirect = core.tick(t0 + settings.probe_interval + settings.ack_timeout);
  auto req = find_send(indirect, swim_kind::ping_req);
  REQUIRE(req);
  CHECK(req->msg.target == target);
  CHECK(req->to == endpoint_of_name(helper));
  auto expire = core.tick(t0 + 2 * settings.probe_interval);
  CHECK(find(target)->state == member_state::suspect);
  REQUIRE_FALSE(expire.broadcasts.empty());
  CHECK(expire.broadcasts[0].member.state == member_state::suspect);
  CHECK(core.counters().suspicions_raised == 1);
}

TEST_CASE("indirect probes ask alive members only, never a suspect one") {
  auto t0 = time_point{} + std::chrono::hours{1};
  swim_settings settings;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    CAPTURE(seed);
    membership_core core{node_info("n0"), settings, {}, seed, t0};
    for (auto name : {"n1", "n2", "n3", "n4", "n5", "n6"})
      core.merge_updates({member_update{node_info(name), "n9"}}, t0);
    for (auto name : {"n1", "n2"})
      core.merge_updates({member_update{node_info(name, 0, member_state::suspect), "n9"}},
                         t0);
    auto probe = core.tick(t0 + settings.probe_interval);
    const outgoing_message* ping = nullptr;
    for (auto& send : probe.sends)
      if (send.msg.kind == swim_kind::ping)
        ping = &send;
    REQUIRE(ping);
    auto target = ping->msg.target;
    auto indirect = core.tick(t0 + settings.probe_interval + settings.ack_timeout);
    std::set<std::string> helpers;
    for (auto& send : indirect.sends) {
      if (send.msg.kind != swim_kind::ping_req)
        continue;
      CHECK(send.msg.target == target);
      for (auto name : {"n1", "n2", "n3", "n4", "n5", "n6"})
        if (send.to == endpoint_of_name(name))
          helpers.insert(name);
    }
    CAPTURE(target);
    CHECK(helpers.count("n1") == 0);
    CHECK(helpers.count("n2") == 0);
    CHECK(helpers.count(target) == 0);
    // Four alive members, less the target if it is one of them: 3 helpers either way.
    CHECK(helpers.size() == 3);
    CHECK(core.check_invariants() == "");
  }
}

TEST_CASE_FIXTURE(fixture,
                  "a ping to a suspect member carries the suspicion, others carry none") {
  add("n1");
  add("n2");
  core.merge_updates({member_update{node_info("n1", 3, member_state::suspect), "n9"}},
                     t0);
  REQUIRE(find("n1")->state == member_state::suspect);
  std::map<std::string, std::vector<member_update>> attached;
  for (auto t = t0; t <= t0 + 3 * settings.probe_interval; t += 100ms) {
    for (auto& send : core.tick(t).sends) {
      if (send.msg.kind != swim_kind::ping)
        continue;
      attached.emplace(send.msg.target, send.attached);
      core.handle_message(node_info(send.msg.target), msg(swim_kind::ack, send.msg.seq),
                          t);
    }
  }
  REQUIRE(attached.count("n1") == 1);
  REQUIRE(attached.count("n2") == 1);
  REQUIRE(attached["n1"].size() == 1);
  CHECK(attached["n1"][0].member.name == "n1");
  CHECK(attached["n1"][0].member.state == member_state::suspect);
  CHECK(attached["n1"][0].member.incarnation == 3);
  CHECK(attached["n2"].empty());
}

TEST_CASE_FIXTURE(fixture,
                  "an ack relayed by a helper ends the probe without suspicion") {
  add("n1");
  auto probe = core.tick(t0 + settings.probe_interval);
  auto ping = find_send(probe, swim_kind::ping);
  REQUIRE(ping);
  core.tick(t0 + settings.probe_interval + settings.ack_timeout);
  core.handle_message(node_info("n2"), msg(swim_kind::ack, ping->msg.seq),
                      t0 + settings.probe_interval + settings.ack_timeout + 10ms);
  core.tick(t0 + 2 * settings.probe_interval);
  CHECK(find("n1")->state == member_state::alive);
}

TEST_CASE_FIXTURE(fixture,
                  "a helper relays the target's ack to the requester, or a nack") {
  add("n1");
  add("n2");
  swim_message req = msg(swim_kind::ping_req, 99, "n2");
  auto out = core.handle_message(node_info("n1"), req, t0);
  auto ping = find_send(out, swim_kind::ping);
  REQUIRE(ping);
  CHECK(ping->to == endpoint{"10.0.0.3", 7946});
  auto relayed =
      core.handle_message(node_info("n2"), msg(swim_kind::ack, ping->msg.seq), t0 + 5ms);
  auto ack = find_send(relayed, swim_kind::ack);
  REQUIRE(ack);
  CHECK(ack->msg.seq == 99);
  CHECK(ack->to == endpoint{"10.0.0.2", 7946});

  auto again = core.handle_message(node_info("n1"), req, t0 + 1s);
  auto nack = core.tick(t0 + 1s + settings.ack_timeout);
  auto n = find_send(nack, swim_kind::nack);
  REQUIRE(n);
  CHECK(n->msg.seq == 99);
  CHECK(find_send(again, swim_kind::ping));
}

TEST_CASE_FIXTURE(fixture, "suspicion expires into failed unless refuted") {
  add("n1", 3);
  core.merge_updates({{node_info("n1", 3, member_state::suspect), "n2"}}, t0);
  CHECK(find("n1")->state == member_state::suspect);
  auto deadline = core.next_deadline();
  CHECK(deadline > t0);
  core.tick(t0 + 60s);
  CHECK(find("n1")->state == member_state::failed);
  CHECK(find("n1")->incarnation == 3);
}

TEST_CASE_FIXTURE(fixture, "an alive with a higher incarnation refutes a suspicion") {
  add("n1", 3);
  core.merge_updates({{node_info("n1", 3, member_state::suspect), "n2"}}, t0);
  core.merge_updates({{node_info("n1", 4), "n1"}}, t0 + 1s);
  CHECK(find("n1")->state == member_state::alive);
  core.tick(t0 + 60s);
  CHECK(find("n1")->state != member_state::failed);
}

TEST_CASE_FIXTURE(fixture, "stale and duplicate updates change nothing") {
  add("n1", 5);
  auto stale = core.merge_updates({{node_info("n1", 4, member_state::suspect), "n2"},
                                   {node_info("n1", 4, member_state::failed), "n2"},
                                   {node_info("n1", 2), "n2"}},
                                  t0);
  CHECK(find("n1")->state == member_state::alive);
  CHECK(stale.broadcasts.empty());
  auto dup = core.merge_updates({{node_info("n1", 5), "n2"}}, t0);
  CHECK(dup.broadcasts.empty());
  CHECK_FALSE(dup.members_changed);
  declare_failed("n1", 5);
  auto dup_failed =
      core.merge_updates({{node_info("n1", 5, member_state::failed), "n4"}}, t0);
  CHECK(dup_failed.broadcasts.empty());
}

TEST_CASE_FIXTURE(fixture,
                  "a node that hears it is suspected refutes with a higher incarnation") {
  auto out = core.merge_updates({{node_info("n0", 0, member_state::suspect), "n1"}}, t0);
  CHECK(core.self().incarnation == 1);
  CHECK(core.self().state == member_state::alive);
  REQUIRE(out.broadcasts.size() == 1);
  CHECK(out.broadcasts[0].member.state == member_state::alive);
  CHECK(out.broadcasts[0].member.incarnation == 1);
  auto stale = core.merge_updates({{node_info("n0", 0, member_state::failed), "n2"}}, t0);
  CHECK(stale.broadcasts.empty());
  CHECK(core.counters().suspicions_refuted == 1);
}

TEST_CASE_FIXTURE(fixture,
                  "a restarted node rises above its own old failed incarnation") {
  auto out = core.merge_table(
      {node_info("n0", 7, member_state::failed), node_info("n1", 2)}, "n1", t0);
  CHECK(core.self().incarnation == 8);
  CHECK(find("n1")->state == member_state::alive);
  REQUIRE_FALSE(out.broadcasts.empty());
}

TEST_CASE_FIXTURE(fixture, "left is final for its incarnation and beats failed") {
  add("n1", 2);
  core.merge_updates({{node_info("n1", 3, member_state::left), "n1"}}, t0);
  CHECK(find("n1")->state == member_state::left);
  core.merge_updates({{node_info("n1", 3, member_state::failed), "n2"}}, t0);
  CHECK(find("n1")->state == member_state::left);
  core.merge_updates({{node_info("n1", 3), "n2"}}, t0);
  CHECK(find("n1")->state == member_state::left);
  core.merge_updates({{node_info("n1", 4), "n1"}}, t0);
  CHECK(find("n1")->state == member_state::alive);
}

TEST_CASE_FIXTURE(fixture, "a failed member that returns on a new address is accepted") {
  add("n1", 2);
  declare_failed("n1", 2);
  auto moved = node_info("n1", 3);
  moved.address = "10.9.9.9";
  core.merge_updates({{moved, "n1"}}, t0 + 1s);
  CHECK(find("n1")->state == member_state::alive);
  CHECK(find("n1")->address == "10.9.9.9");
}

TEST_CASE_FIXTURE(fixture,
                  "leave raises the incarnation, broadcasts left and stops probing") {
  add("n1");
  auto out = core.leave(t0);
  CHECK(core.self().state == member_state::left);
  CHECK(core.self().incarnation == 1);
  REQUIRE(out.broadcasts.size() == 1);
  CHECK(out.broadcasts[0].member.state == member_state::left);
  CHECK(core.tick(t0 + 10s).sends.empty());
  auto suspect =
      core.merge_updates({{node_info("n0", 1, member_state::suspect), "n1"}}, t0);
  CHECK(suspect.broadcasts.empty());
}

TEST_CASE_FIXTURE(fixture, "failed and left members are reaped after reap-after") {
  add("n1", 1);
  declare_failed("n1", 1);
  core.tick(t0 + settings.reap_after - 1ms);
  CHECK(find("n1"));
  auto out = core.tick(t0 + settings.reap_after);
  CHECK_FALSE(find("n1"));
  CHECK(out.members_changed);
}

TEST_CASE_FIXTURE(fixture,
                  "each failed member is reaped at its own deadline, not the earliest") {
  add("n1", 1);
  add("n2", 1);
  auto half = settings.reap_after / 2;
  // A failed report first raises a suspicion; a second reporter's makes it failed.
  auto fail = [&](const std::string& name, time_point at) {
    for (auto reporter : {"n3", "n4"})
      core.merge_updates({{node_info(name, 1, member_state::failed), reporter}}, at);
    REQUIRE(find(name)->state == member_state::failed);
  };
  fail("n1", t0);
  core.tick(t0 + half);
  fail("n2", t0 + half);
  // n1's deadline passed: the reap runs, and must keep n2, failed only half as long.
  core.tick(t0 + settings.reap_after);
  CHECK_FALSE(find("n1"));
  REQUIRE(find("n2"));
  CHECK(find("n2")->state == member_state::failed);
  core.tick(t0 + half + settings.reap_after - 1ms);
  CHECK(find("n2"));
  core.tick(t0 + half + settings.reap_after);
  CHECK_FALSE(find("n2"));
}

TEST_CASE_FIXTURE(fixture, "independent confirmations shorten a suspicion") {
  add_five_peers();
  // n = 6: the minimum timeout is 4 s, the maximum 24 s, 3 confirmations reach the
  // minimum. n2 accuses n1 (not a confirmation); n3, n4 and n5 confirm.
  for (auto reporter : {"n2", "n3", "n4", "n5"})
    n1_suspected_by(reporter);
  core.merge_updates({{node_info("n5", 0, member_state::suspect), "n2"}}, t0);
  auto again = n1_suspected_by("n4");
  CHECK(again.broadcasts.empty());
  core.tick(t0 + 4s);
  CHECK(find("n1")->state == member_state::failed);
  // n5 has only its accuser: the full 24 s.
  core.tick(t0 + 24s - 1ms);
  CHECK(find("n5")->state == member_state::suspect);
  core.tick(t0 + 24s);
  CHECK(find("n5")->state == member_state::failed);
}

TEST_CASE_FIXTURE(fixture,
                  "a relayed suspicion keeps its accuser and never confirms itself") {
  add_five_peers();
  auto first = n1_suspected_by("n2");
  REQUIRE(first.broadcasts.size() == 1);
  CHECK(first.broadcasts[0].reporter == "n2");
  // The same accusation arriving again through other relays changes nothing, and the
  // suspect cannot confirm its own suspicion.
  for (auto reporter : {"n2", "n2", "n1"}) {
    auto out = n1_suspected_by(reporter);
    CHECK(out.broadcasts.empty());
  }
  core.tick(t0 + 24s - 1ms);
  CHECK(find("n1")->state == member_state::suspect);
  core.tick(t0 + 24s);
  CHECK(find("n1")->state == member_state::failed);
}

TEST_CASE_FIXTURE(fixture,
                  "this node's own suspicion confirms another's and is passed on") {
  add_five_peers();
  n1_suspected_by("n2");
  auto own = n1_suspected_by("n0");
  REQUIRE(own.broadcasts.size() == 1);
  CHECK(own.broadcasts[0].reporter == "n0");
}

TEST_CASE_FIXTURE(fixture,
                  "confirmations beyond the expected number are not re-broadcast") {
  add_five_peers();
  // n = 6 with 3 indirect checks: the accuser n2, then 3 confirmations bring the timeout
  // to its minimum; a fourth (this node's own) is neither counted nor passed on.
  for (auto reporter : {"n2", "n3", "n4", "n5"}) {
    auto out = n1_suspected_by(reporter);
    CHECK(out.broadcasts.size() == 1);
  }
  auto fourth = n1_suspected_by("n0");
  CHECK(fourth.broadcasts.empty());
  core.tick(t0 + 4s - 1ms);
  CHECK(find("n1")->state == member_state::suspect);
  core.tick(t0 + 4s);
  CHECK(find("n1")->state == member_state::failed);
}

TEST_CASE_FIXTURE(fixture, "probes go round-robin: every member once per round") {
  for (auto name : {"n1", "n2", "n3", "n4"})
    add(name);
  std::vector<std::string> probed;
  auto t = t0;
  for (int round = 0; round < 4; ++round) {
    t += settings.probe_interval;
    auto out = core.tick(t);
    auto ping = find_send(out, swim_kind::ping);
    REQUIRE(ping);
    probed.push_back(ping->msg.target);
    core.handle_message(node_info(ping->msg.target), msg(swim_kind::ack, ping->msg.seq),
                        t);
  }
  std::sort(probed.begin(), probed.end());
  CHECK(probed == std::vector<std::string>{"n1", "n2", "n3", "n4"});
}

TEST_CASE("reaping a member mid-round keeps every other member in the probe round") {
  auto t0 = time_point{} + std::chrono::hours{1};
  swim_settings settings;
  settings.reap_after = 1500ms;
  membership_core core{node_info("n0"), settings, {}, 42, t0};
  for (auto name : {"n1", "n2", "n3", "n4", "n5", "n6"})
    core.merge_updates({member_update{node_info(name), "n9"}}, t0);
  std::vector<std::string> probed;
  auto t = t0;
  auto probe_once = [&] {
    t += settings.probe_interval;
    for (auto& s : core.tick(t).sends)
      if (s.msg.kind == swim_kind::ping) {
        probed.push_back(s.msg.target);
        core.handle_message(node_info(s.msg.target), msg(swim_kind::ack, s.msg.seq), t);
      }
  };
  probe_once();
  // Fail a member not probed yet; it is reaped two ticks later, which moves the last
  // member of the table into its slot while the round is under way.
  std::string gone = probed[0] == "n1" ? "n2" : "n1";
  // Reported failed by two members: the first report is a suspicion, the second ends it.
  core.merge_updates({{node_info(gone, 0, member_state::failed), "n9"}}, t);
  core.merge_updates({{node_info(gone, 0, member_state::failed), "n8"}}, t);
  for (int i = 0; i < 4; ++i)
    probe_once();
  CHECK(core.find(gone) == nullptr);
  std::sort(probed.begin(), probed.end());
  std::vector<std::string> expected;
  for (auto name : {"n1", "n2", "n3", "n4", "n5", "n6"})
    if (name != gone)
      expected.emplace_back(name);
  CHECK(probed == expected);
  CHECK(core.check_invariants() == "");
}

TEST_CASE_FIXTURE(fixture, "a duplicate ping is acked again and changes nothing else") {
  auto first = core.handle_message(node_info("n1", 2), msg(swim_kind::ping, 5, "n0"), t0);
  CHECK(first.members_changed);
  auto again =
      core.handle_message(node_info("n1", 2), msg(swim_kind::ping, 5, "n0"), t0 + 1ms);
  REQUIRE(find_send(again, swim_kind::ack));
  CHECK(find_send(again, swim_kind::ack)->msg.seq == 5);
  CHECK(again.broadcasts.empty());
  CHECK_FALSE(again.members_changed);
}

TEST_CASE_FIXTURE(fixture,
                  "a ping from a stale incarnation of its sender changes nothing") {
  add("n1", 4);
  auto out = core.handle_message(node_info("n1", 2), msg(swim_kind::ping, 6, "n0"), t0);
  CHECK(find_send(out, swim_kind::ack));
  CHECK(find("n1")->incarnation == 4);
  CHECK(out.broadcasts.empty());
  CHECK_FALSE(out.members_changed);
}

TEST_CASE_FIXTURE(fixture,
                  "an ack with an unknown seq or a second ack ends nothing twice") {
  add("n1");
  add("n2");
  auto probe = core.tick(t0 + settings.probe_interval);
  auto ping = find_send(probe, swim_kind::ping);
  REQUIRE(ping);
  auto stray =
      core.handle_message(node_info(ping->msg.target),
                          msg(swim_kind::ack, ping->msg.seq + 77), t0 + 1s + 1ms);
  CHECK(stray.sends.empty());
  CHECK(stray.push_pulls.empty());
  // The probe is still pending: a stray ack did not end it.
  auto indirect = core.tick(t0 + settings.probe_interval + settings.ack_timeout);
  CHECK(find_send(indirect, swim_kind::ping_req));
  core.handle_message(node_info(ping->msg.target), msg(swim_kind::ack, ping->msg.seq),
                      t0 + 1s + 600ms);
  auto dup = core.handle_message(node_info(ping->msg.target),
                                 msg(swim_kind::ack, ping->msg.seq), t0 + 1s + 601ms);
  CHECK(dup.sends.empty());
  CHECK(core.health_score() == 0);
  CHECK(core.counters().acks_received == 3);
}

TEST_CASE_FIXTURE(fixture,
                  "a duplicate ping-req is probed again; a late ack is relayed once") {
  add("n1");
  add("n2");
  swim_message req = msg(swim_kind::ping_req, 11, "n2");
  auto a = core.handle_message(node_info("n1"), req, t0);
  auto b = core.handle_message(node_info("n1"), req, t0 + 1ms);
  auto ping_a = find_send(a, swim_kind::ping);
  auto ping_b = find_send(b, swim_kind::ping);
  REQUIRE(ping_a);
  REQUIRE(ping_b);
  CHECK(ping_a->msg.seq != ping_b->msg.seq);
  auto relayed = core.handle_message(node_info("n2"),
                                     msg(swim_kind::ack, ping_a->msg.seq), t0 + 2ms);
  CHECK(find_send(relayed, swim_kind::ack));
  auto again = core.handle_message(node_info("n2"), msg(swim_kind::ack, ping_a->msg.seq),
                                   t0 + 3ms);
  CHECK_FALSE(find_send(again, swim_kind::ack));
}

TEST_CASE_FIXTURE(
    fixture, "a helper nacks at 80 percent of its ack timeout, then relays a late ack") {
  add("n1");
  add("n2");
  swim_message req = msg(swim_kind::ping_req, 12, "n2");
  auto out = core.handle_message(node_info("n1"), req, t0);
  auto ping = find_send(out, swim_kind::ping);
  REQUIRE(ping);
  CHECK_FALSE(
      find_send(core.tick(t0 + settings.ack_timeout * 4 / 5 - 1ms), swim_kind::nack));
  CHECK(find_send(core.tick(t0 + settings.ack_timeout * 4 / 5), swim_kind::nack));
  CHECK_FALSE(find_send(core.tick(t0 + settings.ack_timeout * 9 / 10), swim_kind::nack));
  auto late = core.handle_message(node_info("n2"), msg(swim_kind::ack, ping->msg.seq),
                                  t0 + settings.ack_timeout * 9 / 10);
  CHECK(find_send(late, swim_kind::ack));
}

TEST_CASE_FIXTURE(
    fixture, "a pushed-pulled table with stale and duplicate entries changes nothing") {
  add("n1", 3);
  add("n2", 1);
  auto out = core.merge_table(
      {node_info("n1", 2, member_state::failed), node_info("n2", 1), node_info("n0", 0)},
      "n2", t0);
  CHECK(out.broadcasts.empty());
  CHECK_FALSE(out.members_changed);
  CHECK(find("n1")->state == member_state::alive);
  CHECK(core.self().incarnation == 0);
}

TEST_CASE_FIXTURE(
    fixture, "a stale suspicion or a duplicate left about a member changes nothing") {
  add("n1", 3);
  core.merge_updates({{node_info("n1", 3, member_state::left), "n1"}}, t0);
  auto dup = core.merge_updates({{node_info("n1", 3, member_state::left), "n2"}}, t0);
  CHECK(dup.broadcasts.empty());
  auto stale =
      core.merge_updates({{node_info("n1", 2, member_state::suspect), "n2"}}, t0);
  CHECK(stale.broadcasts.empty());
  CHECK(find("n1")->state == member_state::left);
}

TEST_CASE_FIXTURE(fixture,
                  "a suspicion about an older incarnation of ourselves is not refuted") {
  core.merge_updates({{node_info("n0", 0, member_state::suspect), "n1"}}, t0);
  REQUIRE(core.self().incarnation == 1);
  auto stale =
      core.merge_updates({{node_info("n0", 0, member_state::suspect), "n2"}}, t0);
  CHECK(stale.broadcasts.empty());
  CHECK(core.self().incarnation == 1);
  CHECK(core.counters().suspicions_refuted == 1);
}

TEST_CASE_FIXTURE(fixture, "members are counted by state") {
  add("n1");
  add("n2");
  add("n3");
  core.merge_updates({{node_info("n2", 0, member_state::suspect), "n1"},
                      {node_info("n3", 1, member_state::left), "n3"}},
                     t0);
  auto c = core.counts();
  CHECK(c.alive == 2);
  CHECK(c.suspect == 1);
  CHECK(c.failed == 0);
  CHECK(c.left == 1);
}

namespace {

std::string describe(const std::vector<long>& values) {
  std::string out;
  for (auto v : values)
    out += std::to_string(v) + " ";
  return out;
}

/// Runs `core` for `duration` in 100 ms steps with one live peer, n1, that acks every
/// probe; returns when (ms after `t0`) the core asked for a push-pull.
std::vector<long> push_pull_times(membership_core& core, time_point t0,
                                  std::chrono::seconds duration) {
  std::vector<long> times;
  for (auto t = t0; t <= t0 + duration; t += std::chrono::milliseconds{100}) {
    auto out = core.tick(t);
    if (!out.push_pulls.empty())
      times.push_back(
          std::chrono::duration_cast<std::chrono::milliseconds>(t - t0).count());
    for (auto& send : out.sends)
      if (send.msg.kind == swim_kind::ping)
        core.handle_message(node_info("n1"), msg(swim_kind::ack, send.msg.seq), t);
  }
  return times;
}

} // namespace

TEST_CASE_FIXTURE(
    fixture, "a new node exchanges tables at 2, 6, 14 s, then every push-pull-interval") {
  add("n1");
  auto times = push_pull_times(core, t0, std::chrono::seconds{61});
  CAPTURE(describe(times));
  CHECK(times == std::vector<long>{2000, 6000, 14000, 30000, 60000});
}

TEST_CASE(
    "a preloaded core exchanges once per push-pull interval, first at a random offset") {
  auto t0 = time_point{} + std::chrono::hours{1};
  swim_settings settings;
  std::set<long> first_exchanges;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    membership_core core{node_info("n0"), settings, {}, seed, t0};
    core.preload({node_info("n1")}, t0);
    auto times = push_pull_times(core, t0, std::chrono::seconds{91});
    CAPTURE(seed);
    CAPTURE(describe(times));
    REQUIRE(times.size() == 3);
    CHECK(times[0] > 0);
    CHECK(times[0] <= 30000);
    // Then every 30 s, give or take the 100 ms step of the driver.
    CHECK(std::abs(times[1] - times[0] - 30000) <= 100);
    CHECK(std::abs(times[2] - times[1] - 30000) <= 100);
    first_exchanges.insert(times[0]);
    CHECK(core.check_invariants() == "");
  }
  // Cores that start together do not exchange in lockstep.
  CHECK(first_exchanges.size() >= 6);
}

TEST_CASE(
    "above 32 members the push-pull interval stretches with log2 of the cluster size") {
  auto t0 = time_point{} + std::chrono::hours{1};
  swim_settings settings;
  struct row {
    std::size_t peers;
    long interval_ms;
  };
  for (auto r : {row{1, 30000}, row{31, 30000}, row{32, 60000}, row{99, 90000}}) {
    CAPTURE(r.peers);
    membership_core core{node_info("n0"), settings, {}, 7, t0};
    std::vector<member_info> table;
    // nK at 10.0.0.(K+1), as node_info has it: the driver's acks come from there, and
    // a live member is never moved to another address.
    for (std::size_t i = 1; i <= r.peers; ++i)
      table.push_back(member_info{"n" + std::to_string(i),
                                  "10.0." + std::to_string((i + 1) / 256) + "."
                                      + std::to_string((i + 1) % 256),
                                  7946, 8080, member_state::alive, 0});
    core.preload(table, t0);
    CHECK(core.push_pull_interval().count() == r.interval_ms);
    auto times =
        push_pull_times(core, t0, std::chrono::seconds{2 * r.interval_ms / 1000 + 1});
    CAPTURE(describe(times));
    REQUIRE(times.size() == 2);
    CHECK(std::abs(times[1] - times[0] - r.interval_ms) <= 100);
  }
}

TEST_CASE("the catch-up exchanges start when a node joins, not when it starts") {
  auto t0 = time_point{} + std::chrono::hours{1};
  swim_settings s;
  membership_core core{node_info("n1"), s, {endpoint{"10.0.0.1", 7946}}, 1, t0};
  std::vector<long> exchanges_ms;
  uint32_t last_join_ping = 0;
  for (auto t = t0; t <= t0 + 40s; t += 100ms) {
    auto out = core.tick(t);
    if (!out.push_pulls.empty())
      exchanges_ms.push_back(
          std::chrono::duration_cast<std::chrono::milliseconds>(t - t0).count());
    for (auto& send : out.sends) {
      if (send.msg.kind != swim_kind::ping)
        continue;
      if (send.msg.target.empty())
        last_join_ping = send.msg.seq; // the seed stays silent until 20 s
      else
        core.handle_message(node_info("n0"), msg(swim_kind::ack, send.msg.seq), t);
    }
    if (t == t0 + 20s) {
      auto joined =
          core.handle_message(node_info("n0"), msg(swim_kind::ack, last_join_ping), t);
      CHECK(joined.push_pulls.size() == 1); // the exchange at join itself
    }
  }
  CHECK(core.joined());
  CAPTURE(describe(exchanges_ms));
  CHECK(exchanges_ms == std::vector<long>{22000, 26000, 34000});
  CHECK(core.check_invariants() == "");
}

TEST_CASE_FIXTURE(
    fixture, "a failed probe of a member someone else suspects confirms it in our name") {
  add_five_peers();
  n1_suspected_by("n2");
  bool confirmed = false;
  for (auto t = t0; t <= t0 + 10s && !confirmed; t += 100ms) {
    auto out = core.tick(t);
    for (auto& b : out.broadcasts)
      if (b.member.name == "n1" && b.reporter == "n0")
        confirmed = true;
    // Everyone but n1 answers; nobody relays an ack for n1.
    for (auto& send : out.sends)
      if (send.msg.kind == swim_kind::ping && send.msg.target != "n1")
        core.handle_message(node_info(send.msg.target), msg(swim_kind::ack, send.msg.seq),
                            t);
  }
  CHECK(confirmed);
  CHECK(find("n1")->state == member_state::suspect);
}
