#pragma once

#include "actors/core/version.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace onevalue {

// -- counter bounds ---------------------------------------------------------------
// A Lamport counter grows by at most one per write in the whole cluster, so an honest
// counter stays far below 2^63 (a million writes a second would take 292,000 years).
// A remote value up to 2^63 is taken as LWW says, whatever this node's clock, so a new
// node catches up with any real cluster in one exchange. Above 2^63, a remote counter
// may be at most 2^32 above this node's clock; a value beyond that is refused and the
// clock advances to that bound (2^32 towards it). So a value that is legitimately far
// ahead (a node that missed more than 4 billion writes after the counter passed 2^63) is
// taken after a few more exchanges, while a forged counter moves the cluster's counter up
// by at most 2^32 per message once past 2^63: exhausting 64 bits takes 2^31 of them
// instead of the one datagram at 2^64-1 that once made every later write wrap around to
// 0.

/// Every remote counter up to this one is accepted (2^63).
constexpr uint64_t counter_free_range = uint64_t{1} << 63;

/// Largest step above both `counter_free_range` and the local clock that a remote
/// counter may take (2^32).
constexpr uint64_t max_counter_step = uint64_t{1} << 32;

/// What became of a value offered to the register.
enum class merge_result : uint8_t {
  /// Newer than the current value, which it replaced.
  accepted,
  /// Older than the current value or the same; the clock observed its counter.
  stale,
  /// A malformed version (see `valid_version`); ignored entirely.
  invalid,
  /// Counter beyond the bound above; refused, and the clock advanced to the bound.
  too_far_ahead,
};

/// "accepted", "stale", "invalid" or "too_far_ahead".
const char* to_string(merge_result r);

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
  /// `counter = max(clock, highest counter seen) + 1`. Returns nothing once the counter
  /// is at 2^64-1: no write can be ordered after what this node holds, and a wrapped
  /// counter would lose to it.
  std::optional<versioned_value> next_write(int64_t value, const std::string& node) const;

  /// `next_write`, for simulations whose counters never come near the end: at the end
  /// the counter stays at 2^64-1 (the write then never wins), it never wraps.
  versioned_value prepare_write(int64_t value, const std::string& node) const;

  /// Offers a value, local or remote (see the counter bounds above). A stale or
  /// accepted value advances the clock to at least its counter, so the next local
  /// write is ordered after everything this node has seen.
  merge_result offer(const versioned_value& incoming);

  /// `offer`; true if the value was accepted.
  bool merge(const versioned_value& incoming) {
    return offer(incoming) == merge_result::accepted;
  }

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

} // namespace onevalue
