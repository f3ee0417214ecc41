#include "http/snapshot_store.hpp"

#include <atomic>

namespace onevalue {

snapshot_store::snapshot_store(std::string node_name, std::size_t max_watchers)
    : max_watchers_(max_watchers) {
  auto view = std::make_shared<node_view>();
  view->node_name = std::move(node_name);
  current_ = std::move(view);
}

bool snapshot_store::publish_value(const versioned_value& value) {
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
    std::atomic_store(&current_, std::shared_ptr<const node_view>{std::move(next)});
  }
  changed_.notify_all();
  return true;
}

void snapshot_store::publish_members(const member_list& members) {
  std::lock_guard<std::mutex> guard{write_mutex_};
  auto old = std::atomic_load(&current_);
  auto next = std::make_shared<node_view>(*old);
  next->members = members;
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

watch_result snapshot_store::wait_for_index(uint64_t index,
                                            std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock{write_mutex_};
  auto passed = [&] { return stopped_ || current_->value.ver.counter > index; };
  if (passed())
    return {watch_status::done, current_};
  if (watchers_ >= max_watchers_)
    return {watch_status::too_many_watchers, current_};
  ++watchers_;
  changed_.wait_for(lock, timeout, passed);
  --watchers_;
  return {watch_status::done, current_};
}

void snapshot_store::stop_watchers() {
  {
    std::lock_guard<std::mutex> guard{write_mutex_};
    stopped_ = true;
  }
  changed_.notify_all();
}

std::size_t snapshot_store::watchers() const {
  std::lock_guard<std::mutex> guard{write_mutex_};
  return watchers_;
}

} // namespace onevalue
