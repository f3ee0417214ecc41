#pragma once

#include "actors/core/version.hpp"

#include <cstdint>
#include <string>

namespace onevalue {

/// A last-writer-wins register over `versioned_value`, driven by a Lamport clock.
///
/// Pure state with no I/O; owned by the store actor (one thread at a time).
/// Invariant: `clock() >= current().ver.counter`.
class value_register {
public:
  /// Starts with `initial` (version counter 0) and a clock at zero.
  explicit value_register(int64_t initial = 0);

  /// Restores a register from persisted state; `clock` is raised to the value's counter
  /// if it is behind (a state file can never make the clock go backwards).
  value_register(versioned_value restored, uint64_t clock);

  /// Computes the version a local write by `node` would get, without applying it:
  /// `counter = max(clock, highest counter seen) + 1`.
  versioned_value prepare_write(int64_t value, const std::string& node) const;

  /// Applies a value, local or remote. Returns true if it was newer than the current
  /// one and replaced it. Always advances the clock to at least its counter, so the
  /// next local write is ordered after everything this node has seen.
  bool merge(const versioned_value& incoming);

  /// Advances the clock to at least `counter` (e.g. a counter seen in a stale update).
  void observe(uint64_t counter);

  const versioned_value& current() const { return current_; }
  uint64_t clock() const { return clock_; }

  /// Returns false if the invariant above is broken.
  bool check_invariants() const { return clock_ >= current_.ver.counter; }

private:
  versioned_value current_;
  uint64_t clock_ = 0;
};

}  // namespace onevalue
