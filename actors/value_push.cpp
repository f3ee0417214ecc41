#include "actors/value_push.hpp"

namespace onevalue {

push_scope value_push_scope(std::size_t live_peers, bool written_here) {
  if (live_peers > push_to_all_limit)
    return push_scope::random;
  return written_here ? push_scope::all : push_scope::none;
}

} // namespace onevalue
