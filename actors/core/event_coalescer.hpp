#pragma once

// Coalescing of events before handlers run, as Serf's: a burst of member events
// becomes one invocation per event type with the latest state of each member, and a
// burst of values becomes one invocation with the latest value. Pure: events in with
// their times, batches out; the caller owns the clock and the timer.

#include "actors/core/member_changes.hpp"
#include "actors/core/swim_settings.hpp"
#include "actors/core/version.hpp"

#include <chrono>
#include <optional>
#include <vector>

namespace onevalue {

/// When pending events are delivered.
struct coalesce_settings {
  /// Longest time an event waits: a batch is delivered at most this long after its
  /// first event. 0 makes every event due at once: a caller that takes due batches
  /// after each event delivers one invocation per event (the event handler actor does).
  millis coalesce_period{1000};
  /// A batch is delivered once no event joined it for this long (a burst that ended),
  /// even before coalesce_period. 0 disables it: only coalesce_period counts.
  millis quiescent_period{200};
};

/// What one handler invocation is about: member events of one type, or a value.
struct event_batch {
  event_type type = event_type::value;
  /// For member events: one entry per member, its latest state, in the order the
  /// members first appeared in the batch.
  member_list members;
  /// For value events: the latest value.
  versioned_value value;
};

/// Collects events and says when they are due. Owned by one actor (the event handler
/// actor); not thread-safe. Member events and values are batched independently.
class event_coalescer {
public:
  using time_point = std::chrono::steady_clock::time_point;

  explicit event_coalescer(coalesce_settings settings) : settings_(settings) {}

  /// Adds a member event observed at `now`. A later event for the same member replaces
  /// the earlier one in the pending batch (latest state wins, as in Serf).
  void add(time_point now, const member_change& event);

  /// Adds a value accepted at `now`; replaces a pending one.
  void add(time_point now, const versioned_value& value);

  /// When `take_due` next has something to deliver; nothing if nothing is pending.
  std::optional<time_point> deadline() const;

  /// The batches due at `now`, member types in the order of `all_event_types`, then
  /// the value; removes them. Empty if nothing is due.
  std::vector<event_batch> take_due(time_point now);

private:
  /// First and latest arrival of one pending group.
  struct window {
    time_point first;
    time_point last;
    bool open = false;
    void touch(time_point now);
    time_point due(const coalesce_settings& s) const;
  };

  coalesce_settings settings_;
  window members_window_;
  std::vector<member_change> members_;
  window value_window_;
  std::optional<versioned_value> value_;
};

} // namespace onevalue
