#pragma once

#include "actors/protocol.hpp"
#include "http/router.hpp"
#include "http/snapshot_store.hpp"

#include <caf/actor_system.hpp>
#include <caf/timespan.hpp>

#include <memory>

namespace onevalue {

/// The real gateway backend: reads from the snapshot store, writes through the store
/// actor.
///
/// Owned by main next to the http_server that calls it; called concurrently from the
/// HTTP threads. Each write uses a fresh `caf::scoped_actor`: a reused blocking actor
/// keeps every stale request-timeout message in its mailbox and slows down without
/// bound (CAF-NOTES §6).
class store_backend : public gateway_backend {
public:
  /// `timeout` bounds every write; the actor system and the store must outlive this.
  store_backend(caf::actor_system& sys, store_actor store,
                std::shared_ptr<snapshot_store> snapshots, caf::timespan timeout);

  std::shared_ptr<const node_view> view() const override;

  /// Sends `(set_atom, n)` to the store and waits up to the timeout. On success also
  /// publishes the new value to the snapshot store, so a read on this node right
  /// after the write sees it (the store's push to the gateway actor may lag).
  /// Maps `request_timeout` to `timeout`, the store's `persistence_failed` and
  /// `not_synchronized` to the outcomes of the same name, anything else (store down,
  /// unexpected reply) to `failed`.
  write_outcome write(int64_t n) override;

  /// Sends `(set_atom, n, expected)` to the store (which checks the version and
  /// stages the write in one step) and waits like `write`; a mismatch becomes
  /// `precondition_failed` with the store's current value.
  write_outcome write_if(int64_t n, const version& expected) override;

  /// Waits on the snapshot store (no actor involved).
  watch_result watch(uint64_t index, std::chrono::milliseconds wait) override;

private:
  /// Maps a failed request to the store to its outcome.
  write_outcome failure_of(const caf::error& err) const;

  caf::actor_system& sys_;
  store_actor store_;
  std::shared_ptr<snapshot_store> snapshots_;
  caf::timespan timeout_;
};

} // namespace onevalue
