#include "actors/core/member.hpp"

namespace onevalue {

const char* to_string(member_state state) {
  switch (state) {
    case member_state::alive:
      return "alive";
    case member_state::suspect:
      return "suspect";
    case member_state::failed:
      return "failed";
    case member_state::left:
      return "left";
  }
  return "unknown";
}

std::optional<member_state> parse_member_state(const std::string& text) {
  for (auto s : {member_state::alive, member_state::suspect, member_state::failed,
                 member_state::left})
    if (text == to_string(s))
      return s;
  return std::nullopt;
}

}  // namespace onevalue
