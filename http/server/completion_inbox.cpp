#include "http/server/completion_inbox.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace onevalue {

completion_inbox::completion_inbox()
    : wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  // nop
}

completion_inbox::~completion_inbox() {
  if (wake_fd_ >= 0)
    ::close(wake_fd_);
}

void completion_inbox::wake() {
  uint64_t one = 1;
  // A full eventfd counter (never in practice) still leaves the fd readable.
  [[maybe_unused]] auto written = ::write(wake_fd_, &one, sizeof(one));
}

void completion_inbox::clear_wake() {
  uint64_t count = 0;
  [[maybe_unused]] auto got = ::read(wake_fd_, &count, sizeof(count));
}

void completion_inbox::bind_to_current_thread() {
  owner_ = std::this_thread::get_id();
}

void completion_inbox::post(completion c) {
  if (std::this_thread::get_id() == owner_) {
    local_.push_back(std::move(c));
    return;
  }
  bool wake = false;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (closed_)
      return;
    wake = remote_.empty();
    remote_.push_back(std::move(c));
  }
  if (wake)
    this->wake();
}

std::vector<completion> completion_inbox::take() {
  std::vector<completion> out;
  out.swap(local_);
  std::lock_guard<std::mutex> guard{mutex_};
  if (out.empty()) {
    out.swap(remote_);
  } else {
    for (auto& c : remote_)
      out.push_back(std::move(c));
    remote_.clear();
  }
  return out;
}

void completion_inbox::close() {
  std::lock_guard<std::mutex> guard{mutex_};
  closed_ = true;
  remote_.clear();
}

} // namespace onevalue
