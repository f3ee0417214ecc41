#include "actors/core/value_register.hpp"

#include <algorithm>
#include <limits>

namespace onevalue {

namespace {

constexpr uint64_t counter_max = std::numeric_limits<uint64_t>::max();

uint64_t saturating_add(uint64_t a, uint64_t b) {
  return a > counter_max - b ? counter_max : a + b;
}

} // namespace

const char* to_string(merge_result r) {
  switch (r) {
  case merge_result::accepted:
    return "accepted";
  case merge_result::stale:
    return "stale";
  case merge_result::invalid:
    return "invalid";
  case merge_result::too_far_ahead:
    return "too_far_ahead";
  }
  return "unknown";
}

value_register::value_register(int64_t initial) {
  current_.value = initial;
}

value_register::value_register(versioned_value restored, uint64_t clock)
    : current_(std::move(restored)), clock_(std::max(clock, current_.ver.counter)) {}

std::optional<versioned_value> value_register::next_write(int64_t value,
                                                          const std::string& node) const {
  auto highest = std::max(clock_, current_.ver.counter);
  if (highest == counter_max)
    return std::nullopt;
  return versioned_value{value, version{highest + 1, node}};
}

versioned_value value_register::prepare_write(int64_t value,
                                              const std::string& node) const {
  if (auto w = next_write(value, node))
    return *w;
  return versioned_value{value, version{counter_max, node}};
}

merge_result value_register::offer(const versioned_value& incoming) {
  if (!valid_version(incoming.ver))
    return merge_result::invalid;
  auto ceiling = saturating_add(std::max(clock_, counter_free_range), max_counter_step);
  if (incoming.ver.counter > ceiling) {
    observe(ceiling);
    return merge_result::too_far_ahead;
  }
  observe(incoming.ver.counter);
  if (!(current_.ver < incoming.ver))
    return merge_result::stale;
  current_ = incoming;
  return merge_result::accepted;
}

void value_register::observe(uint64_t counter) {
  clock_ = std::max(clock_, counter);
}

} // namespace onevalue
