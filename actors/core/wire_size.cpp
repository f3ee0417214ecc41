#include "actors/core/wire_size.hpp"

namespace onevalue {

namespace estimate {

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

std::size_t size_of(const member_update& u) {
  return size_of(u.member) + u.reporter.size() + string_overhead;
}

std::size_t size_of(const versioned_value& v) {
  return 8 + size_of(v.ver);
}

std::size_t size_of(const packet& p) {
  std::size_t total = 2 + size_of(p.sender) + 1 + 4 + p.swim.target.size()
                      + p.swim.conflict_address.size() + 2 * string_overhead + 2
                      + 2 * vector_overhead;
  for (auto& u : p.members)
    total += size_of(u);
  for (auto& v : p.values)
    total += size_of(v);
  return total;
}

std::size_t size_of(const std::vector<member_info>& table, const versioned_value& v) {
  auto total = vector_overhead + size_of(v);
  for (auto& m : table)
    total += size_of(m);
  return total;
}

} // namespace estimate

// The one line that picks the sizes every caller gets.
namespace sizes = estimate;

std::size_t wire_size(const packet& p) {
  return sizes::size_of(p);
}

std::size_t wire_size(const member_update& u) {
  return sizes::size_of(u);
}

std::size_t wire_size(const versioned_value& v) {
  return sizes::size_of(v);
}

std::size_t wire_size(const std::vector<member_info>& table, const versioned_value& v) {
  return sizes::size_of(table, v);
}

} // namespace onevalue
