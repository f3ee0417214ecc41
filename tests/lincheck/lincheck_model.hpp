#pragma once

// The register model the search runs (internal to the checker): states and operations
// with node names replaced by small numbers.

#include "tests/lincheck/lincheck.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace onevalue::lincheck {

/// (value, version) with the version's node as a number.
struct model_state {
  int64_t value = 0;
  uint64_t counter = 0;
  uint32_t node = 0;
};

inline bool operator==(const model_state& a, const model_state& b) {
  return a.value == b.value && a.counter == b.counter && a.node == b.node;
}

/// An operation as the model applies it.
struct model_op {
  op_type type = op_type::read;
  outcome result = outcome::ok;
  int64_t argument = 0;
  uint64_t expected_counter = 0;
  uint32_t expected_node = 0;
  bool has_response = false;
  model_state response;
  /// The node a change stamps.
  uint32_t stamp = 0;
};

/// Numbers node names; "" is 0.
class node_names {
public:
  node_names() { id(""); }
  uint32_t id(const std::string& name) {
    auto [it, added] = ids_.emplace(name, static_cast<uint32_t>(names_.size()));
    if (added)
      names_.push_back(name);
    return it->second;
  }
  const std::string& name(uint32_t id) const { return names_.at(id); }

private:
  std::map<std::string, uint32_t> ids_;
  std::vector<std::string> names_;
};

/// Applies `op` to `s`: true and the next state in `out` if `op` can take place in `s`
/// with the outcome and response it has; false otherwise.
bool step(const model_op& op, const model_state& s, model_state& out);

} // namespace onevalue::lincheck
