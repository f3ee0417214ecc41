#pragma once

// A simulated network for the CASPaxos cores: voters running consensus_acceptor with
// simulated disks, proposers running consensus_proposer, and clients issuing reads,
// writes, cas and adds, all on simulated time from one seed. The network loses,
// duplicates, delays and reorders messages, and cuts nodes off; acceptors crash with
// whatever their disk holds (a save in flight may or may not land) and restart from
// it; proposers crash and restart with a new epoch. Every message crosses the binary
// codec. Touches no socket and never sleeps.
//
// While it runs, a safety observer (consensus_sim_observer.cpp) checks what only the
// whole system can see: one value per ballot, and every chosen state derived from the
// previous chosen one by the operations of the proposals between them. The client
// history it returns is for the linearizability checker.

#include "actors/core/consensus_acceptor.hpp"
#include "actors/core/consensus_proposer.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace onevalue::sim {

/// What goes wrong, and how often.
struct consensus_faults {
  /// Probability that a message is lost, or delivered twice.
  double loss = 0.05;
  double duplicate = 0.03;
  /// One-way delay, uniform in [min, max]: different delays reorder messages.
  std::chrono::microseconds min_delay{20};
  std::chrono::microseconds max_delay{2000};
  /// An acceptor's save takes this long (uniform), and fails with this probability.
  std::chrono::microseconds min_fsync{20};
  std::chrono::microseconds max_fsync{600};
  double save_failure = 0.02;
  /// Every `fault_interval` one fault may strike (each with its probability): an
  /// acceptor or a proposer crashes, or a node is cut off from everyone; each lasts
  /// up to `max_outage`. Faults stop when the clients have issued all operations.
  std::chrono::microseconds fault_interval{15000};
  double acceptor_crash = 0.15;
  double proposer_crash = 0.08;
  double cut_off = 0.15;
  std::chrono::microseconds max_outage{60000};
  /// A broken disk that loses everything on a crash: not a fault the protocol
  /// tolerates, but a way to show that the checks catch what it breaks.
  bool acceptors_forget = false;
};

/// A run's shape.
struct consensus_sim_config {
  std::size_t voters = 3;
  std::size_t proposers = 2;
  std::size_t clients = 4;
  std::size_t ops_per_client = 15;
  consensus_faults faults;
  consensus_settings settings = default_settings();
  uint64_t seed = 1;
  /// Keep a line per proposal, answer, durable acceptance and fault in the result's
  /// `trace` (for debugging a failing seed).
  bool trace = false;

  /// Timeouts scaled to the simulated network (milliseconds, not seconds).
  static consensus_settings default_settings();
};

/// One client operation as the client saw it.
struct client_record {
  std::size_t client = 0;
  /// The proposer's node it was sent to.
  std::string node;
  operation op;
  /// `unavailable` also when the proposer was down; `unknown` also when it crashed
  /// with the operation in hand.
  operation_result result;
  time_point call;
  time_point ret;
};

/// Traffic and fault counters of one run.
struct consensus_sim_stats {
  uint64_t messages = 0;
  uint64_t lost = 0;
  uint64_t duplicated = 0;
  uint64_t saves = 0;
  uint64_t failed_saves = 0;
  uint64_t acceptor_crashes = 0;
  uint64_t proposer_crashes = 0;
  uint64_t cut_offs = 0;
  uint64_t proposals = 0;
  /// Accepts that went on to every voter (thrifty accepts, consensus_fanout.hpp).
  uint64_t widened_accepts = 0;
  uint64_t chosen = 0;
};

/// What a run produced.
struct consensus_sim_result {
  std::vector<client_record> history;
  /// Safety violations and broken invariants, as sentences; empty when all is well.
  std::vector<std::string> violations;
  consensus_sim_stats stats;
  /// The initial state the run started from (for the checker).
  register_state initial;
  /// With `trace`: what happened, one line per event, with the simulated time.
  std::vector<std::string> trace;
  /// Simulated time the run took.
  std::chrono::microseconds elapsed{0};
};

/// Runs one simulation. Owned and driven by one thread.
consensus_sim_result run_consensus_sim(const consensus_sim_config& config);

/// Checks a client history against the promise that an acknowledged operation's effect
/// is visible to every operation that starts after it returned: returns violations.
std::vector<std::string> check_acknowledged_effects(const std::vector<client_record>& h);

} // namespace onevalue::sim
