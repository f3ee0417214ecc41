#pragma once

// The threads that run event handler processes, apart from every actor: a slow or
// hanging handler holds one of these threads, never a protocol actor. No CAF.

#include "actors/core/handler_job_queue.hpp"
#include "actors/process_runner.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace onevalue {

/// Limits of the handler pool (the event-handler-* options).
struct handler_pool_settings {
  /// Handler processes running at once (threads of the pool), >= 1.
  std::size_t concurrency = 4;
  /// Runs waiting for a slot; past it the oldest waiting run is dropped.
  std::size_t queue_limit = 256;
  /// A run's time limit before SIGTERM.
  std::chrono::milliseconds timeout{30000};
  /// Time between SIGTERM and SIGKILL.
  std::chrono::milliseconds kill_grace{1000};
  /// Bytes of a handler's stderr that are logged.
  std::size_t max_stderr_bytes = 4096;
};

/// Runs handler jobs on `concurrency` threads of its own, in lanes (handler_job_queue):
/// runs of one event type one after another, in order. Logs every run's outcome (exit
/// status, signal, timeout, stderr) and every drop. Owned by main; `submit` may be
/// called from any thread (the event handler actor calls it).
class handler_pool {
public:
  /// Called on a pool thread after each run, after it was logged (for tests).
  using observer = std::function<void(const handler_job&, const process_result&)>;

  explicit handler_pool(handler_pool_settings settings, observer on_done = {});

  /// Stops: see `stop`.
  ~handler_pool();

  handler_pool(const handler_pool&) = delete;
  handler_pool& operator=(const handler_pool&) = delete;

  /// Queues the jobs in order; drops the oldest waiting ones past the queue limit
  /// (logged with the count). Ignored after `stop`.
  void submit(std::vector<handler_job> jobs);

  /// Drops waiting runs, ends running ones as at a timeout (SIGTERM, SIGKILL after
  /// the grace period) and joins the threads. Idempotent.
  void stop();

  /// Runs dropped because the queue was full.
  uint64_t dropped() const;

private:
  void work();
  static void log_outcome(const handler_job& job, const process_result& result);

  handler_pool_settings settings_;
  observer on_done_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  handler_job_queue queue_;
  bool stopping_ = false;
  /// Written once by `stop`: readable from then on, it cancels every running process.
  int cancel_pipe_[2] = {-1, -1};
  std::vector<std::thread> threads_;
};

} // namespace onevalue
