#pragma once

#include "actors/protocol.hpp"

#include <memory>
#include <mutex>
#include <string>

namespace onevalue {

/// What the HTTP gateway serves: the latest value and member table this node knows.
///
/// Immutable once published; readers hold it through a `shared_ptr<const node_view>`
/// for as long as they need it.
struct node_view {
  versioned_value value;
  member_list members;
  std::string node_name;
};

/// The publication point between the actors and the HTTP threads.
///
/// The gateway actor publishes every value and member table it is told about; HTTP
/// threads `load()` the latest view without ever waiting on an actor. Owned by main
/// (shared with the gateway actor and the store backend); every method is thread-safe.
/// Readers take the shared_ptr atomically (libstdc++ guards it with a tiny spinlock);
/// writers serialize on a mutex so two publishers cannot lose each other's update.
class snapshot_store {
public:
  /// Starts with the initial value (0, version {0, ""}) and no members.
  explicit snapshot_store(std::string node_name);

  snapshot_store(const snapshot_store&) = delete;
  snapshot_store& operator=(const snapshot_store&) = delete;

  /// Publishes `value` unless the current view already holds a greater version.
  ///
  /// Monotonic on purpose: the store backend publishes the result of a write it just
  /// made (read-your-writes on this node) while the gateway actor may still deliver an
  /// older value pushed before it; the older one must not win. Returns true if it
  /// replaced the value. Never fails.
  bool publish_value(const versioned_value& value);

  /// Publishes a new member table, replacing the previous one. Never fails.
  void publish_members(const member_list& members);

  /// Returns the latest view; never null, never blocks on a writer for long.
  std::shared_ptr<const node_view> load() const;

private:
  std::shared_ptr<const node_view> current_;
  std::mutex write_mutex_;
};

} // namespace onevalue
