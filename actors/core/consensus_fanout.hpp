#pragma once

// Thrifty accepts: which voters a proposer's accept goes to first, and when the other
// voters get it too. Pure: the proposer passes in the times.
//
// A majority of voters suffices to choose a state, so an accept sent to every voter
// costs the voters outside the majority that answers first a save (an fdatasync), a
// reply and their CPU for nothing; with several voters on one disk, their fdatasyncs
// also slow down the ones that count. So the proposer asks a majority first: the
// voters that granted its requests most recently (this node first until then, if it
// is a voter: its acceptor is a hop away, not a round trip), and the others only when
// that majority has not answered after twice the smoothed time of its accept phases
// (within consensus_settings' bounds) or as soon as a refusal means it cannot. Every
// `full_accept_every`-th accept goes to every voter at once, so the first majority is
// chosen afresh by who answers first (after a stall of this node's own disk, say, the
// two remote voters would otherwise stay first for good).
//
// Safety does not depend on which voters an accept reaches: a state is chosen when any
// majority accepts it, at a ballot some majority promised. Only progress does, and the
// widening restores it: a voter of the first majority that fails costs the round in
// flight the widening wait, and the voter that answered in its place is asked first
// from then on.

#include "actors/core/consensus_settings.hpp"
#include "actors/core/member_table.hpp" // time_point

#include <optional>
#include <string>
#include <vector>

namespace onevalue {

/// The choice of first voters for a proposer's accepts, and the widening wait.
class accept_fanout {
public:
  /// For a proposer named `self` (a voter or not) and `voters` (see validate_voters).
  accept_fanout(const std::string& self, std::vector<std::string> voters,
                const consensus_settings& settings);

  /// The voters the next accept goes to first: every voter while thrifty accepts are
  /// off, no accept phase has been timed yet, or for every `full_accept_every`-th
  /// accept; else a majority, the voters that granted most recently first. Counts the
  /// accept.
  std::vector<std::string> next_accept_voters();

  /// Records that `voter` granted a promise or an accept of the round in flight.
  void granted(const std::string& voter);

  /// Records that an accept phase reached a majority `took` after it started.
  void observe_accept_phase(time_point::duration took);

  /// How long an accept sent to next_accept_voters() waits for a majority before it goes
  /// to the other voters: twice the smoothed accept phase, within the settings' bounds.
  time_point::duration widen_after() const;

  /// The smoothed time of an accept phase; nothing before the first one.
  std::optional<time_point::duration> smoothed_accept_phase() const { return smoothed_; }

private:
  /// Every voter, the one that granted most recently first.
  std::vector<std::string> by_recency_;
  std::size_t quorum_;
  bool thrifty_;
  time_point::duration widen_min_;
  time_point::duration widen_max_;
  std::size_t full_every_;
  std::size_t accepts_ = 0;
  std::optional<time_point::duration> smoothed_;
};

} // namespace onevalue
