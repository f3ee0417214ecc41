#include "actors/core/value_register.hpp"

#include <algorithm>

namespace onevalue {

value_register::value_register(int64_t initial) {
  current_.value = initial;
}

value_register::value_register(versioned_value restored, uint64_t clock)
  : current_(std::move(restored)), clock_(std::max(clock, current_.ver.counter)) {
}

versioned_value value_register::prepare_write(int64_t value, const std::string& node) const {
  return versioned_value{value, version{std::max(clock_, current_.ver.counter) + 1, node}};
}

bool value_register::merge(const versioned_value& incoming) {
  observe(incoming.ver.counter);
  if (!(current_.ver < incoming.ver))
    return false;
  current_ = incoming;
  return true;
}

void value_register::observe(uint64_t counter) {
  clock_ = std::max(clock_, counter);
}

}  // namespace onevalue
