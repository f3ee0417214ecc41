// The gossip core on its own: push rules, bursts, retransmit limits, packet filling,
// the gossip tick, push-pull order, received datagrams and member changes.

#include "actors/core/gossip_core.hpp"

#include "actors/core/swim_formulas.hpp"
#include "actors/core/value_push.hpp"
#include "actors/core/wire_size.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

using namespace onevalue;
using namespace std::chrono_literals;

namespace {

const time_point t0 = time_point{} + std::chrono::hours{1};

/// Member "n`i`" at 10.1.x.y:7946 (distinct for any i below 62,500).
member_info peer(std::size_t i, member_state state = member_state::alive,
                 uint64_t incarnation = 0) {
  return member_info{"n" + std::to_string(i),
                     "10.1." + std::to_string(i / 250) + "."
                         + std::to_string(i % 250 + 1),
                     7946,
                     8080,
                     state,
                     incarnation};
}

/// A gossip core for n0 whose replica holds `live` live peers n1..n{live} and `dead`
/// failed ones after them.
struct fixture {
  swim_settings settings;
  std::mt19937_64 rng{7};
  std::unique_ptr<gossip_core> core;

  explicit fixture(std::size_t live = 0, std::size_t dead = 0, swim_settings s = {})
      : settings(s) {
    core = std::make_unique<gossip_core>(peer(0), settings, rng, t0);
    for (std::size_t i = 1; i <= live + dead; ++i)
      change(peer(i, i <= live ? member_state::alive : member_state::failed));
  }

  void change(member_info m) { core->apply({member_delta{std::move(m), false}}); }
  void forget(std::size_t i) { core->apply({member_delta{peer(i), true}}); }

  /// Names of the live members, from the replica.
  std::set<std::string> live_names() const {
    std::set<std::string> result;
    for (auto& m : core->members())
      if (m.name != "n0" && is_live(m.state))
        result.insert(m.name);
    return result;
  }
};

/// The member whose address `to` is, looked up in `core`'s table.
std::string name_at(const gossip_core& core, const endpoint& to) {
  for (auto& m : core.members())
    if (m.address == to.host && m.cluster_port == to.port)
      return m.name;
  return "?";
}

std::set<std::string> destinations(const gossip_core& core, const gossip_actions& a) {
  std::set<std::string> result;
  for (auto& d : a.datagrams)
    result.insert(name_at(core, d.to));
  return result;
}

versioned_value value_by(const std::string& node, uint64_t counter, int64_t value = 1) {
  return versioned_value{value, version{counter, node}};
}

member_update update_about(member_info m, const std::string& reporter = "n0") {
  return member_update{std::move(m), reporter};
}

} // namespace

TEST_CASE("a value is pushed at once to all, to none or to gossip-nodes by cluster size "
          "and writer") {
  struct row {
    std::size_t live;
    std::size_t dead;
    bool written_here;
    std::size_t pushes;
  };
  auto k = static_cast<std::size_t>(swim_settings{}.gossip_nodes);
  for (auto r :
       {row{0, 0, true, 0}, row{1, 0, true, 1}, row{9, 3, true, 9},
        row{push_to_all_limit, 2, true, push_to_all_limit},
        row{push_to_all_limit + 1, 0, true, k}, row{9, 0, false, 0},
        row{push_to_all_limit, 0, false, 0}, row{push_to_all_limit + 1, 0, false, k},
        row{1000, 10, false, k}, row{2, 5, false, 0}}) {
    CAPTURE(r.live);
    CAPTURE(r.dead);
    CAPTURE(r.written_here);
    fixture f{r.live, r.dead};
    auto accepted = f.core->value_accepted(value_by(r.written_here ? "n0" : "n1", 5));
    REQUIRE(accepted.flush);
    CHECK(accepted.datagrams.empty());
    auto pushed = f.core->flush();
    CHECK(pushed.datagrams.size() == r.pushes);
    auto to = destinations(*f.core, pushed);
    CHECK(to.size() == r.pushes); // distinct members
    auto live = f.live_names();
    for (auto& name : to)
      CHECK(live.count(name) == 1); // live peers only, never self or a failed member
    for (auto& d : pushed.datagrams) {
      CHECK(d.p.sender.name == "n0");
      REQUIRE(d.p.values.size() == 1);
      CHECK(d.p.values[0].ver.counter == 5);
      CHECK(d.p.members.empty());
    }
  }
}

TEST_CASE("a member update is pushed at once to gossip-nodes members, this node's leave "
          "to all") {
  struct row {
    member_info about;
    std::size_t live;
    std::size_t pushes;
  };
  auto left_self = peer(0, member_state::left, 1);
  for (auto r : {row{peer(1, member_state::suspect), 10, 3},
                 row{peer(1, member_state::failed), 2, 2}, row{peer(1), 0, 0},
                 row{left_self, 10, 10}, row{left_self, 100, 100},
                 row{peer(0, member_state::alive, 3), 10, 3}}) {
    CAPTURE(r.about.name);
    auto state = std::string{to_string(r.about.state)};
    CAPTURE(state);
    CAPTURE(r.live);
    fixture f{r.live};
    auto out = f.core->broadcast(update_about(r.about));
    CHECK(out.datagrams.size() == r.pushes);
    CHECK(destinations(*f.core, out).size() == r.pushes);
    for (auto& d : out.datagrams) {
      REQUIRE(d.p.members.size() == 1);
      CHECK(d.p.members[0].member == r.about);
    }
  }
}

TEST_CASE("a burst of accepted values becomes one push of the latest") {
  fixture f{5};
  CHECK(f.core->value_accepted(value_by("n0", 1)).flush);
  CHECK_FALSE(f.core->value_accepted(value_by("n0", 2)).flush);
  CHECK_FALSE(f.core->value_accepted(value_by("n0", 3, 42)).flush);
  // Not newer: ignored, and asks for nothing.
  auto stale = f.core->value_accepted(value_by("n0", 2));
  CHECK_FALSE(stale.flush);
  CHECK(f.core->latest().ver.counter == 3);
  auto pushed = f.core->flush();
  REQUIRE(pushed.datagrams.size() == 5);
  for (auto& d : pushed.datagrams) {
    REQUIRE(d.p.values.size() == 1);
    CHECK(d.p.values[0].value == 42);
  }
  // The queue holds only the latest value for gossip.
  CHECK(f.core->queued() == 1);
  // After the flush, the next accepted value asks for a flush again.
  CHECK(f.core->value_accepted(value_by("n0", 4)).flush);
}

TEST_CASE("a queued item is sent retransmit-limit times, pushes included, then dropped") {
  struct row {
    std::size_t live;
    int mult;
  };
  for (auto r : {row{1, 4}, row{9, 4}, row{9, 2}, row{99, 4}, row{200, 1}}) {
    CAPTURE(r.live);
    CAPTURE(r.mult);
    swim_settings s;
    s.retransmit_mult = r.mult;
    fixture f{r.live, 0, s};
    auto limit = retransmit_limit(r.mult, r.live + 1);
    std::size_t carried = 0;
    auto count = [&](const gossip_actions& a) {
      for (auto& d : a.datagrams)
        carried += static_cast<std::size_t>(
            std::count_if(d.p.members.begin(), d.p.members.end(),
                          [](const member_update& u) { return u.member.name == "n1"; }));
    };
    count(f.core->broadcast(update_about(peer(1, member_state::suspect))));
    auto t = t0;
    for (int i = 0; i < 100 && f.core->queued() > 0; ++i) {
      t = f.core->next_deadline();
      count(f.core->tick(t));
    }
    CHECK(f.core->queued() == 0);
    CHECK(carried == limit);
    // Nothing left to gossip: later ticks send nothing.
    CHECK(f.core->tick(f.core->next_deadline()).datagrams.empty());
  }
}

TEST_CASE("a packet carries as many queued items as fit within max-packet-bytes") {
  struct row {
    std::size_t max_packet_bytes;
    std::size_t queued;
  };
  for (auto r : {row{1400, 0}, row{1400, 5}, row{1400, 60}, row{200, 10}, row{120, 3}}) {
    CAPTURE(r.max_packet_bytes);
    CAPTURE(r.queued);
    swim_settings s;
    s.max_packet_bytes = r.max_packet_bytes;
    s.retransmit_mult = 100;
    fixture f{100, 0, s};
    for (std::size_t i = 1; i <= r.queued; ++i)
      f.core->broadcast(update_about(peer(i, member_state::suspect)));
    swim_message ping;
    ping.kind = swim_kind::ping;
    ping.seq = 9;
    ping.target = "n1";
    auto out = f.core->send(endpoint{"10.1.0.2", 7946}, ping, {});
    REQUIRE(out.datagrams.size() == 1);
    auto& p = out.datagrams[0].p;
    CHECK(p.swim.kind == swim_kind::ping);
    CHECK(p.swim.seq == 9);
    CHECK(wire_size(p) <= r.max_packet_bytes);
    // Whatever stayed behind would not have fit.
    std::set<std::string> carried;
    for (auto& u : p.members)
      carried.insert(u.member.name);
    CHECK(carried.size() == p.members.size());
    for (std::size_t i = 1; i <= r.queued; ++i) {
      auto u = update_about(peer(i, member_state::suspect));
      if (carried.count(u.member.name) == 0)
        CHECK(wire_size(p) + wire_size(u) > r.max_packet_bytes);
    }
    if (r.queued > 0 && r.max_packet_bytes >= 200)
      CHECK_FALSE(p.members.empty());
  }
}

TEST_CASE("a SWIM message carries its attached updates ahead of queued ones") {
  fixture f{5};
  f.core->broadcast(update_about(peer(2, member_state::suspect)));
  auto attached = update_about(peer(3, member_state::suspect), "n0");
  swim_message ping;
  ping.kind = swim_kind::ping;
  auto out = f.core->send(endpoint{"10.1.0.4", 7946}, ping, {attached});
  REQUIRE(out.datagrams.size() == 1);
  auto& members = out.datagrams[0].p.members;
  REQUIRE(members.size() == 2);
  CHECK(members[0].member.name == "n3");
  CHECK(members[1].member.name == "n2");
}

TEST_CASE(
    "the gossip tick comes every gossip interval and sends only a non-empty queue") {
  swim_settings s;
  // 10 peers, limit ceil(log10(12)) = 2: a queued value goes out in one tick.
  s.retransmit_mult = 1;
  fixture f{10, 0, s};
  auto interval = f.settings.gossip_interval;
  auto first = f.core->next_deadline();
  // The first tick at a random point of the first interval.
  CHECK(first >= t0);
  CHECK(first <= t0 + interval);
  struct row {
    std::chrono::milliseconds after_deadline;
    bool queue_a_value;
    std::size_t datagrams;
  };
  uint64_t counter = 0;
  for (auto r : {row{-1ms, true, 0}, row{0ms, false, 3}, row{0ms, false, 0},
                 row{7ms, true, 3}, row{0ms, false, 0}}) {
    CAPTURE(r.after_deadline.count());
    CAPTURE(r.queue_a_value);
    if (r.queue_a_value) // queued for gossip; its immediate push (flush) is not asked for
      f.core->value_accepted(value_by("n0", ++counter));
    auto deadline = f.core->next_deadline();
    auto now = deadline + r.after_deadline;
    auto out = f.core->tick(now);
    CHECK(out.datagrams.size() == r.datagrams);
    if (now < deadline)
      CHECK(f.core->next_deadline() == deadline); // too early: nothing moves
    else
      CHECK(f.core->next_deadline() == now + interval);
  }
}

TEST_CASE(
    "member changes decide the targets: join, fail, suspect, leave, rejoin, forget") {
  fixture f;
  struct row {
    std::vector<member_delta> changes;
    std::set<std::string> targets;
  };
  std::vector<row> rows{
      {{{peer(1)}, {peer(2)}, {peer(3)}}, {"n1", "n2", "n3"}},
      {{{peer(2, member_state::failed)}}, {"n1", "n3"}},
      {{{peer(3, member_state::suspect)}}, {"n1", "n3"}},
      {{{peer(1, member_state::left, 1)}}, {"n3"}},
      {{{peer(2, member_state::alive, 2)}}, {"n2", "n3"}},
      {{{peer(1, member_state::left, 1), true}}, {"n2", "n3"}},
      {{{peer(3, member_state::failed)}, {peer(2, member_state::failed, 2)}}, {}},
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CAPTURE(i);
    f.core->apply(rows[i].changes);
    CHECK(f.live_names() == rows[i].targets);
    CHECK(f.core->live_peer_count() == rows[i].targets.size());
    // A written value goes to every live member (a small cluster).
    f.core->value_accepted(value_by("n0", i + 1));
    CHECK(destinations(*f.core, f.core->flush()) == rows[i].targets);
  }
  CHECK(f.core->table().check() == "");
}

TEST_CASE("a member that rejoins on a new address is sent to there") {
  fixture f{3};
  auto moved = peer(2, member_state::alive, 4);
  moved.address = "10.9.9.9";
  f.change(moved);
  f.core->value_accepted(value_by("n0", 1));
  std::set<std::string> hosts;
  for (auto& d : f.core->flush().datagrams)
    hosts.insert(d.to.host);
  CHECK(hosts == std::set<std::string>{"10.1.0.2", "10.9.9.9", "10.1.0.4"});
}

TEST_CASE("datagrams carry this node's identity as the latest change made it") {
  fixture f{2};
  f.change(peer(0, member_state::alive, 3));
  swim_message ack;
  ack.kind = swim_kind::ack;
  auto out = f.core->send(endpoint{"10.1.0.2", 7946}, ack, {});
  REQUIRE(out.datagrams.size() == 1);
  CHECK(out.datagrams[0].p.sender == peer(0, member_state::alive, 3));
  // A change that would forget this node is ignored: it stays in its own table.
  f.forget(0);
  CHECK(f.core->self().name == "n0");
}

TEST_CASE("a received datagram goes to membership and newer values to the store") {
  fixture f{3};
  f.core->value_accepted(value_by("n2", 5));
  f.core->flush();
  packet p;
  p.sender = peer(1);
  p.swim.kind = swim_kind::ping;
  p.swim.seq = 3;
  p.members.push_back(update_about(peer(2, member_state::suspect), "n1"));
  p.values = {value_by("n1", 4), value_by("n1", 6), value_by("n2", 5)};
  auto out = f.core->receive(p);
  REQUIRE(out.swim);
  CHECK(out.swim->sender == peer(1));
  CHECK(out.swim->msg.seq == 3);
  REQUIRE(out.member_updates.size() == 1);
  CHECK(out.member_updates[0].member.name == "n2");
  REQUIRE(out.values.size() == 1);
  CHECK(out.values[0].value.ver.counter == 6);
  CHECK(out.values[0].from == "n1");
  CHECK(out.datagrams.empty());

  SUBCASE("gossip only: no SWIM message for membership") {
    packet q;
    q.sender = peer(3);
    CHECK_FALSE(f.core->receive(q).swim);
  }
  SUBCASE("this node's own datagram is ignored") {
    p.sender = peer(0);
    auto own = f.core->receive(p);
    CHECK_FALSE(own.swim);
    CHECK(own.member_updates.empty());
    CHECK(own.values.empty());
  }
}

TEST_CASE(
    "push-pulls start one at a time, each peer waits once, at most the limit wait") {
  fixture f{3};
  auto ep = [](std::size_t i) { return endpoint{"10.2.0." + std::to_string(i), 7946}; };
  auto first = f.core->request_push_pull(ep(1));
  REQUIRE(first.push_pulls.size() == 1);
  CHECK(first.push_pulls[0] == ep(1));
  // While one connects, the others wait, each once.
  CHECK(f.core->request_push_pull(ep(2)).push_pulls.empty());
  CHECK(f.core->request_push_pull(ep(2)).push_pulls.empty());
  for (std::size_t i = 3; i < 3 + 2 * gossip_core::push_pull_queue_limit; ++i)
    CHECK(f.core->request_push_pull(ep(i)).push_pulls.empty());
  std::vector<endpoint> started;
  for (;;) {
    auto next = f.core->push_pull_connected();
    if (next.push_pulls.empty())
      break;
    REQUIRE(next.push_pulls.size() == 1);
    started.push_back(next.push_pulls[0]);
  }
  REQUIRE(started.size() == gossip_core::push_pull_queue_limit);
  CHECK(started[0] == ep(2));
  CHECK(started[1] == ep(3));
  CHECK(started.back() == ep(2 + gossip_core::push_pull_queue_limit - 1));
}

TEST_CASE("target choice in a table of 10,000 members takes a few random draws") {
  fixture f{10000, 100};
  CHECK(f.core->live_peer_count() == 10000);
  f.core->broadcast(update_about(peer(5, member_state::suspect)));
  // A tick picks slots at random until three distinct live ones came up: a few draws
  // of the generator, not a shuffle of 10,000 members (one draw each).
  auto before = f.rng;
  auto out = f.core->tick(f.core->next_deadline());
  CHECK(destinations(*f.core, out).size() == 3);
  std::size_t draws = 0;
  while (before != f.rng && draws < 100000) {
    before();
    ++draws;
  }
  CHECK(draws >= 3);
  CHECK(draws < 30);
}
