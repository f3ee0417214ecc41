#pragma once

// How the node is told to stop: SIGTERM and SIGINT from an operator, and a signal of
// its own when it must stop with an error (its name belongs to another live node).

#include <chrono>
#include <csignal>
#include <mutex>
#include <string>

namespace onevalue {

/// Raised by the node itself (never by an operator) when it must stop with an error:
/// its name belongs to another live node (see `name_conflict_exit`).
constexpr int fatal_signal = SIGUSR2;

/// The signals that stop the node. Blocked in every thread (they inherit the mask from
/// main) and collected synchronously with sigtimedwait.
sigset_t termination_signals();

/// The reason the node stops with an error, set from an actor's thread and read by
/// main once `fatal_signal` arrived. Empty while the node runs normally. Thread-safe.
class name_conflict_exit {
public:
  /// Records `message` (the first one wins) and wakes main with `fatal_signal`.
  void raise(const std::string& message);

  std::string message() const;

private:
  mutable std::mutex mutex_;
  std::string message_;
};

/// Waits up to `timeout` (forever if zero) for a signal of `set`; returns it, or 0.
int wait_for_signal(const sigset_t& set, std::chrono::milliseconds timeout);

} // namespace onevalue
