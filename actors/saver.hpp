#pragma once

// The store's save worker and the log lines of failing saves.
//
// The worker runs `save_state` (blocking file I/O) on its own thread and replies how
// the save ended; it does not log, so a full disk under a write load costs the store
// one log line per episode (see persistence_health.hpp), not one per request.

#include "actors/core/file_layer.hpp"
#include "actors/core/persistence.hpp"
#include "actors/core/persistence_health.hpp"
#include "actors/core/state_slots.hpp"

#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace onevalue {

/// Internal to the store: asks its save worker to make one batch durable.
using save_atom = caf::atom_constant<caf::atom("save")>;

/// The store's save worker: saves the state, flushed unless the flag is false (see
/// `slot_flush`; a slot not yet in place is flushed anyway), and replies with the
/// `save_result` (as its integer), on failure the message naming the file, the step
/// and the cause, and whether the save was flushed.
using state_saver_actor = caf::typed_actor<
    caf::replies_to<save_atom, durable_state, bool>::with<uint8_t, std::string, bool>>;

/// The worker's behavior; owned by the store (spawned linked, usually detached). Saves
/// alternate between the state slots from `cursor` (state_slots.hpp). Never fails
/// itself: every error becomes a reply.
state_saver_actor::behavior_type state_saver(std::shared_ptr<file_layer> files,
                                             std::string data_dir,
                                             state_slot_cursor cursor);

/// Classifies a save's error: no space, or another failure.
save_result classify(const persistence_error& error);

/// Writes the log line `report` asks for (nothing for `none`), prefixed with `node`.
void log_health_report(const std::string& node, const persistence_report& report);

} // namespace onevalue
