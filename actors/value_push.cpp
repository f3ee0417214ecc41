#include "actors/value_push.hpp"

namespace onevalue {

push_scope value_push_scope(std::size_t live_peers, bool written_here) {
  if (live_peers > push_to_all_limit)
    return push_scope::random;
  return written_here ? push_scope::all : push_scope::none;
}

push_scope member_push_scope(const member_update& update, const std::string& self_name) {
  bool own_leave = update.member.name == self_name && update.member.state == member_state::left;
  return own_leave ? push_scope::all : push_scope::random;
}

} // namespace onevalue
