// The consensus cores on the simulated network, over many seeds. The number of seeds
// is ONEVALUE_CONSENSUS_SEEDS (default 2000, a few seconds); raise it for a long run,
// e.g. ONEVALUE_CONSENSUS_SEEDS=200000 build/tests/unit_tests -tc="consensus sim*".

#include "app/sim/consensus_sim.hpp"
#include "tests/lincheck/lincheck.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace onevalue;
using namespace onevalue::sim;

namespace {

uint64_t seed_count() {
  const char* env = std::getenv("ONEVALUE_CONSENSUS_SEEDS");
  return env ? std::strtoull(env, nullptr, 10) : 2000;
}

/// The run's client history in the checker's terms (times in microseconds).
lincheck::history to_history(const consensus_sim_result& r) {
  lincheck::history h;
  h.initial = r.initial.current;
  auto start = r.history.empty() ? time_point{} : r.history.front().call;
  for (const auto& c : r.history)
    start = std::min(start, c.call);
  for (const auto& c : r.history) {
    lincheck::history_op op;
    op.client = c.client;
    op.node = c.node;
    op.type = static_cast<lincheck::op_type>(static_cast<int>(c.op.kind));
    op.argument = c.op.argument;
    op.expected = c.op.expected;
    switch (c.result.status) {
    case operation_status::ok:
      op.result = lincheck::outcome::ok;
      break;
    case operation_status::failed:
      op.result = lincheck::outcome::fail;
      break;
    case operation_status::unknown:
      op.result = lincheck::outcome::unknown;
      break;
    case operation_status::unavailable:
      op.result = lincheck::outcome::refused;
      break;
    }
    if (op.result == lincheck::outcome::ok || op.result == lincheck::outcome::fail)
      op.response = c.result.current;
    op.call =
        std::chrono::duration_cast<std::chrono::microseconds>(c.call - start).count();
    op.ret = std::chrono::duration_cast<std::chrono::microseconds>(c.ret - start).count();
    h.ops.push_back(op);
  }
  return h;
}

/// Varies the cluster's shape with the seed: 1, 3, 5 or 7 voters, 1 to 3 proposers,
/// 2 to 5 clients; one seed in five sends every accept to every voter at once (no
/// thrifty accepts: seeds 5, 10, ...).
consensus_sim_config config_for(uint64_t seed) {
  consensus_sim_config c;
  c.seed = seed;
  static const std::size_t voter_counts[] = {3, 3, 5, 1, 3, 5, 7, 3};
  c.voters = voter_counts[seed % 8];
  c.proposers = 1 + (seed / 8) % 3;
  c.clients = 2 + (seed / 24) % 4;
  c.settings.thrifty_accepts = seed % 5 != 0;
  return c;
}

/// Everything a run must satisfy; returns the problems (empty: fine).
std::vector<std::string> problems_of(const consensus_sim_result& r) {
  auto out = r.violations;
  for (auto& v : check_acknowledged_effects(r.history))
    out.push_back(v);
  auto report = lincheck::check(to_history(r));
  if (report.result != lincheck::report::verdict::linearizable)
    out.push_back(lincheck::format_report(report));
  return out;
}

} // namespace

TEST_CASE("consensus sim: without faults every operation is answered ok or failed") {
  auto config = config_for(3);
  config.faults = consensus_faults{};
  config.faults.loss = 0;
  config.faults.duplicate = 0;
  config.faults.save_failure = 0;
  config.faults.acceptor_crash = config.faults.proposer_crash = config.faults.cut_off = 0;
  auto r = run_consensus_sim(config);
  CHECK(problems_of(r).empty());
  REQUIRE(r.history.size() == config.clients * config.ops_per_client + config.proposers);
  for (const auto& c : r.history)
    CHECK((c.result.status == operation_status::ok
           || c.result.status == operation_status::failed));
  CHECK(r.stats.lost == 0);
}

TEST_CASE("consensus sim: safe and linearizable over many seeds with faults") {
  auto seeds = seed_count();
  consensus_sim_stats total;
  std::array<uint64_t, 4> outcomes{};
  uint64_t overflows = 0;
  uint64_t cas_mismatches = 0;
  uint64_t failed_runs = 0;
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    auto r = run_consensus_sim(config_for(seed));
    auto problems = problems_of(r);
    if (!problems.empty() && ++failed_runs <= 3) {
      std::string all;
      for (auto& p : problems)
        all += p + "\n";
      FAIL_CHECK("seed " << seed << ":\n" << all);
    }
    total.messages += r.stats.messages;
    total.lost += r.stats.lost;
    total.duplicated += r.stats.duplicated;
    total.failed_saves += r.stats.failed_saves;
    total.acceptor_crashes += r.stats.acceptor_crashes;
    total.proposer_crashes += r.stats.proposer_crashes;
    total.cut_offs += r.stats.cut_offs;
    total.chosen += r.stats.chosen;
    total.widened_accepts += r.stats.widened_accepts;
    for (const auto& c : r.history) {
      ++outcomes[static_cast<int>(c.result.status)];
      overflows += c.result.reason == failure_reason::overflow;
      cas_mismatches += c.result.reason == failure_reason::version_mismatch;
    }
  }
  CHECK(failed_runs == 0);
  MESSAGE(seeds << " seeds: " << total.messages << " messages (" << total.lost
                << " lost, " << total.duplicated << " duplicated), " << total.failed_saves
                << " failed saves, " << total.acceptor_crashes << " acceptor and "
                << total.proposer_crashes << " proposer crashes, " << total.cut_offs
                << " cut-offs, " << total.widened_accepts << " accepts widened, "
                << total.chosen << " states chosen; operations ok " << outcomes[0]
                << ", failed " << outcomes[1] << " (" << cas_mismatches << " cas, "
                << overflows << " overflows), unknown " << outcomes[2] << ", unavailable "
                << outcomes[3]);
  // The faults and the outcomes they cause really happened.
  if (seeds >= 500) {
    CHECK(total.lost > 0);
    CHECK(total.duplicated > 0);
    CHECK(total.failed_saves > 0);
    CHECK(total.acceptor_crashes > 0);
    CHECK(total.proposer_crashes > 0);
    CHECK(total.cut_offs > 0);
    CHECK(total.widened_accepts > 0);
    CHECK(outcomes[2] > 0);
    CHECK(outcomes[3] > 0);
    CHECK(overflows > 0);
    CHECK(cas_mismatches > 0);
  }
}

TEST_CASE("consensus sim: the checks catch acceptors that forget their promises") {
  // Acceptors that lose their state on a crash can let two proposers both win; over
  // enough seeds some run must show it, or the checks would be toothless.
  uint64_t caught = 0;
  for (uint64_t seed = 1; seed <= 400 && caught == 0; ++seed) {
    auto config = config_for(seed);
    config.faults.acceptors_forget = true;
    config.faults.acceptor_crash = 0.4;
    caught += !problems_of(run_consensus_sim(config)).empty();
  }
  CHECK(caught > 0);
}
