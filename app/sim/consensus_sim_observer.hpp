#pragma once

// The consensus simulation's safety observer: it sees every proposal as it leaves a
// proposer and every acceptance as it becomes durable on a voter, which no single node
// can, and checks CASPaxos's promises against them.

#include "actors/core/consensus_proposer.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace onevalue::sim {

/// Checks, over one simulated run:
/// - one ballot, one value: no two proposals (or durable acceptances) under one ballot
///   differ;
/// - every proposal's state is its base with its operations applied by the register's
///   rules (replayed here independently of the core);
/// - every chosen state (durably accepted by a majority) derives from the chosen state
///   of the next lower chosen ballot (the first one from the initial state) through
///   the proposals between them.
/// Owned by the simulation's thread.
class safety_observer {
public:
  /// Observes a register of `voters` acceptors that starts from `initial`.
  safety_observer(std::size_t voters, register_state initial)
      : quorum_(quorum_size(voters)), initial_(std::move(initial)) {}

  /// A proposal left `proposer`.
  void on_proposal(const proposal_record& r);

  /// `acceptor` durably accepted `state` at `b`.
  void on_durable_accept(const std::string& acceptor, const ballot& b,
                         const register_state& state);

  /// Runs the end-of-run checks and returns every violation found.
  std::vector<std::string> finish();

  /// Violations found so far.
  const std::vector<std::string>& violations() const { return violations_; }

  std::size_t chosen_count() const { return chosen_.size(); }

private:
  void replay(const proposal_record& r);
  bool derives(const register_state& later, const register_state& earlier) const;

  std::size_t quorum_;
  register_state initial_;
  std::vector<std::string> violations_;
  std::map<ballot, register_state> value_of_ballot_;
  std::map<ballot, std::set<std::string>> accepted_by_;
  std::map<ballot, register_state> chosen_;
  /// Proposed state -> the base states it was computed from (states by their key).
  std::multimap<std::string, register_state> bases_;
};

/// A compact text key of a state, for maps.
std::string state_key(const register_state& s);

} // namespace onevalue::sim
