#pragma once

#include "actors/core/member.hpp"

#include <cstdint>
#include <string>
#include <tuple>

namespace onevalue {

/// The version of a value: a Lamport counter and the name of the node that wrote it.
///
/// Versions are totally ordered, counter first and node name second, so two nodes that
/// have seen the same writes always pick the same winner (last-writer-wins register).
struct version {
  /// Lamport clock reading at the write; 0 only for the initial value nobody wrote.
  uint64_t counter = 0;
  /// Unique name of the writing node; empty only for the initial value.
  std::string node;
};

inline bool operator<(const version& a, const version& b) {
  return std::tie(a.counter, a.node) < std::tie(b.counter, b.node);
}
inline bool operator==(const version& a, const version& b) {
  return a.counter == b.counter && a.node == b.node;
}
inline bool operator!=(const version& a, const version& b) {
  return !(a == b);
}
inline bool operator>(const version& a, const version& b) {
  return b < a;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, version& x) {
  return f(x.counter, x.node);
}

/// True for the initial version (counter 0, no writer) or a written one (counter above
/// 0 and a valid node name). A version from outside that is neither is refused.
inline bool valid_version(const version& v) {
  return v.counter == 0 ? v.node.empty() : valid_node_name(v.node);
}

/// The one value of the database together with its version.
struct versioned_value {
  int64_t value = 0;
  version ver;
  /// When the writer accepted the value: its wall clock (CLOCK_REALTIME) in
  /// microseconds since the Unix epoch; 0 if unknown (the initial value, a value
  /// restored from disk). Only for the dissemination metric
  /// (`onevalue_value_applied_delay_seconds`): it is no part of the value's identity or
  /// order, and it is as wrong as the clock skew between the writer's host and the
  /// reader's.
  uint64_t written_at_us = 0;
};

inline bool operator==(const versioned_value& a, const versioned_value& b) {
  return a.value == b.value && a.ver == b.ver;
}
inline bool operator!=(const versioned_value& a, const versioned_value& b) {
  return !(a == b);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, versioned_value& x) {
  return f(x.value, x.ver, x.written_at_us);
}

} // namespace onevalue
