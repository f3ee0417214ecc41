#pragma once

// The timers an adapter keeps armed for a pure core's deadlines (the consensus
// proposer's: round timeouts, the gathering wait, backoff). CAF's delayed messages
// cannot be cancelled, and each one armed wakes CAF's clock thread, so a timer is armed
// only when none already armed fires at or before the core's next deadline; every
// timer that fires makes the adapter run the core's tick (which handles whatever is due
// then, and nothing early) and ask again. A round of the linearizable mode used to arm
// two or three timers (its gathering wait, then the round's timeout again after the
// wait's timer fired late and was ignored); then about one. With thrifty accepts
// (consensus_fanout.hpp) the widening deadline, a millisecond or so after each accept,
// is usually the earliest: its timer fires after the round has ended and the tick
// finds nothing due (a longer widening wait, armed less often, measured no faster).

#include <chrono>
#include <cstdint>
#include <map>
#include <set>

namespace onevalue {

using time_point = std::chrono::steady_clock::time_point;

class tick_schedule {
public:
  /// Whether a timer must be armed for `due`: something is due (not time_point::max())
  /// and no armed timer fires at or before it.
  bool should_arm(time_point due) const {
    return due != time_point::max() && (at_.empty() || *at_.begin() > due);
  }

  /// A timer for `due` was armed; returns the id its message carries.
  uint64_t armed(time_point due) {
    auto id = next_id_++;
    by_id_.emplace(id, due);
    at_.insert(due);
    return id;
  }

  /// The timer `id` fired (an unknown id is ignored).
  void fired(uint64_t id) {
    auto it = by_id_.find(id);
    if (it == by_id_.end())
      return;
    at_.erase(at_.find(it->second));
    by_id_.erase(it);
  }

  /// Timers armed and not fired yet.
  std::size_t armed_count() const { return by_id_.size(); }

private:
  uint64_t next_id_ = 1;
  std::map<uint64_t, time_point> by_id_;
  std::multiset<time_point> at_;
};

} // namespace onevalue
