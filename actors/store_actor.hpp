#pragma once

// The store actor: owns the value, its version, the Lamport clock and their
// persistence, and tells listeners (gossip, gateway) about every change it accepts.
//
// Start-up, done by main before anything serves:
//
//   store_config cfg; cfg.node = ...; cfg.data_dir = ...;      // "" = memory only
//   auto opened = open_store(cfg);                              // lock + load + bump
//   incarnation if (!opened.ok()) { log opened.error; exit non-zero; } auto store =
//   sys.spawn(onevalue::store, opened.config);
//   // membership starts with incarnation opened.incarnation
//
// Writes: a local set is durable before its reply (group commit, see group_commit.hpp)
// and visible to reads and listeners only from then on. Remote merges: applied to the
// register (ordering, clock, conditional writes) and replied to at once, persisted by
// the next batch, and visible to reads and listeners only once that batch is durable,
// so a kill -9 before the save cannot make a read go backwards. Gossip is a listener
// too: it passes a remote value on once this node holds it durably.

#include "actors/core/file_layer.hpp"
#include "actors/core/group_commit.hpp"
#include "actors/core/persistence.hpp"
#include "actors/core/state_slots.hpp"
#include "actors/metrics/node_metrics.hpp"
#include "actors/protocol.hpp"
#include "actors/saver.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace onevalue {

/// The value a new node starts with (version counter 0, no writer), as in the blog
/// program, whose `curl /get` on a fresh cluster prints 42.
constexpr int64_t default_initial_value = 42;

/// How to run one store. Filled by main, completed by `open_store`.
struct store_config {
  /// This node's unique name; stamped on local writes and used in log lines.
  std::string node;
  /// Directory of the state file and lock; "" keeps everything in memory and
  /// acknowledges writes at once (nothing survives a restart).
  std::string data_dir;
  /// The value of a new node (no state file yet).
  int64_t initial_value = default_initial_value;
  /// The file system; nullptr means the real one. Tests inject a fake.
  std::shared_ptr<file_layer> files;
  /// How long after a flushed save later saves of merged values may skip fdatasync
  /// (save_flush.hpp); zero, the default, flushes every save. main sets it in
  /// linearizable mode only (`linearizable_unflushed_window`), where the voters hold
  /// every value durably; never where acknowledged writes rest on the store's saves.
  std::chrono::milliseconds unflushed_window{0};
  /// The state to start from; set by `open_store`. Empty: a new node in memory.
  std::optional<durable_state> restored;
  /// What the state slots hold when it is older than `restored`: set by `open_store`
  /// when the disk was full at start and the raised incarnation could not be saved
  /// (the next batch saves it). Empty: the slots hold `restored`.
  std::optional<durable_state> on_disk;
  /// Where the save worker's first save goes; set by `open_store`.
  state_slot_cursor slots;
  /// Keeps the data dir locked for as long as the store (and this config) lives.
  std::shared_ptr<data_dir_lock> lock;
  /// Whether the node may acknowledge writes from the start: true when it is alone by
  /// configuration (no seeds). Otherwise writes fail with `not_synchronized` until
  /// gossip sends `sync_atom` after the first completed push-pull.
  bool synchronized = true;
  /// Run saves on a dedicated thread (`caf::detached`) so fsync never blocks the
  /// scheduler. Tests turn it off to run the saver on the test coordinator.
  bool detached_saver = true;
  /// Where the store observes save durations, batch sizes and how long remote values
  /// took to arrive; null: not observed (tests).
  std::shared_ptr<node_metrics> metrics;
};

/// What `open_store` hands to main.
struct store_open_result {
  /// Empty on success; otherwise a message for the operator naming the file or dir.
  std::string error;
  /// Pass to `sys.spawn(store, config)`.
  store_config config;
  /// The incarnation membership must start with: one above everything a previous run
  /// of this node persisted, already on disk (1 for a new node or without a data dir).
  uint64_t incarnation = 0;
  bool ok() const { return error.empty(); }
};

/// Prepares a store: creates the data dir if missing, locks it, loads the state
/// (state_slots.hpp), raises the incarnation by one and saves it to both slots (which
/// also proves the dir is writable; a state file of the layout before slots is then
/// replaced by a marker). If that save finds the disk full (ENOSPC/EDQUOT: the slots
/// could not be created, or a copy-on-write file system has no room to rewrite them),
/// the node starts anyway with the state it loaded (reads serve the value it
/// held; writes fail with `disk_full` until space returns) and the raised incarnation is
/// saved by the first batch that finds space; a warning says so. Any other save failure
/// stops the start.
///
/// Fails if `config.node` is not a valid node name (the store stamps it on every write;
/// it ends up in HTTP headers and the state file). Fails with a message naming the dir
/// or file if the dir cannot be created or locked (e.g. another process holds it), if
/// the state is unreadable or corrupt, or if the new state cannot be saved. With
/// `reset_state`, every file that holds no valid state (or cannot be read) is renamed to
/// `<name>.corrupt` (or `.corrupt.2`, ... if taken) and the node starts from what is
/// left (the other slot, an intact file of the layout before slots) or as a new one
/// (the operator's explicit choice). Call before spawning; blocks on file I/O.
store_open_result open_store(store_config config, bool reset_state = false);

/// Batches saved and writes acknowledged since start: saves / writes is the number of
/// fsync rounds per write under group commit. Logged when the store stops, with the
/// refusals (for the metrics endpoint).
struct store_counters {
  uint64_t saves = 0;
  /// Of `saves`, those written without fdatasync (`store_config::unflushed_window`).
  uint64_t saves_unflushed = 0;
  uint64_t writes_acked = 0;
  /// Local writes refused because the version counter is at its end.
  uint64_t writes_refused_exhausted = 0;
  /// Remote values with a malformed version (`merge_result::invalid`).
  uint64_t remote_values_invalid = 0;
  /// Remote values whose counter was too far ahead (`merge_result::too_far_ahead`).
  uint64_t remote_values_too_far_ahead = 0;
  /// Local writes refused because their save failed (a full disk included).
  uint64_t writes_refused_save_failed = 0;
  /// Of those, writes refused because the disk was full.
  uint64_t writes_refused_disk_full = 0;
  /// Runs of failed saves (see persistence_health.hpp).
  uint64_t save_failure_episodes = 0;
};

/// State of the store actor. Owned by it; touched only from its handlers.
struct store_state {
  store_config config;
  std::unique_ptr<group_commit> commit;
  /// The save worker; null when memory only.
  state_saver_actor saver;
  std::vector<value_listener_actor> listeners;
  uint64_t next_ticket = 1;
  std::unordered_map<uint64_t, caf::typed_response_promise<versioned_value>>
      write_promises;
  /// Promises of conditional writes (If-Match), answered with (true, new value).
  std::unordered_map<uint64_t, caf::typed_response_promise<bool, versioned_value>>
      conditional_promises;
  /// False until the node synchronized with the cluster (see store_config).
  bool synchronized = true;
  /// Set when the sync announcement came while a remote value merged before it was not
  /// yet readable (not yet saved): `synchronized` waits until the readable value's
  /// version reaches this one, so a node that says it is synchronized (health 200) also
  /// serves what it synchronized to.
  std::optional<version> sync_target;
  /// Counters, shared with the exit hook that logs them (the state is gone by then).
  std::shared_ptr<store_counters> counters = std::make_shared<store_counters>();
  std::unordered_map<uint64_t, caf::typed_response_promise<uint64_t>>
      incarnation_promises;
  /// When the batch in flight was handed to the save worker (for its duration).
  std::chrono::steady_clock::time_point save_started;
  /// When the last save that the worker flushed successfully was handed to it (none
  /// yet, or the last save failed: the next save is flushed).
  std::optional<std::chrono::steady_clock::time_point> last_flush;
  /// Whether saves succeed, as episodes: what gets logged, and the error of refusals.
  persistence_health health;
  static inline const char* name = "onevalue.store";
};

/// The store's behavior; spawn with `sys.spawn(store, opened.config)`.
store_actor::behavior_type store(store_actor::stateful_pointer<store_state> self,
                                 store_config config);

} // namespace onevalue
