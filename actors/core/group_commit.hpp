#pragma once

// Group commit for the store: writes that arrive while a save is in flight wait and
// share the next save, so N concurrent writes cost one fsync instead of N.
//
//   stage_write ──▶ pending ──next_batch()──▶ in flight ──on_saved()──────▶ visible +
//   acked
//                                                        └─on_save_failed()─▶ dropped +
//                                                        failed
//
// At most one batch is in flight. Local writes become visible (to reads, listeners
// and gossip) only once their batch is durable, so a failed save rolls back nothing a
// reader could have seen. Remote values join the register (ordering, clock, conflict
// checks) at once but reach readers, like local writes, only once a batch holding them
// is durable: otherwise a kill -9 between the merge and its save would restart the
// node with an older value than a reader already saw (a read going backwards).

#include "actors/core/persistence.hpp"
#include "actors/core/value_register.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace onevalue {

/// An operation waiting for its batch to become durable.
struct commit_ticket {
  /// Caller-chosen id, e.g. to find the response promise.
  uint64_t id = 0;
  /// True for a local write, false for an incarnation update.
  bool write = false;
  /// A write's value with the version it was stamped with when it was staged.
  versioned_value stamped;
  /// A write's floor: the latest version (visible or staged) when it was stamped. The
  /// stamp is always above it, so an acknowledged write is never one that lost at once
  /// to what the node already held (as writes did after a counter wrapped to 0).
  version floor;
};

/// What finishing a batch means for the caller.
struct batch_outcome {
  /// Every operation of the batch: acknowledge them all (success) or fail them all.
  std::vector<commit_ticket> tickets;
  /// True if the readable value (`current()`) changed, so listeners must hear of it.
  bool value_changed = false;
};

/// The store's value register, its durable copy and the batching between them.
///
/// Pure state, no I/O: the caller saves the state `next_batch()` returns and reports
/// back with `on_saved()` or `on_save_failed()`. Owned by the store actor; one thread
/// at a time. Invariants (see `check_invariants`): the visible version is never behind
/// the durable one, and the clock is never behind any stamped or visible counter.
class group_commit {
public:
  /// Starts from `restored` (what is on disk, or the initial state of a new node);
  /// local writes are stamped with `node`.
  group_commit(const durable_state& restored, std::string node);

  /// Starts from `restored` although the disk holds only `on_disk`, an older state
  /// (same value and version, lower incarnation: the start-up's raised incarnation
  /// could not be saved because the disk was full). The next batch saves the
  /// difference; nothing waits for it.
  group_commit(const durable_state& restored, const durable_state& on_disk,
               std::string node);

  /// Stamps a local write with `counter = max(clock, highest seen) + 1` and queues it
  /// for the next batch. It is neither visible nor acknowledged until that batch's save
  /// succeeded. Returns the stamped value, or nothing if the counter is at 2^64-1 and
  /// no write can be ordered after what the node holds: the write is then refused
  /// (not queued, never acknowledged).
  /// `written_at_us` is carried along as the value's wall-clock stamp (see
  /// versioned_value; 0 = unknown); the core never reads a clock itself.
  std::optional<versioned_value> stage_write(uint64_t id, int64_t value,
                                             uint64_t written_at_us = 0);

  /// Queues raising the persisted incarnation to at least `incarnation`; acknowledged
  /// like a write once a batch holding it is durable.
  void stage_incarnation(uint64_t id, uint64_t incarnation);

  /// Offers a remote value to the register at once (see `value_register::offer` for
  /// what is refused) and advances the clock: later local writes are ordered after it
  /// and conditional writes compare against it. Readers see it (`current()`) only once
  /// the next batch, which holds it, is durable; no ticket waits for that.
  merge_result merge_remote(const versioned_value& incoming);

  /// If no save is in flight and anything differs from the durable state (pending
  /// operations, merged remote values, a raised incarnation), seals the pending
  /// operations into a batch and returns the state to save; otherwise nullopt.
  std::optional<durable_state> next_batch();

  /// The in-flight save succeeded: its state becomes durable and readable, with its
  /// writes and the remote values merged before it was sealed. Precondition: `saving()`.
  batch_outcome on_saved();

  /// The in-flight save failed: its writes are dropped (they were never visible); the
  /// clock keeps its advance, so later counters never repeat. Precondition: `saving()`.
  batch_outcome on_save_failed();

  /// True while a batch is in flight.
  bool saving() const { return in_flight_.has_value(); }

  /// True if operations wait for the next batch.
  bool has_pending() const { return !pending_.empty(); }

  /// The value readers see (reads, listeners): the durable one. Without a data dir the
  /// caller reports each batch saved at once, so this follows every change at once.
  const versioned_value& current() const { return durable_.value; }

  /// The register's value: `current()` plus remote values merged since its last
  /// durable batch (not yet readable; see `merge_remote`).
  const versioned_value& merged() const { return visible_.current(); }

  /// The version the register will hold once every staged write is durable: the
  /// greatest of the visible version and the staged writes' versions. A conditional
  /// write compares against this, so two conditional writes with the same expected
  /// version can never both succeed while the first is still being saved.
  version latest_version() const;

  /// The Lamport clock, including counters of staged writes.
  uint64_t clock() const { return visible_.clock(); }

  /// The last state known to be on disk.
  const durable_state& durable() const { return durable_; }

  /// Returns false if an invariant is broken (also: a staged write not above its floor).
  bool check_invariants() const;

private:
  struct batch {
    std::vector<commit_ticket> tickets;
    durable_state state;
  };

  std::string node_;
  value_register visible_;
  durable_state durable_;
  uint64_t incarnation_;
  std::vector<commit_ticket> pending_;
  std::optional<batch> in_flight_;
};

} // namespace onevalue
