#include "actors/core/broadcast_queue.hpp"

#include "actors/core/wire_size.hpp"

#include <algorithm>

namespace onevalue {

void broadcast_queue::push(const member_update& update) {
  items_.erase(std::remove_if(items_.begin(), items_.end(),
                              [&](const item& x) {
                                return !x.is_value
                                       && x.member.member.name == update.member.name;
                              }),
               items_.end());
  item x;
  x.member = update;
  x.id = next_id_++;
  items_.push_back(std::move(x));
}

void broadcast_queue::push(const versioned_value& value) {
  for (auto& x : items_)
    if (x.is_value && !(x.value.ver < value.ver))
      return;
  items_.erase(std::remove_if(items_.begin(), items_.end(),
                              [](const item& x) { return x.is_value; }),
               items_.end());
  item x;
  x.is_value = true;
  x.value = value;
  x.id = next_id_++;
  items_.push_back(std::move(x));
}

std::size_t broadcast_queue::fill(packet& p, std::size_t budget, std::size_t limit) {
  // Fewest transmissions first; among equals, the newest first.
  std::sort(items_.begin(), items_.end(), [](const item& a, const item& b) {
    return a.transmits != b.transmits ? a.transmits < b.transmits : a.id > b.id;
  });
  auto used = wire_size(p);
  std::size_t added = 0;
  for (auto& x : items_) {
    auto cost = x.is_value ? wire_size(x.value) : wire_size(x.member);
    if (used + cost > budget)
      continue;
    used += cost;
    if (x.is_value)
      p.values.push_back(x.value);
    else
      p.members.push_back(x.member);
    ++x.transmits;
    ++added;
  }
  items_.erase(std::remove_if(items_.begin(), items_.end(),
                              [limit](const item& x) { return x.transmits >= limit; }),
               items_.end());
  return added;
}

} // namespace onevalue
