#pragma once

#include "actors/core/member.hpp"
#include "actors/core/version.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace onevalue {

/// What the HTTP gateway serves: the latest value and member table this node knows.
///
/// Immutable once published; readers hold it through a `shared_ptr<const node_view>`
/// for as long as they need it.
struct node_view {
  versioned_value value;
  member_list members;
  std::string node_name;
  /// True once the node synchronized with the cluster (it then acknowledges writes).
  bool synchronized = false;
  /// When this node published `value` (steady_clock, which is CLOCK_MONOTONIC and so
  /// comparable between processes on one host: the dissemination benchmark subtracts
  /// the writer's from each member's).
  std::chrono::steady_clock::time_point applied_at;
  /// Since when each member (by name) has been in its current state, by this node's
  /// wall clock: when this node first saw it in that state (for `/v1/members`'
  /// `state_since_ms` and the cluster page).
  std::map<std::string, std::chrono::system_clock::time_point> state_since;
};

/// How a blocking read (`wait_for_index`) ended.
enum class watch_status {
  /// The view's counter exceeds the index, the wait expired, or watchers were
  /// stopped: `view` holds the latest view either way.
  done,
  /// `max_watchers` reads were already waiting; this one did not wait (`view` holds
  /// the latest view, which is not newer than the index).
  too_many_watchers,
};

/// The result of `snapshot_store::watch`.
struct watch_result {
  watch_status status = watch_status::done;
  std::shared_ptr<const node_view> view;
};

/// Receives the result of a blocking read; called exactly once.
using watch_callback = std::function<void(watch_result)>;

/// The publication point between the actors and the HTTP threads.
///
/// The gateway actor publishes every value and member table it is told about; HTTP
/// threads `load()` the latest view without ever waiting on an actor. Blocking reads
/// hold no thread: each is a callback that the publish of a newer value, the expiry
/// thread (one per store, started by the first read that waits) or `stop_watchers()`
/// calls. Owned by main (shared with the gateway actor and the store backend); every
/// method is thread-safe. Readers take the shared_ptr atomically (libstdc++ guards it
/// with a tiny spinlock); writers and watchers serialize on a mutex so two publishers
/// cannot lose each other's update and no wake-up is missed. Callbacks always run
/// without the mutex held, so they may call back into the store.
class snapshot_store {
public:
  /// Starts with the initial value (0, version {0, ""}), no members, not synchronized;
  /// at most `max_watchers` blocking reads wait at once.
  explicit snapshot_store(std::string node_name, std::size_t max_watchers = 64);

  /// Answers every waiting read (with the latest view) and joins the expiry thread.
  ~snapshot_store();

  snapshot_store(const snapshot_store&) = delete;
  snapshot_store& operator=(const snapshot_store&) = delete;

  /// Publishes `value` unless the current view already holds a greater or equal
  /// version (the first value published is always taken, e.g. the initial 42 at
  /// version {0, ""}), and wakes the blocking reads whose index it passes.
  ///
  /// Monotonic on purpose: the store backend publishes the result of a write it just
  /// made (read-your-writes on this node) while the gateway actor may still deliver an
  /// older value pushed before it; the older one must not win, so reads on one node
  /// never go backwards in version. Returns true if it replaced the value. Never fails.
  bool publish_value(const versioned_value& value);

  /// Publishes a new member table, replacing the previous one; a member whose state
  /// differs from the previous table's (or that is new) gets `now` as its state_since.
  /// Never fails.
  void publish_members(
      const member_list& members,
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

  /// Marks the node synchronized with the cluster (for good). Never fails.
  void publish_synchronized();

  /// Returns the latest view; never null, never blocks on a writer for long.
  std::shared_ptr<const node_view> load() const;

  /// Blocking read: calls `done` with the latest view as soon as the value's version
  /// counter exceeds `index`, or once `timeout` passed, or when `stop_watchers()` is
  /// called, whichever comes first. Calls it at once, on the calling thread, if the
  /// counter already exceeds `index` or watchers are stopped, and with
  /// `too_many_watchers` if `max_watchers` reads are already waiting. Otherwise it
  /// runs later on the thread that publishes the value, the expiry thread or the one
  /// stopping watchers. Never blocks, never throws (a throwing callback terminates).
  void watch(uint64_t index, std::chrono::milliseconds timeout, watch_callback done);

  /// Wakes every blocking read and makes later ones return at once (shutdown).
  void stop_watchers();

  /// Blocking reads waiting right now (not yet answered).
  std::size_t watchers() const;

  /// The most blocking reads that may wait at once.
  std::size_t max_watchers() const { return max_watchers_; }

private:
  using clock = std::chrono::steady_clock;

  /// A blocking read that has not been answered yet.
  struct waiter {
    uint64_t index;
    watch_callback done;
  };

  /// Runs on `expirer_`: answers waiters whose deadline passed, until `stopped_`.
  void expire_loop();

  std::shared_ptr<const node_view> current_;
  mutable std::mutex write_mutex_;
  /// Wakes the expiry thread when an earlier deadline arrives or on stop.
  std::condition_variable deadlines_changed_;
  /// Waiting reads by deadline.
  std::multimap<clock::time_point, waiter> waiters_;
  std::thread expirer_;
  std::size_t max_watchers_;
  bool stopped_ = false;
  /// False until the first `publish_value`.
  bool value_published_ = false;
};

} // namespace onevalue
