#pragma once

// The write bridge of store_backend: the actor that carries writes from the HTTP event
// loops to the store actor (eventual mode) or the consensus actor (linearizable mode)
// and answers each write's callback, within a deadline.

#include "actors/core/consensus_register.hpp"
#include "actors/protocol.hpp"
#include "http/api/router.hpp"
#include "http/api/snapshot_store.hpp"

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/timespan.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

namespace onevalue {

/// One write on its way through the bridge.
struct write_job {
  int64_t n = 0;
  /// Set for a conditional write (If-Match).
  std::optional<version> expected;
  write_callback done;
  /// Linearizable mode: the consensus operation (write, cas, add or read); `n` is its
  /// argument. Unset: a write to the local store (eventual mode).
  std::optional<operation_kind> consensus_op;
};

/// Writes handed over by the event loops, waiting for the bridge to take them.
/// Shared by the store_backend (which appends under `mutex`) and its bridge.
struct write_inbox {
  std::mutex mutex;
  std::vector<write_job> jobs;
  /// Set when the bridge stopped: later writes fail at once instead of queueing.
  bool closed = false;
  /// Bridge only (no lock): writes sent to the store and not answered yet. Kept here,
  /// not in the actor's state, so the bridge's exit handler can still answer them.
  std::unordered_map<uint64_t, write_job> pending;
};

/// Spawns the bridge between the HTTP loops and the store. The loops append jobs to
/// `inbox` and wake the bridge with one flush_atom per batch; each job becomes one
/// request to `store` (or to `consensus` if the job has a consensus operation), whose
/// reply is handed to the job's callback on a CAF worker thread. A write unanswered
/// after `timeout` is reported `timeout` (a consensus operation `unknown`: it may
/// still take effect); a store error becomes the outcome of the same name, anything
/// else `failed`. However the bridge ends, every job it holds or that is queued in
/// `inbox` is answered `failed`, and `inbox` is closed to later jobs.
caf::actor spawn_write_bridge(caf::actor_system& sys, store_actor store,
                              consensus_actor consensus,
                              std::shared_ptr<snapshot_store> snapshots,
                              std::shared_ptr<write_inbox> inbox, caf::timespan timeout);

} // namespace onevalue
