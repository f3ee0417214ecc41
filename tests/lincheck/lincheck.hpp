#pragma once

// A linearizability checker for onevalue's register (read, write, cas, add), after
// Wing & Gong's search with memoisation of (linearized set, state) as in Lowe's
// "just-in-time" variant, Knossos and Porcupine. Written for this project.
//
// The model is the register of linearizable mode (actors/core/consensus_register.hpp):
// a state is (value, version) and every successful change raises the version index by
// one and stamps the node that proposed it. An operation's outcome is
//
//   ok       it took effect exactly once between its call and its return; `response`
//            is the state right after it (for a read: the state it saw);
//   fail     it took place between call and return without effect: a cas whose
//            expected version differed, an add that would overflow; `response`, if
//            given, is the state it saw;
//   unknown  it may have taken effect once, at any time after its call, or never;
//   refused  it never took effect (e.g. unavailable): counted, not searched.
//
// An unknown read is counted and dropped (it constrains nothing).

#include "actors/core/version.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace onevalue::lincheck {

enum class op_type : uint8_t { read, write, cas, add };
enum class outcome : uint8_t { ok, fail, unknown, refused };

/// Names for reports and the JSON format: "read", "ok", ...
const char* name_of(op_type t);
const char* name_of(outcome o);

/// One client operation as the client saw it.
struct history_op {
  /// Who issued it (for the explanation only).
  uint64_t client = 0;
  /// The node the client asked. A change is stamped with the node named in its
  /// response's version if it has one, else with this node.
  std::string node;
  op_type type = op_type::read;
  /// write, cas: the new value; add: the delta.
  int64_t argument = 0;
  /// cas: the version the register must hold.
  version expected;
  outcome result = outcome::ok;
  /// See the outcomes above.
  std::optional<versioned_value> response;
  /// Invocation and completion times, in any one monotonic unit. `ret` is ignored for
  /// unknown operations (they may take effect after the client gave up).
  int64_t call = 0;
  int64_t ret = 0;
};

/// A whole history: the register's initial state and every operation.
struct history {
  versioned_value initial;
  std::vector<history_op> ops;
};

/// Operations per type (read, write, cas, add) and outcome (ok, fail, unknown, refused).
using outcome_counts = std::array<std::array<uint64_t, 4>, 4>;

/// Bounds of one check.
struct check_options {
  /// Give up (verdict `undecided`) after exploring this many states.
  uint64_t max_states = 5'000'000;
};

/// The result of a check.
struct report {
  enum class verdict { linearizable, not_linearizable, undecided, invalid };
  verdict result = verdict::invalid;
  outcome_counts counts{};
  /// Operations the search had to place (ok, fail and unknown changes).
  uint64_t searched_ops = 0;
  uint64_t states_explored = 0;
  /// invalid: what is wrong with the history; not_linearizable: the operations around
  /// the point where no linearization exists; otherwise empty.
  std::string explanation;
};

/// Checks `h`. Never throws on bad input: a malformed history is verdict `invalid`.
report check(const history& h, const check_options& options = {});

/// The report as text: verdict, counts per type and outcome, the explanation.
std::string format_report(const report& r);

/// One operation as a line of text (for explanations and test messages).
std::string describe(const history_op& op);

} // namespace onevalue::lincheck
