#pragma once

// A simulated cluster: N nodes, each the membership core and gossip core a real node
// runs (plus a value register standing in for the store), on one simulated network with
// simulated time. Deterministic from a seed. The network can drop datagrams, delay them,
// partition nodes one way or both ways, crash and restart nodes. Used by the unit tests
// and the simulator; touches no socket and never sleeps.

#include "actors/core/gossip_core.hpp"
#include "actors/core/membership_core.hpp"
#include "actors/core/value_register.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <queue>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace onevalue::sim {

using namespace std::chrono_literals;

/// One simulated node: the same cores the real node runs.
struct node {
  std::string name;
  endpoint address;
  std::unique_ptr<membership_core> core;
  std::unique_ptr<gossip_core> gossip;
  value_register value;
  bool up = true;
  /// `gossip->next_deadline()`, kept here: a step checks every node, and reading it
  /// here spares a visit to every gossip core (a cache miss each, at 1,000 nodes 20 % of
  /// the simulator's time).
  time_point gossip_due;
  /// Simulated time at which this node first held each counter (dissemination).
  std::vector<std::pair<uint64_t, time_point>> value_seen;
};

/// Traffic counters of the whole simulated network.
struct traffic {
  uint64_t datagrams = 0;
  /// Estimated encoded bytes of all datagrams (gossip, probes, value pushes).
  uint64_t bytes = 0;
  uint64_t dropped = 0;
  uint64_t push_pulls = 0;
  /// Estimated encoded bytes of the push-pull exchanges, both directions: each carries
  /// a whole member table and the value (TCP in a real node, not datagrams).
  uint64_t push_pull_bytes = 0;
};

/// How a cluster starts.
enum class start_mode {
  /// Every node but n0 joins through n0 by the protocol (what real nodes do).
  join,
  /// Every core's table is seeded with all n members, alive at incarnation 0, through
  /// `membership_core::preload`: no join traffic, for large simulations that measure
  /// a formed cluster. Memory grows with n^2 (every node holds every member).
  prejoined,
};

/// Where a node's gossip core reads the member table from.
enum class gossip_members {
  /// A replica kept from the membership core's changes, as in a real node, where the
  /// two run in different actors. Costs a second table per node.
  replica,
  /// The membership core's own table, read in place: for simulations too large to hold
  /// every table twice (10,000 nodes). Runs exactly like `replica` while the replica
  /// is faithful (a unit test compares the two).
  shared,
};

/// A simulation ran out of its work budget: a protocol bug (a broadcast loop, a flapping
/// member) that would otherwise keep a test busy for minutes instead of failing.
class overrun : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A simulated network of N nodes; owned and driven by one thread (a test or the
/// simulator). Scales to 10,000 nodes (about 10 GB with `gossip_members::shared`, as
/// every node holds every member): lookups by address are hashed and a step costs O(1)
/// per idle node.
class cluster {
public:
  /// Builds `n` nodes named n0..n{n-1}; every node but n0 has n0 as its seed.
  cluster(std::size_t n, swim_settings settings, uint64_t seed,
          start_mode mode = start_mode::join,
          gossip_members members = gossip_members::replica);

  /// Runs simulated time forward by `duration` in steps of `step`. Throws `overrun` if
  /// the work budget is exceeded.
  void run_for(std::chrono::milliseconds duration, std::chrono::milliseconds step = 5ms);

  /// Runs until `done()` holds or `limit` passes; returns whether it held. Throws
  /// `overrun` if the work budget is exceeded.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit,
                 std::chrono::milliseconds step = 5ms);

  /// The work budget: at most this many datagrams per node per simulated second, on
  /// average over the cluster, in any simulated second. It starts at 4 times what a
  /// node sends at most by its settings in steady state (`nominal_datagrams_per_node_s`):
  /// the healthy tests peak at 1.7 times that (25 nodes at 30 % loss), while a broadcast
  /// loop multiplies its traffic every gossip round. 0 disables the check.
  double max_datagrams_per_node_s;

  /// Datagrams a node sends per second at most in steady state: `gossip-nodes` per
  /// gossip tick while its queue is not empty, and per probe interval a ping and an ack,
  /// plus, should the ack not come, a ping-req, a ping, an ack and a nack or relayed ack
  /// through each of `indirect-checks` helpers.
  static double nominal_datagrams_per_node_s(const swim_settings& s);

  /// The busiest simulated second so far, in datagrams per node.
  double peak_datagrams_per_node_s() const { return peak_; }

  /// Writes `v` on node `i` and pushes it like the real broadcaster does.
  void write(std::size_t i, int64_t v);

  void crash(std::size_t i);
  /// Restarts node `i` with a fresh core (incarnation 0) that joins through n0.
  void restart(std::size_t i);
  /// Restarts node `i` like `restart`, on the new address `host` (same port).
  void restart_at(std::size_t i, const std::string& host);
  /// Node `i` leaves gracefully.
  void leave(std::size_t i);

  /// Datagrams from `from` to `to` are dropped while this is set.
  void block(std::size_t from, std::size_t to) { blocked_[from][to] = true; }
  void unblock(std::size_t from, std::size_t to) { blocked_[from][to] = false; }
  /// Splits the nodes into [0, k) and [k, n) both ways.
  void partition(std::size_t k);
  void heal();

  double loss = 0.0;
  std::chrono::milliseconds latency = 1ms;

  std::size_t size() const { return nodes_.size(); }
  node& at(std::size_t i) { return nodes_[i]; }
  time_point now() const { return now_; }
  const traffic& stats() const { return stats_; }

  /// State of member `name` in node `i`'s table, or nothing if unknown there.
  std::optional<member_state> state_in(std::size_t i, const std::string& name) const;

  /// True if every up node sees every up node alive and every down node failed or left.
  bool converged() const { return divergence().empty(); }

  /// Empty if converged, else the first disagreement (e.g. "n3 lists n7 as suspect").
  std::string divergence() const;

  /// Empty if every core's invariants hold, else the first failure.
  std::string check_invariants() const;

  /// Called for every member state change any node makes (observer index, event), at
  /// `now()`; e.g. to time how a failure spreads.
  std::function<void(std::size_t, const member_event&)> on_event;

private:
  struct delivery {
    time_point at;
    uint64_t order;
    std::size_t to;
    packet p;
    bool operator>(const delivery& o) const {
      return at != o.at ? at > o.at : order > o.order;
    }
  };

  void step_node(std::size_t i);
  /// Carries out what node `i`'s membership core decided.
  void apply(std::size_t i, swim_actions actions);
  /// Carries out what node `i`'s gossip core decided.
  void carry_out(std::size_t i, gossip_actions actions);
  /// Puts a datagram of node `from` on the network (or drops it).
  void transmit(std::size_t from, datagram d);
  void deliver(delivery d);
  void push_pull(std::size_t from, const endpoint& to);
  /// Node `i`'s store takes `v`; an accepted value goes to its gossip core.
  void accept_value(std::size_t i, const versioned_value& v);
  std::optional<std::size_t> index_of(const endpoint& e) const;
  member_info identity(std::size_t i) const;
  /// Throws `overrun` if this simulated second's datagrams exceed the budget.
  void check_budget();

  swim_settings settings_;
  gossip_members members_;
  std::mt19937_64 rng_;
  time_point now_;
  std::vector<node> nodes_;
  std::vector<std::vector<bool>> blocked_;
  std::unordered_map<std::string, std::size_t> by_address_;
  std::priority_queue<delivery, std::vector<delivery>, std::greater<>> in_flight_;
  uint64_t order_ = 0;
  traffic stats_;
  /// Start of the current budget window (one simulated second) and the datagram count
  /// when it began.
  time_point window_start_;
  uint64_t window_datagrams_ = 0;
  double peak_ = 0;
};

} // namespace onevalue::sim
