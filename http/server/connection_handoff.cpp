#include "http/server/connection_handoff.hpp"

#include <utility>

namespace onevalue {

connection_handoff::connection_handoff(std::shared_ptr<completion_inbox> wake)
    : wake_(std::move(wake)) {
  // nop
}

bool connection_handoff::offer(accepted_socket& s) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (closed_)
      return false;
    // The loop clears its wake-up before it takes the queue, so one wake-up per
    // batch (when the queue was empty) is enough.
    wake = queued_.empty();
    queued_.push_back(std::move(s));
  }
  if (wake)
    wake_->wake();
  return true;
}

std::vector<accepted_socket> connection_handoff::take() {
  std::vector<accepted_socket> out;
  std::lock_guard<std::mutex> guard{mutex_};
  out.swap(queued_);
  return out;
}

std::vector<accepted_socket> connection_handoff::close() {
  std::lock_guard<std::mutex> guard{mutex_};
  closed_ = true;
  std::vector<accepted_socket> out;
  out.swap(queued_);
  return out;
}

std::size_t pick_loop(const std::vector<std::size_t>& loads, std::size_t self) {
  if (self >= loads.size())
    return self;
  std::size_t best = self;
  for (std::size_t i = 0; i < loads.size(); ++i)
    if (loads[i] < loads[best])
      best = i;
  return best;
}

} // namespace onevalue
