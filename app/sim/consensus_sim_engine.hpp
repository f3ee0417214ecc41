#pragma once

// The machinery behind run_consensus_sim (internal to app/sim): simulated nodes, the
// event queue and the network.

#include "app/sim/consensus_sim.hpp"
#include "app/sim/consensus_sim_observer.hpp"

#include <queue>

namespace onevalue::sim::detail {

using micros = std::chrono::microseconds;

/// A voter: its acceptor core (absent while down) and its simulated disk.
struct acceptor_node {
  std::string name;
  std::optional<consensus_acceptor> core;
  /// What survives a crash.
  acceptor_state disk;
  std::optional<acceptor_persist> saving;
  /// Raised by every crash, so events meant for an earlier life are dropped.
  uint64_t life = 0;
  time_point cut_until;
};

/// A proposing node: its proposer core (absent while down) and the operations in hand.
struct proposer_node {
  std::string name;
  std::optional<consensus_proposer> core;
  uint64_t life = 0;
  time_point cut_until;
  /// Operation id -> index of its record in the history.
  std::map<uint64_t, std::size_t> in_hand;
  time_point tick_at = time_point::max();
};

/// A client issuing one operation at a time.
struct client_state {
  std::size_t issued = 0;
  bool busy = false;
  /// The last version it saw, for its next cas.
  version last_seen;
};

enum class event_kind {
  to_acceptor,
  to_proposer,
  save_done,
  proposer_tick,
  client_turn,
  fault,
  restart_acceptor,
  restart_proposer,
};

struct event {
  time_point at;
  uint64_t seq = 0;
  event_kind kind = event_kind::fault;
  std::size_t node = 0;
  uint64_t life = 0;
  std::string from = {};
  /// to_acceptor, to_proposer: the encoded message; save_done: unused.
  std::string bytes = {};
  uint64_t save_seq = 0;
};

struct later_first {
  bool operator()(const event& a, const event& b) const {
    return std::tie(a.at, a.seq) > std::tie(b.at, b.seq);
  }
};

/// One run. Owned by one thread.
class engine {
public:
  explicit engine(const consensus_sim_config& config);
  consensus_sim_result run();

private:
  // -- network and nodes (consensus_sim.cpp) --
  void push(event e);
  void send(const std::string& from, const std::string& to, bool to_acceptor,
            const consensus_message& msg);
  void deliver(const event& e);
  void save_done(const event& e);
  void take(acceptor_node& a, acceptor_actions actions);
  void take(proposer_node& p, proposer_actions actions);
  void crash_acceptor(acceptor_node& a);
  void restart_acceptor(acceptor_node& a);
  void crash_proposer(proposer_node& p);
  void restart_proposer(proposer_node& p);
  void fault();
  bool cut(const std::string& name) const;
  micros uniform(micros lo, micros hi);
  void log(const std::string& line);
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  // -- clients and the end of a run (consensus_sim_clients.cpp) --
  void client_turn(std::size_t c);
  operation next_operation(std::size_t c);
  void answer(std::size_t record, const operation_result& result);
  void begin_final_phase();
  void check_final_reads();

  consensus_sim_config config_;
  std::mt19937_64 rng_;
  time_point start_;
  time_point now_;
  uint64_t seq_ = 0;
  std::priority_queue<event, std::vector<event>, later_first> queue_;
  std::vector<std::string> voter_names_;
  std::vector<acceptor_node> acceptors_;
  std::vector<proposer_node> proposers_;
  std::vector<client_state> clients_;
  std::size_t clients_done_ = 0;
  bool final_phase_ = false;
  /// The final reads, one per proposer, by the extra client `clients.size()`.
  std::vector<std::size_t> final_reads_;
  uint64_t next_op_id_ = 1;
  register_state initial_;
  safety_observer observer_;
  consensus_sim_result result_;
};

} // namespace onevalue::sim::detail
