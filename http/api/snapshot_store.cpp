#include "http/api/snapshot_store.hpp"

#include <algorithm>

#include <atomic>
#include <vector>

namespace onevalue {

snapshot_store::snapshot_store(std::string node_name, std::size_t max_watchers)
    : max_watchers_(max_watchers) {
  auto view = std::make_shared<node_view>();
  view->node_name = std::move(node_name);
  current_ = std::move(view);
}

snapshot_store::~snapshot_store() {
  stop_watchers();
  if (expirer_.joinable())
    expirer_.join();
}

bool snapshot_store::publish_value(const versioned_value& value) {
  std::vector<watch_callback> woken;
  std::shared_ptr<const node_view> published;
  {
    std::lock_guard<std::mutex> guard{write_mutex_};
    auto old = std::atomic_load(&current_);
    // The first value is taken whatever its version: the store's initial value has
    // version {0, ""} like the placeholder this store starts with.
    if (value_published_ && !(old->value.ver < value.ver))
      return false;
    value_published_ = true;
    auto next = std::make_shared<node_view>(*old);
    next->value = value;
    next->applied_at = clock::now();
    published = next;
    std::atomic_store(&current_, std::shared_ptr<const node_view>{std::move(next)});
    for (auto i = waiters_.begin(); i != waiters_.end();) {
      if (i->second.index < value.ver.counter) {
        woken.push_back(std::move(i->second.done));
        i = waiters_.erase(i);
      } else {
        ++i;
      }
    }
  }
  for (auto& done : woken)
    done({watch_status::done, published});
  return true;
}

void snapshot_store::publish_members(const member_list& members,
                                     std::chrono::system_clock::time_point now) {
  std::lock_guard<std::mutex> guard{write_mutex_};
  auto old = std::atomic_load(&current_);
  auto next = std::make_shared<node_view>(*old);
  next->members = members;
  next->state_since.clear();
  for (const auto& m : members) {
    auto same = std::find_if(old->members.begin(), old->members.end(),
                             [&m](const member_info& o) { return o.name == m.name; });
    auto since = old->state_since.find(m.name);
    bool unchanged = same != old->members.end() && same->state == m.state
                     && since != old->state_since.end();
    next->state_since[m.name] = unchanged ? since->second : now;
  }
  std::atomic_store(&current_, std::shared_ptr<const node_view>{std::move(next)});
}

void snapshot_store::publish_synchronized() {
  std::lock_guard<std::mutex> guard{write_mutex_};
  auto old = std::atomic_load(&current_);
  if (old->synchronized)
    return;
  auto next = std::make_shared<node_view>(*old);
  next->synchronized = true;
  std::atomic_store(&current_, std::shared_ptr<const node_view>{std::move(next)});
}

std::shared_ptr<const node_view> snapshot_store::load() const {
  return std::atomic_load(&current_);
}

void snapshot_store::watch(uint64_t index, std::chrono::milliseconds timeout,
                           watch_callback done) {
  std::unique_lock<std::mutex> lock{write_mutex_};
  auto view = current_;
  if (stopped_ || view->value.ver.counter > index || timeout.count() <= 0) {
    lock.unlock();
    done({watch_status::done, std::move(view)});
    return;
  }
  if (waiters_.size() >= max_watchers_) {
    lock.unlock();
    done({watch_status::too_many_watchers, std::move(view)});
    return;
  }
  auto deadline = clock::now() + timeout;
  bool earliest = waiters_.empty() || deadline < waiters_.begin()->first;
  waiters_.emplace(deadline, waiter{index, std::move(done)});
  if (!expirer_.joinable())
    expirer_ = std::thread{[this] { expire_loop(); }};
  lock.unlock();
  if (earliest)
    deadlines_changed_.notify_one();
}

void snapshot_store::expire_loop() {
  std::unique_lock<std::mutex> lock{write_mutex_};
  while (!stopped_) {
    if (waiters_.empty()) {
      deadlines_changed_.wait(lock);
      continue;
    }
    auto deadline = waiters_.begin()->first;
    if (clock::now() < deadline) {
      deadlines_changed_.wait_until(lock, deadline);
      continue;
    }
    std::vector<watch_callback> expired;
    auto now = clock::now();
    while (!waiters_.empty() && waiters_.begin()->first <= now) {
      expired.push_back(std::move(waiters_.begin()->second.done));
      waiters_.erase(waiters_.begin());
    }
    auto view = current_;
    lock.unlock();
    for (auto& done : expired)
      done({watch_status::done, view});
    lock.lock();
  }
}

void snapshot_store::stop_watchers() {
  std::vector<watch_callback> woken;
  std::shared_ptr<const node_view> view;
  {
    std::lock_guard<std::mutex> guard{write_mutex_};
    stopped_ = true;
    view = current_;
    for (auto& [deadline, w] : waiters_)
      woken.push_back(std::move(w.done));
    waiters_.clear();
  }
  deadlines_changed_.notify_all();
  for (auto& done : woken)
    done({watch_status::done, view});
}

std::size_t snapshot_store::watchers() const {
  std::lock_guard<std::mutex> guard{write_mutex_};
  return waiters_.size();
}

} // namespace onevalue
