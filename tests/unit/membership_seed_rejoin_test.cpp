// A joined node pings the seeds missing from its member table, so that a partition
// held longer than reap-after merges back once it heals (issue 16, found by the
// long-partition test: both sides had reaped each other and nothing ever pinged across
// again). Regression tests of membership_core's ping_forgotten_seeds.

#include "actors/core/membership_core.hpp"
#include "tests/unit/swim_test_messages.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace onevalue;
using namespace onevalue::test;
using namespace std::chrono_literals;

namespace {

/// n3, joined through its seed n0, with n4 as a second member that answers every
/// probe (so n3 always has a live peer and never falls back to its seeds).
struct joined_with_peer {
  time_point t0 = time_point{} + std::chrono::hours{1};
  time_point now = t0;
  swim_settings settings = [] {
    swim_settings s;
    s.reap_after = 10s;
    return s;
  }();
  endpoint seed;
  std::optional<membership_core> core;
  /// Times at which n3 sent a seed ping (a ping without target) to `seed`.
  std::vector<time_point> seed_pings;
  std::optional<uint32_t> last_seed_seq;
  /// Members whose probes are answered (n0 stays silent unless a test adds it).
  std::set<std::string> answering{"n4"};

  explicit joined_with_peer(endpoint seed_endpoint) : seed(std::move(seed_endpoint)) {
    core.emplace(node_info("n3"), settings, std::vector<endpoint>{seed}, 7, t0);
    auto first = core->tick(t0);
    REQUIRE(first.sends.size() == 1);
    core->handle_message(node_info("n0"), msg(swim_kind::ack, first.sends[0].msg.seq),
                         t0);
    REQUIRE(core->joined());
    core->merge_updates({member_update{node_info("n4"), "n0"}}, t0);
  }

  ~joined_with_peer() { CHECK(core->check_invariants() == ""); }

  std::optional<member_info> find(const std::string& name) const {
    for (auto& m : core->members())
      if (m.name == name)
        return m;
    return std::nullopt;
  }

  /// Ticks in 50 ms steps up to `until`, acking the probes of `answering`; notes
  /// seed pings.
  void run_until(time_point until) {
    while (now < until) {
      now += 50ms;
      auto out = core->tick(now);
      for (auto& s : out.sends) {
        if (s.msg.kind != swim_kind::ping)
          continue;
        if (answering.count(s.msg.target) > 0)
          core->handle_message(node_info(s.msg.target), msg(swim_kind::ack, s.msg.seq),
                               now);
        else if (s.msg.target.empty() && s.to == seed) {
          seed_pings.push_back(now);
          last_seed_seq = s.msg.seq;
        }
      }
    }
  }

  /// Two independent reports make n0 failed (the first only makes it suspect).
  void fail_n0() {
    core->merge_updates({{node_info("n0", 0, member_state::failed), "n4"}}, now);
    core->merge_updates({{node_info("n0", 0, member_state::failed), "n5"}}, now);
    REQUIRE(find("n0")->state == member_state::failed);
  }
};

endpoint endpoint_of_name(const std::string& name) {
  auto info = node_info(name);
  return endpoint{info.address, info.cluster_port};
}

} // namespace

TEST_CASE("a joined node pings a seed it reaped, and the seed's ack merges it back") {
  joined_with_peer f{endpoint_of_name("n0")};
  f.run_until(f.t0 + 2s);
  f.fail_n0();
  auto failed_at = f.now;
  // Listed (alive, then failed): failed-member probing covers it, no seed pings.
  f.run_until(failed_at + f.settings.reap_after - 100ms);
  CHECK(f.seed_pings.empty());
  f.run_until(failed_at + f.settings.reap_after + 100ms);
  REQUIRE_FALSE(f.find("n0"));
  // Reaped: pinged within one failed-probe interval, and again every interval.
  auto reaped_at = f.now;
  f.run_until(reaped_at + 2 * f.settings.failed_probe_interval + 100ms);
  REQUIRE(f.seed_pings.size() >= 2);
  CHECK(f.seed_pings[0] - reaped_at <= f.settings.failed_probe_interval + 100ms);
  CHECK(f.seed_pings[1] - f.seed_pings[0] == f.settings.failed_probe_interval);
  // The partition healed: the seed answers, is alive again and tables are exchanged.
  auto answer = f.core->handle_message(node_info("n0", 1),
                                       msg(swim_kind::ack, *f.last_seed_seq), f.now);
  REQUIRE(f.find("n0"));
  CHECK(f.find("n0")->state == member_state::alive);
  REQUIRE(answer.push_pulls.size() == 1);
  CHECK(answer.push_pulls[0] == f.seed);
  auto pings_before = f.seed_pings.size();
  f.run_until(f.now + 3 * f.settings.failed_probe_interval);
  CHECK(f.seed_pings.size() == pings_before);
}

TEST_CASE("a seed known under another address is pinged but not pulled from again") {
  // The seed is a host name; the member that answers it is n0 at its own address.
  joined_with_peer f{endpoint{"seed.example", 7946}};
  f.answering.insert("n0");
  f.run_until(f.t0 + f.settings.failed_probe_interval + 100ms);
  REQUIRE(f.seed_pings.size() == 1);
  auto answer = f.core->handle_message(node_info("n0"),
                                       msg(swim_kind::ack, *f.last_seed_seq), f.now);
  CHECK(answer.push_pulls.empty());
  CHECK(f.find("n0")->state == member_state::alive);
}
