#pragma once

// The queue of handler runs waiting for a process slot: one lane per event type (runs
// of one type go one after another, in order), at most `concurrency` runs at once, at
// most `limit` waiting (the oldest is dropped). Pure: no threads; the handler pool
// (actors/handler_pool.hpp) calls it under its mutex.

#include "actors/core/event_invocation.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace onevalue {

/// Owned by the handler pool, which serializes every call.
class handler_job_queue {
public:
  /// `concurrency` >= 1 runs at once; `limit` >= 1 waiting runs.
  handler_job_queue(std::size_t concurrency, std::size_t limit)
      : concurrency_(concurrency), limit_(limit) {}

  /// Queues `job`. If `limit` runs are already waiting, the oldest waiting one is
  /// dropped to make room; returns how many were dropped (0 or 1).
  std::size_t push(handler_job job);

  /// The oldest waiting run whose lane is idle, if fewer than `concurrency` run;
  /// marks its lane busy. Nothing if none may start now.
  std::optional<handler_job> start_next();

  /// Marks the run of `type` started by `start_next` as finished.
  void finish(event_type type);

  std::size_t waiting() const { return waiting_.size(); }
  std::size_t running() const { return running_; }
  /// Runs dropped because the queue was full, since construction.
  uint64_t dropped() const { return dropped_; }

private:
  std::size_t concurrency_;
  std::size_t limit_;
  std::deque<handler_job> waiting_;
  std::size_t running_ = 0;
  event_mask busy_lanes_ = 0;
  uint64_t dropped_ = 0;
};

} // namespace onevalue
