#include "actors/core/replay_filter.hpp"

#include <algorithm>
#include <cstring>

namespace onevalue {

std::size_t replay_filter::nonce_hash::operator()(const nonce& n) const noexcept {
  uint64_t h = 0;
  std::memcpy(&h, n.data(), sizeof(h));
  return static_cast<std::size_t>(h);
}

replay_filter::replay_filter(std::size_t capacity)
    : capacity_(std::max<std::size_t>(capacity, 1)) {
  seen_.reserve(capacity_);
  order_.reserve(capacity_);
}

bool replay_filter::first_sighting(const unsigned char* bytes) {
  nonce n;
  std::memcpy(n.data(), bytes, n.size());
  if (seen_.count(n) != 0)
    return false;
  if (order_.size() < capacity_) {
    order_.push_back(n);
  } else {
    seen_.erase(order_[next_]);
    order_[next_] = n;
    next_ = (next_ + 1) % capacity_;
  }
  seen_.insert(n);
  return true;
}

} // namespace onevalue
