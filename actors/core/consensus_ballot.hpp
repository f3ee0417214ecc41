#pragma once

// Ballots of the CASPaxos register (see consensus_proposer.hpp for the protocol).

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <tuple>

namespace onevalue {

/// A ballot number: totally ordered by counter, then proposer name, then epoch.
///
/// Every ballot must be used by one proposer for at most one proposed value, or two
/// acceptors could hold different values under one ballot and a later proposer could
/// adopt the one that was not chosen. The name alone does not guarantee that across a
/// restart: a proposer that forgot its counter would count up through ballots it used
/// before the crash. The epoch (drawn anew for every life of a proposer, see
/// `proposer_identity`) keeps those apart without an fsync per ballot.
struct ballot {
  /// Raised past every counter the proposer has seen; 0 only for "no ballot".
  uint64_t counter = 0;
  /// Name of the node whose proposer owns the ballot; empty only for "no ballot".
  std::string proposer;
  /// The owning proposer's epoch (its life since its last start).
  uint64_t epoch = 0;

  /// True for the zero ballot, which stands for "none" (no promise, nothing accepted).
  bool none() const { return counter == 0; }

  /// The same proposer's next ballot, or nullopt if the counter is exhausted (only a
  /// peer reporting a counter at its upper bound can make that happen).
  std::optional<ballot> successor() const {
    if (counter == std::numeric_limits<uint64_t>::max())
      return std::nullopt;
    return ballot{counter + 1, proposer, epoch};
  }
};

inline bool operator<(const ballot& a, const ballot& b) {
  return std::tie(a.counter, a.proposer, a.epoch)
         < std::tie(b.counter, b.proposer, b.epoch);
}
inline bool operator==(const ballot& a, const ballot& b) {
  return a.counter == b.counter && a.proposer == b.proposer && a.epoch == b.epoch;
}
inline bool operator!=(const ballot& a, const ballot& b) {
  return !(a == b);
}
inline bool operator>(const ballot& a, const ballot& b) {
  return b < a;
}
inline bool operator<=(const ballot& a, const ballot& b) {
  return !(b < a);
}
inline bool operator>=(const ballot& a, const ballot& b) {
  return !(a < b);
}

/// Who proposes: the node's name and the epoch of this life of its proposer.
struct proposer_identity {
  std::string name;
  /// Must differ between any two lives of the proposer on this node (the adapter draws
  /// a random 64-bit number at start; a collision has probability 2^-64 per restart).
  uint64_t epoch = 0;
};

/// The longest node name the consensus messages carry (the node name rule of the
/// configuration: 1 to 64 letters, digits, '.', '_' or '-').
constexpr std::size_t max_node_name_length = 64;

/// The number of acceptors that form a majority of `voters`.
constexpr std::size_t quorum_size(std::size_t voters) {
  return voters / 2 + 1;
}

} // namespace onevalue
