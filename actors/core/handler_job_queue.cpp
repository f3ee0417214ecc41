#include "actors/core/handler_job_queue.hpp"

namespace onevalue {

std::size_t handler_job_queue::push(handler_job job) {
  std::size_t dropped = 0;
  while (waiting_.size() >= limit_) {
    waiting_.pop_front();
    ++dropped;
  }
  dropped_ += dropped;
  waiting_.push_back(std::move(job));
  return dropped;
}

std::optional<handler_job> handler_job_queue::start_next() {
  if (running_ >= concurrency_)
    return std::nullopt;
  for (auto it = waiting_.begin(); it != waiting_.end(); ++it) {
    if ((busy_lanes_ & mask_of(it->type)) != 0)
      continue;
    auto job = std::move(*it);
    waiting_.erase(it);
    busy_lanes_ |= mask_of(job.type);
    ++running_;
    return job;
  }
  return std::nullopt;
}

void handler_job_queue::finish(event_type type) {
  if ((busy_lanes_ & mask_of(type)) == 0)
    return;
  busy_lanes_ = static_cast<event_mask>(busy_lanes_ & ~mask_of(type));
  --running_;
}

} // namespace onevalue
