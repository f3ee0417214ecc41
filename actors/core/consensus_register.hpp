#pragma once

// The state the CASPaxos acceptors replicate, and the operations that change it.
//
// Version mapping (the invariant gossip relies on). A committed state's version is
// `(index, proposer)`: `index` counts the successful changes (write, successful cas,
// successful add) since the initial state, and `proposer` names the node whose
// proposer made the last one. Every change raises the index by exactly one; reads and
// failed operations leave the version alone. So, for any two chosen states A and B,
//
//     A chosen at a lower ballot than B  =>  version(A) <= version(B),
//     version(A) == version(B)           =>  A == B,
//
// because every state accepted at a higher ballot than a chosen one derives from it by
// zero or more changes (CASPaxos's safety property). Versions are thus "ordered like
// the ballots": the store's last-writer-wins merge, which orders versions by (counter,
// node), never lets an older committed value replace a newer one, and nodes that learn
// committed values by gossip converge on the newest. The index is also what a plain
// (local) read reports as the index it reflects.
//
// Exactly once. A proposer whose accept round failed cannot tell from the value alone
// whether its changes took effect: another proposer may have adopted its proposal and
// built on it, even long after the proposer moved on (a proposal accepted by a single
// voter can be adopted by any later prepare whose majority holds nothing newer). So the
// state also records, per proposer, the number of its attempt that made the last
// change (`proposer_record`). Every evaluation of a batch is a new attempt with a new
// number; the chosen states form one chain, and an attempt's base lacks the records
// of the batch's later attempts, so at most one attempt of a batch is ever in the
// chain, and a proposer that finds its record knows which one, and so which results.

#include "actors/core/consensus_ballot.hpp"
#include "actors/core/version.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace onevalue {

/// The last change a proposer made.
struct proposer_record {
  std::string name;
  /// The proposer's epoch when it made the change.
  uint64_t epoch = 0;
  /// The number of the attempt (one evaluation of a batch) that made it, counted per
  /// epoch from 1.
  uint64_t attempt = 0;
  /// The version index right after the change: the eviction order.
  uint64_t index = 0;
};

inline bool operator==(const proposer_record& a, const proposer_record& b) {
  return a.name == b.name && a.epoch == b.epoch && a.attempt == b.attempt
         && a.index == b.index;
}

/// The most proposers a register state remembers (a bound for the codec too).
constexpr std::size_t max_tracked_proposers = 32;

/// What the acceptors replicate: the value with its version, plus the bookkeeping that
/// makes retried batches apply exactly once.
struct register_state {
  versioned_value current;
  /// At most `max_tracked_proposers` records, in no particular order, names unique.
  std::vector<proposer_record> proposers;
  /// The highest `index` of a record evicted to make room (0: none ever was). An
  /// attempt that may have been applied after this index would still have its record.
  uint64_t forgotten_through = 0;
};

inline bool operator==(const register_state& a, const register_state& b) {
  return a.current == b.current && a.proposers == b.proposers
         && a.forgotten_through == b.forgotten_through;
}
inline bool operator!=(const register_state& a, const register_state& b) {
  return !(a == b);
}

/// The state every node starts from (it must be the same on all nodes): `value` at
/// version (0, "").
register_state initial_register_state(int64_t value);

/// The kinds of change functions.
enum class operation_kind : uint8_t {
  read,  ///< no change; returns the value
  write, ///< sets the value
  cas,   ///< sets the value if the version equals `expected`
  add,   ///< adds `argument` unless the sum overflows int64
};

/// One client operation, the argument of a change function.
struct operation {
  operation_kind kind = operation_kind::read;
  /// write and cas: the new value; add: the delta; read: unused.
  int64_t argument = 0;
  /// cas only: the version the register must hold.
  version expected;
};

/// How an operation ended.
enum class operation_status : uint8_t {
  /// Took effect (or, for a read, observed) exactly once: `current` is the value after.
  ok,
  /// Took place without effect (see `failure_reason`): `current` is the value it saw.
  failed,
  /// Timed out after a proposal holding it left this node: it may still take effect.
  unknown,
  /// Never took effect and never will (no quorum answered before a proposal holding it
  /// left, the queue was full, or the proposer could not go on).
  unavailable,
};

/// Why an operation failed.
enum class failure_reason : uint8_t {
  none,
  version_mismatch,  ///< cas: the register holds another version
  overflow,          ///< add: the sum does not fit in int64
  version_exhausted, ///< the version index is at its upper bound (a corrupt peer)
};

/// The answer to one operation.
struct operation_result {
  operation_status status = operation_status::unavailable;
  failure_reason reason = failure_reason::none;
  /// ok: the value after the operation; failed: the value it saw; otherwise unset.
  versioned_value current;
};

/// Applies `op` to `state` as proposed by node `proposer`: a change raises the version
/// index by one and stamps `proposer`. A failed operation leaves `state` untouched.
operation_result apply_operation(register_state& state, const operation& op,
                                 const std::string& proposer);

/// True if `result` changed the state (a successful write, cas or add).
bool changed_state(const operation& op, const operation_result& result);

/// Records that attempt `attempt` of `self` changed `state` (whose index is already
/// raised by the change). Keeps at most `capacity` records (1..max_tracked_proposers)
/// by evicting the one with the lowest index, raising `forgotten_through` to it.
void record_attempt(register_state& state, const proposer_identity& self,
                    uint64_t attempt, std::size_t capacity);

/// Whether a state holds one of a batch's attempts.
enum class batch_presence {
  applied,    ///< one attempt is in the state (`attempt` says which)
  absent,     ///< no attempt is in the state
  unknowable, ///< the record may have been evicted: it cannot be told
};

struct batch_lookup {
  batch_presence presence = batch_presence::absent;
  uint64_t attempt = 0;
};

/// Whether `state` holds one of the changing attempts of a batch of `self`, numbered
/// `first`..`last` (other attempts of the proposer in between changed nothing), the
/// earliest of which was evaluated on a state with version index `base_index`.
batch_lookup find_attempt(const register_state& state, const proposer_identity& self,
                          uint64_t first, uint64_t last, uint64_t base_index);

/// Returns an empty string if `state` is well formed (bounded, unique names, no record
/// ahead of the version index), else what is wrong. Decoders and acceptors use it.
std::string check_register_state(const register_state& state);

} // namespace onevalue
