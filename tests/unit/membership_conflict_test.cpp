// Name conflicts (issue 17): a second node started with a copied config (same name,
// another address) stops with a clear message; the node that holds the name keeps it;
// nobody refutes in a loop.

#include "actors/core/membership_core.hpp"
#include "tests/unit/swim_test_messages.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using namespace onevalue::test;
using namespace std::chrono_literals;

namespace {

const time_point t0 = time_point{} + std::chrono::hours{1};

/// n1 as a newcomer with the established n1's name, on another host.
member_info newcomer_n1(uint64_t inc = 1) {
  auto m = node_info("n1", inc);
  m.address = "10.0.9.9";
  return m;
}

const outgoing_message* find_send(const swim_actions& a, swim_kind kind) {
  for (auto& s : a.sends)
    if (s.msg.kind == kind)
      return &s;
  return nullptr;
}

/// The established cluster's view at node n0: n1 and n2 alive.
membership_core third_party() {
  membership_core core{node_info("n0"), swim_settings{}, {}, 7, t0};
  core.merge_updates({{node_info("n1", 3), "n1"}, {node_info("n2"), "n2"}}, t0);
  return core;
}

/// A newcomer named n1 joining through n0.
membership_core newcomer() {
  return membership_core{
      newcomer_n1(), swim_settings{}, {endpoint{"10.0.0.1", 7946}}, 9, t0};
}

} // namespace

TEST_CASE("a member answers a ping from a newcomer using a live member's name with a "
          "conflict ack") {
  auto s = third_party();
  auto out = s.handle_message(newcomer_n1(), msg(swim_kind::ping, 11), t0);
  auto ack = find_send(out, swim_kind::ack);
  REQUIRE(ack);
  CHECK(ack->to == endpoint{"10.0.9.9", 7946});
  CHECK(ack->msg.seq == 11);
  CHECK(ack->msg.conflict_address == "10.0.0.2");
  CHECK(ack->msg.conflict_port == 7946);
  CHECK(s.find("n1")->address == "10.0.0.2");
  CHECK(s.find("n1")->incarnation == 3);
  CHECK(out.push_pulls.empty());
  CHECK(out.broadcasts.empty());
  CHECK(s.counters().address_conflicts == 1);
  CHECK(out.errors.size() == 1);
  // At most one conflict ack per probe interval (it goes to an address from the
  // datagram).
  CHECK(
      s.handle_message(newcomer_n1(), msg(swim_kind::ping, 12), t0 + 1ms).sends.empty());
  CHECK(find_send(s.handle_message(newcomer_n1(), msg(swim_kind::ping, 13), t0 + 1s),
                  swim_kind::ack));
  CHECK(s.check_invariants() == "");
}

TEST_CASE("a newcomer told its name is taken stops, naming both addresses") {
  auto d = newcomer();
  CHECK_FALSE(d.established());
  auto join = d.tick(t0);
  REQUIRE(join.sends.size() == 1);
  auto s = third_party();
  auto answer = s.handle_message(d.self(), join.sends[0].msg, t0 + 1ms);
  auto ack = find_send(answer, swim_kind::ack);
  REQUIRE(ack);
  auto out = d.handle_message(s.self(), ack->msg, t0 + 2ms);
  REQUIRE(out.conflict);
  CHECK(out.conflict->ours == endpoint{"10.0.9.9", 7946});
  CHECK(out.conflict->theirs == endpoint{"10.0.0.2", 7946});
  CHECK(out.conflict->message.find("10.0.0.2:7946") != std::string::npos);
  CHECK(out.conflict->message.find("10.0.9.9:7946") != std::string::npos);
  CHECK(out.conflict->message.find("onevalue.name") != std::string::npos);
  REQUIRE(d.stopped());
  CHECK_FALSE(d.joined());
  // Stopped: nothing more, no leave (a `left` in this name would eject the holder).
  CHECK(d.tick(t0 + 10s).sends.empty());
  CHECK(d.next_deadline() == time_point::max());
  CHECK(d.leave(t0 + 10s).broadcasts.empty());
  CHECK(d.handle_message(node_info("n2"), msg(swim_kind::ping, 1, "n1"), t0 + 10s)
            .sends.empty());
  CHECK(d.merge_updates({{node_info("n0", 0, member_state::suspect), "n2"}}, t0 + 10s)
            .broadcasts.empty());
  CHECK(d.self().incarnation == 1);
  CHECK(d.check_invariants() == "");
}

TEST_CASE("a conflict ack that answers no ping of ours is ignored") {
  auto d = newcomer();
  swim_message forged = msg(swim_kind::ack, 4242);
  forged.conflict_address = "10.0.0.2";
  forged.conflict_port = 7946;
  auto out = d.handle_message(node_info("n0"), forged, t0);
  CHECK_FALSE(out.conflict);
  CHECK_FALSE(d.stopped());
}

TEST_CASE("a newcomer that hears its name alive elsewhere by gossip stops too") {
  auto d = newcomer();
  auto out = d.merge_updates({{node_info("n1", 3), "n0"}}, t0);
  REQUIRE(out.conflict);
  CHECK(out.conflict->theirs == endpoint{"10.0.0.2", 7946});
  CHECK(d.self().incarnation == 1);
}

TEST_CASE("an established node keeps its name, logs the conflict and does not refute") {
  // n1, established: n0 probed it by name.
  membership_core e{
      node_info("n1", 3), swim_settings{}, {endpoint{"10.0.0.1", 7946}}, 5, t0};
  e.handle_message(node_info("n0"), msg(swim_kind::ping, 1, "n1"), t0);
  REQUIRE(e.established());
  auto out = e.merge_updates({{newcomer_n1(50), "n2"}}, t0 + 1s);
  CHECK_FALSE(out.conflict);
  CHECK_FALSE(e.stopped());
  CHECK(out.errors.size() == 1);
  CHECK(e.self().incarnation == 3);
  CHECK(out.broadcasts.empty());
  // A ping from the newcomer: answered with a conflict ack naming this node.
  auto answer = e.handle_message(newcomer_n1(), msg(swim_kind::ping, 8), t0 + 20s);
  auto ack = find_send(answer, swim_kind::ack);
  REQUIRE(ack);
  CHECK(ack->to == endpoint{"10.0.9.9", 7946});
  CHECK(ack->msg.conflict_address == "10.0.0.2");
  CHECK(e.self().incarnation == 3);
  CHECK(e.check_invariants() == "");
}

TEST_CASE("a node alone by configuration is established from the start") {
  membership_core alone{node_info("n1"), swim_settings{}, {}, 1, t0};
  CHECK(alone.established());
  auto out = alone.handle_message(newcomer_n1(), msg(swim_kind::ping, 2), t0);
  CHECK_FALSE(out.conflict);
  REQUIRE(find_send(out, swim_kind::ack));
  CHECK(find_send(out, swim_kind::ack)->msg.conflict_port == 7946);
}

TEST_CASE("two nodes with one name: the newcomer stops, no refutation loop") {
  // E (n1, established), S (n0, holds E), D (n1 again, joins through S and E).
  membership_core s = third_party();
  membership_core e{
      node_info("n1", 3), swim_settings{}, {endpoint{"10.0.0.1", 7946}}, 5, t0};
  e.handle_message(s.self(), msg(swim_kind::ping, 1, "n1"), t0);
  membership_core d{newcomer_n1(),
                    swim_settings{},
                    {endpoint{"10.0.0.1", 7946}, endpoint{"10.0.0.2", 7946}},
                    9,
                    t0};
  // Deliver every datagram at once, for 10 simulated seconds.
  struct node_ref {
    membership_core* core;
  };
  std::vector<node_ref> nodes{{&s}, {&e}, {&d}};
  auto deliver = [&](membership_core& from, const swim_actions& out, time_point now,
                     auto& self_ref) -> void {
    for (auto& send : out.sends)
      for (auto& n : nodes)
        if (n.core != &from && n.core->self().address == send.to.host
            && n.core->self().cluster_port == send.to.port) {
          auto reply = n.core->handle_message(from.self(), send.msg, now);
          if (!send.attached.empty())
            n.core->merge_updates(send.attached, now);
          self_ref(*n.core, reply, now, self_ref);
        }
  };
  bool stopped_seen = false;
  for (auto now = t0; now < t0 + 10s; now += 100ms)
    for (auto& n : nodes) {
      auto out = n.core->tick(now);
      deliver(*n.core, out, now, deliver);
      stopped_seen = stopped_seen || d.stopped();
    }
  CHECK(stopped_seen);
  CHECK_FALSE(e.stopped());
  CHECK(e.self().incarnation == 3);
  CHECK(s.find("n1")->address == "10.0.0.2");
  CHECK(s.find("n1")->state == member_state::alive);
  CHECK(d.self().incarnation <= 2);
  CHECK(e.check_invariants() == "");
  CHECK(s.check_invariants() == "");
  CHECK(d.check_invariants() == "");
}
