#include "http/snapshot_store.hpp"

#include <atomic>

namespace onevalue {

snapshot_store::snapshot_store(std::string node_name) {
  auto view = std::make_shared<node_view>();
  view->node_name = std::move(node_name);
  current_ = std::move(view);
}

bool snapshot_store::publish_value(const versioned_value& value) {
  std::lock_guard<std::mutex> guard{write_mutex_};
  auto old = std::atomic_load(&current_);
  if (value.ver < old->value.ver || value.ver == old->value.ver)
    return false;
  auto next = std::make_shared<node_view>(*old);
  next->value = value;
  std::atomic_store(&current_, std::shared_ptr<const node_view>{std::move(next)});
  return true;
}

void snapshot_store::publish_members(const member_list& members) {
  std::lock_guard<std::mutex> guard{write_mutex_};
  auto old = std::atomic_load(&current_);
  auto next = std::make_shared<node_view>(*old);
  next->members = members;
  std::atomic_store(&current_, std::shared_ptr<const node_view>{std::move(next)});
}

std::shared_ptr<const node_view> snapshot_store::load() const {
  return std::atomic_load(&current_);
}

} // namespace onevalue
