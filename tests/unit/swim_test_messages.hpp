#pragma once

// Members and SWIM messages for the membership core's unit tests: node "nK" lives at
// 10.0.0.(K+1):7946.

#include "actors/core/member.hpp"
#include "actors/core/wire.hpp"

#include <cstdint>
#include <string>

namespace onevalue::test {

inline member_info node_info(const std::string& name, uint64_t inc = 0,
                             member_state state = member_state::alive) {
  auto last = std::to_string(name.back() - '0' + 1);
  return member_info{name, "10.0.0." + last, 7946, 8080, state, inc};
}

inline swim_message msg(swim_kind kind, uint32_t seq, std::string target = {}) {
  swim_message m;
  m.kind = kind;
  m.seq = seq;
  m.target = std::move(target);
  return m;
}

} // namespace onevalue::test
