#include "actors/core/broadcast_queue.hpp"

#include <algorithm>

namespace onevalue {

namespace {

// CAF's binary serializer writes strings as a varint length plus bytes, integers at
// their full width, and vectors with a varint size. These bounds err on the large side.
constexpr std::size_t string_overhead = 5;
constexpr std::size_t vector_overhead = 5;

std::size_t size_of(const member_info& m) {
  return m.name.size() + m.address.size() + 2 * string_overhead + 2 + 2 + 1 + 8;
}

std::size_t size_of(const version& v) {
  return 8 + v.node.size() + string_overhead;
}

}  // namespace

std::size_t broadcast_queue::estimated_size(const member_update& u) {
  return size_of(u.member) + u.reporter.size() + string_overhead;
}

std::size_t broadcast_queue::estimated_size(const versioned_value& v) {
  return 8 + size_of(v.ver);
}

std::size_t broadcast_queue::estimated_size(const std::vector<member_info>& table,
                                            const versioned_value& v) {
  auto total = vector_overhead + estimated_size(v);
  for (auto& m : table)
    total += size_of(m);
  return total;
}

std::size_t broadcast_queue::estimated_size(const packet& p) {
  std::size_t total = 2 + size_of(p.sender) + 1 + 4 + p.swim.target.size()
                      + p.swim.conflict_address.size() + 2 * string_overhead + 2
                      + 2 * vector_overhead;
  for (auto& u : p.members)
    total += estimated_size(u);
  for (auto& v : p.values)
    total += estimated_size(v);
  return total;
}

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
  auto used = estimated_size(p);
  std::size_t added = 0;
  for (auto& x : items_) {
    auto cost = x.is_value ? estimated_size(x.value) : estimated_size(x.member);
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

}  // namespace onevalue
