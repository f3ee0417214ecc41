#include "app/node_signals.hpp"

#include <ctime>

#include <unistd.h>

namespace onevalue {

sigset_t termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, fatal_signal);
  return set;
}

void name_conflict_exit::raise(const std::string& message) {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (!message_.empty())
      return;
    message_ = message;
  }
  kill(getpid(), fatal_signal);
}

std::string name_conflict_exit::message() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return message_;
}

int wait_for_signal(const sigset_t& set, std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0) {
    int sig = 0;
    return sigwait(&set, &sig) == 0 ? sig : 0;
  }
  timespec ts{static_cast<time_t>(timeout.count() / 1000),
              static_cast<long>((timeout.count() % 1000) * 1000000)};
  auto sig = sigtimedwait(&set, nullptr, &ts);
  return sig > 0 ? sig : 0;
}

} // namespace onevalue
