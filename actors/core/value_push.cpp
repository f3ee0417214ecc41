#include "actors/core/value_push.hpp"

#include <algorithm>

namespace onevalue {

push_scope value_push_scope(std::size_t live_peers, bool written_here) {
  if (live_peers > push_to_all_limit)
    return push_scope::random;
  return written_here ? push_scope::all : push_scope::none;
}

push_scope member_push_scope(const member_update& update, const std::string& self_name) {
  bool own_leave =
      update.member.name == self_name && update.member.state == member_state::left;
  return own_leave ? push_scope::all : push_scope::random;
}

std::size_t push_count(push_scope scope, std::size_t live_peers, int gossip_nodes) {
  switch (scope) {
  case push_scope::none:
    return 0;
  case push_scope::all:
    return live_peers;
  case push_scope::random:
    break;
  }
  return std::min(live_peers, static_cast<std::size_t>(std::max(gossip_nodes, 0)));
}

} // namespace onevalue
