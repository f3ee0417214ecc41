#pragma once

// A history made ready for the search (internal to the checker): validated, the
// operations that need placing numbered (definite ones first, then the unknown ones,
// each group in call order), and pinned to the version index their response shows.

#include "tests/lincheck/lincheck_model.hpp"

#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace onevalue::lincheck {

/// The return time of an operation that may take effect at any time after its call.
constexpr int64_t never = std::numeric_limits<int64_t>::max();

struct prepared {
  std::vector<model_op> ops;
  /// Index into the history's operations, per searched operation.
  std::vector<std::size_t> source;
  std::vector<int64_t> call;
  /// `never` for unknown operations.
  std::vector<int64_t> ret;
  /// The version index the register must hold just before the operation, if its
  /// response pins it.
  std::vector<std::optional<uint64_t>> pinned;
  /// Operations [0, definite) are ok or fail; [definite, size) are unknown.
  std::size_t definite = 0;
  model_state initial;
  node_names names;
};

/// Validates `h`, counts its outcomes into `counts`, and fills `p`. Returns what is
/// wrong with the history, or "" if nothing is.
std::string prepare(const history& h, prepared& p, outcome_counts& counts);

/// Checks the necessary conditions of lincheck_precheck.cpp; returns an explanation
/// of the first one `h` breaks, or "".
std::string precheck(const history& h);

} // namespace onevalue::lincheck
