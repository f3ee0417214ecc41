#include "actors/handler_pool.hpp"

#include "actors/log.hpp"

#include <csignal>

#include <fcntl.h>
#include <unistd.h>

namespace onevalue {

namespace {

/// Stderr on one log line: newlines shown as " | ", trailing ones removed.
std::string one_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  std::string out;
  for (char c : text)
    out += c == '\n' ? std::string{" | "} : std::string(1, c == '\r' ? ' ' : c);
  return out;
}

} // namespace

handler_pool::handler_pool(handler_pool_settings settings, observer on_done)
    : settings_(settings), on_done_(std::move(on_done)),
      queue_(settings.concurrency, settings.queue_limit) {
  if (::pipe2(cancel_pipe_, O_CLOEXEC) != 0)
    OV_LOG_WARN("event handlers: no cancel pipe; running handlers finish on their own "
                "at shutdown");
  for (std::size_t i = 0; i < settings_.concurrency; ++i)
    threads_.emplace_back([this] { work(); });
}

handler_pool::~handler_pool() {
  stop();
  for (int fd : cancel_pipe_)
    if (fd >= 0)
      ::close(fd);
}

void handler_pool::submit(std::vector<handler_job> jobs) {
  std::size_t dropped = 0;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (stopping_)
      return;
    for (auto& job : jobs)
      dropped += queue_.push(std::move(job));
    if (dropped > 0)
      OV_LOG_WARN("event handlers cannot keep up: dropped the {} oldest waiting run(s) "
                  "({} since start; queue limit {})",
                  dropped, queue_.dropped(), settings_.queue_limit);
  }
  wake_.notify_all();
}

void handler_pool::stop() {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (stopping_ && threads_.empty())
      return;
    stopping_ = true;
    if (cancel_pipe_[1] >= 0) {
      char byte = 1;
      auto written = ::write(cancel_pipe_[1], &byte, 1);
      (void)written;
    }
  }
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable())
      t.join();
  threads_.clear();
}

uint64_t handler_pool::dropped() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return queue_.dropped();
}

void handler_pool::work() {
  // Termination signals stay with main's sigwait (they are blocked already; this makes
  // it independent of who creates the pool).
  sigset_t blocked;
  sigemptyset(&blocked);
  for (int sig : {SIGTERM, SIGINT, SIGUSR2})
    sigaddset(&blocked, sig);
  pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
  std::unique_lock<std::mutex> lock{mutex_};
  while (true) {
    std::optional<handler_job> job;
    wake_.wait(lock,
               [&] { return stopping_ || (job = queue_.start_next()).has_value(); });
    if (!job)
      return;
    lock.unlock();
    process_request request{
        job->command,      job->input,           job->env,
        settings_.timeout, settings_.kill_grace, settings_.max_stderr_bytes};
    auto result = run_process(request, cancel_pipe_[0]);
    log_outcome(*job, result);
    if (on_done_)
      on_done_(*job, result);
    lock.lock();
    queue_.finish(job->type);
    // The lane is free: another thread may now start the next run of this type.
    wake_.notify_all();
  }
}

void handler_pool::log_outcome(const handler_job& job, const process_result& r) {
  const char* event = to_string(job.type);
  if (!r.started) {
    OV_LOG_WARN("event handler \"{}\" for {}: {}", job.command, event, r.error);
    return;
  }
  std::string err = one_line(r.stderr_text);
  if (r.stderr_dropped > 0)
    err += " (" + std::to_string(r.stderr_dropped) + " more bytes dropped)";
  if (r.timed_out) {
    OV_LOG_WARN("event handler \"{}\" for {}: {} after {} ms; sent SIGTERM{}; stderr: {}",
                job.command, event, r.cancelled ? "cancelled (shutdown)" : "timed out",
                r.duration.count(),
                r.killed ? ", then SIGKILL after the grace period" : "", err);
  } else if (r.exit_code == 0) {
    OV_LOG_INFO("event handler \"{}\" for {}: exit 0 in {} ms{}{}", job.command, event,
                r.duration.count(), err.empty() ? "" : "; stderr: ", err);
  } else if (r.signal != 0) {
    OV_LOG_WARN(
        "event handler \"{}\" for {}: killed by signal {} after {} ms; stderr: {}",
        job.command, event, r.signal, r.duration.count(), err);
  } else {
    OV_LOG_WARN("event handler \"{}\" for {}: exit {} after {} ms; stderr: {}",
                job.command, event, r.exit_code, r.duration.count(), err);
  }
}

} // namespace onevalue
