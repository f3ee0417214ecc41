#pragma once

// Batching for the CASPaxos proposer: the operations that arrived while a round was in
// flight, folded into one change of the register and answered each with its own
// result, exactly once.
//
// A batch may need several attempts (a conflict, a lost message). Each attempt is one
// evaluation of the batch's open operations on the state a prepare found, under a new
// attempt number. An older attempt's proposal can still be adopted by another proposer
// later, so none is ever forgotten: every prepare looks for the records of all of them
// (consensus_register.hpp), and since at most one attempt of a batch can enter the
// chain of chosen states, a record found names the one whose results are the answers.

#include "actors/core/consensus_register.hpp"
#include "actors/core/member_table.hpp"

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace onevalue {

/// An operation waiting for its answer.
struct queued_operation {
  /// Caller-chosen id, handed back with the answer.
  uint64_t id = 0;
  operation op;
  /// When the operation is answered `unknown` or `unavailable` at the latest.
  time_point deadline;
};

/// The answer to operation `id`.
struct operation_done {
  uint64_t id = 0;
  operation_result result;
};

/// What one evaluation of a batch did: the operations it applied, in order, with
/// their results (empty when the batch was found already applied or was given up).
using batch_evaluation = std::vector<std::pair<operation, operation_result>>;

/// The operations one proposal commits together.
///
/// Owned by the proposer (one thread at a time). Every operation is answered exactly
/// once: by `complete`, `expire` or `abandon`.
class operation_batch {
public:
  /// Batch number `seq` (per proposer epoch, increasing) of `ops`.
  operation_batch(uint64_t seq, std::vector<queued_operation> ops);

  /// The state to propose now that `base` is the register's state as a prepare quorum
  /// reported it (or, on the fast path, as the last round chose it). If an attempt is
  /// in `base`, that is `base` itself; if `base` cannot tell (a record may have been
  /// evicted), every open operation is answered `unknown` into `answered` and `base` is
  /// proposed unchanged; otherwise the open operations are evaluated on `base` as a new
  /// attempt numbered `++attempt_counter`. `evaluation` receives what was evaluated.
  register_state propose_on(const register_state& base, const proposer_identity& self,
                            std::size_t tracked_proposers, uint64_t& attempt_counter,
                            std::vector<operation_done>& answered,
                            batch_evaluation& evaluation);

  /// The last proposal was chosen: answers every open operation with its result in the
  /// attempt that proposal holds.
  void complete(std::vector<operation_done>& answered);

  /// Answers the open operations whose deadline is at or before `now`: `unknown` if
  /// the attempt that may take effect holds them, `unavailable` otherwise.
  void expire(time_point now, std::vector<operation_done>& answered);

  /// Answers every open operation with `status` (the proposer cannot go on).
  void abandon(operation_status status, std::vector<operation_done>& answered);

  /// True if an attempt that changes the register was proposed: it may take effect.
  bool maybe_applied() const { return !changing_.empty(); }

  /// True once every operation is answered (the batch may be dropped).
  bool all_answered() const { return open_ == 0; }

  /// The earliest deadline of an open operation, time_point::max() if none.
  time_point earliest_deadline() const;

  uint64_t seq() const { return seq_; }
  std::size_t size() const { return ops_.size(); }

private:
  struct entry {
    queued_operation queued;
    bool answered = false;
  };
  /// One evaluation: its number and, per operation, its result (none: not evaluated).
  struct attempt {
    uint64_t number = 0;
    std::vector<std::optional<operation_result>> results;
  };

  void answer(entry& e, operation_result result, std::vector<operation_done>& answered);
  const attempt* find(uint64_t number) const;

  uint64_t seq_;
  std::vector<entry> ops_;
  std::size_t open_;
  /// The attempts that changed the register (any may still enter the chain), and the
  /// last attempt whatever it did.
  std::vector<attempt> changing_;
  std::optional<attempt> last_;
  /// The attempt the last proposal holds (its results answer when it is chosen).
  uint64_t proposed_attempt_ = 0;
  /// The version index of the state the first changing attempt was evaluated on.
  uint64_t first_base_index_ = 0;
};

} // namespace onevalue
