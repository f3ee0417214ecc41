#pragma once

// Where the store's durable state lives in its data dir: two slot files,
// `<data-dir>/state.0` and `<data-dir>/state.1`, each `state_slot_size` bytes: the state
// in the text format of persistence.hpp (so `cat` shows it), then zero bytes. Saves
// alternate between the slots and rewrite one in place at its fixed size, flushed with
// fdatasync: no temporary file, rename or directory fsync on a write's path, and no
// new disk space either (the blocks exist from the start), so a full file system does
// not stop writes on file systems that overwrite in place (ext4, xfs, tmpfs). A save
// moves on to the other slot only after it succeeded, so a save torn by a crash or
// failed by the disk leaves the other slot holding the last saved state.
//
//   load: a slot that cannot be read -> error naming it (it may hold the newest state)
//         valid slots          -> the newer state (clock, incarnation, value version:
//                                 each only grows from one save to the next); a slot
//                                 passed over that holds something is reported
//         no slot in use        -> the state file of the layout before slots,
//                                 `<data-dir>/state`, if there is one; else a new node
//         slots in use (or both existing), none valid -> error naming the files, and
//                                 saying so when the old `state` file is intact: never
//                                 a silent reset
//
// A slot that is missing, empty or all zeros is not in use (a first save cut short on
// a full disk leaves it so). The node writes its starting state (raised incarnation) to
// both slots at start, and then replaces `<data-dir>/state` with a marker of format
// version 2 ("moved-to=state.0,state.1"), which earlier builds refuse to start on
// rather than starting afresh beside the slots.

#include "actors/core/file_layer.hpp"
#include "actors/core/persistence.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onevalue {

/// What `<data-dir>/state` holds once the state lives in the slots (see above).
constexpr std::string_view state_moved_marker =
    "onevalue-state\nformat=2\nmoved-to=state.0,state.1\n";

/// Size of a slot file: one file-system block, far more than the largest state text.
constexpr std::size_t state_slot_size = 4096;

/// `<data_dir>/state.<slot>` for slot 0 or 1.
std::string state_slot_path(const std::string& data_dir, int slot);

/// `<data_dir>/state`: the whole state in the layout before slots, replaced by rename.
std::string legacy_state_path(const std::string& data_dir);

/// The slot file's bytes for `text` (an encoded state, shorter than the slot): the text,
/// then zeros to state_slot_size.
std::string state_slot_bytes(const std::string& text);

/// The state in a slot file's bytes: the text format, then only zeros (a text-only file
/// is read too). Nullopt with the reason, starting with `path`, in `error` otherwise.
std::optional<durable_state> decode_state_slot(std::string_view bytes,
                                               const std::string& path,
                                               persistence_error& error);

/// Whether `a` was saved after `b` (both states of one node).
bool saved_after(const durable_state& a, const durable_state& b);

/// Where the next save goes and which slots are known to be in the directory durably.
/// Kept by the save worker; `load_state` gives the first one.
struct state_slot_cursor {
  /// The slot the next save overwrites (never the one holding the last saved state).
  int next = 0;
  /// Whether each slot's directory entry is durable; a save creating a slot then
  /// fsyncs the directory once.
  std::array<bool, 2> in_place{false, false};
  /// The bytes of the last saved state (empty before the first save): what the other
  /// slot holds, or after unflushed saves the newest of them, which the next slot holds
  /// (unflushed). A failed save puts them back into its slot and flushes them, so that
  /// a write refused because its save failed does not come back after a restart, and a
  /// state the node already served (unflushed) is not replaced by an older one.
  std::string last_saved;
  /// Whether `<data-dir>/state` is known to be the marker (see above). Written by the
  /// first save after which both slots are in place, retried by later saves if it
  /// failed.
  bool marker_written = false;
};

/// The result of `load_state`: exactly one of "new node" (state and error empty), a
/// state, or an error.
struct state_load_result {
  std::optional<durable_state> state;
  std::optional<persistence_error> error;
  /// Where saves go from here.
  state_slot_cursor cursor;
  /// The state came from `<data-dir>/state` (no slot in use yet).
  bool from_legacy_file = false;
  /// The files that hold no valid state, or cannot be read (to move aside when asked
  /// to reset).
  std::vector<std::string> corrupt_files;
  /// Why the slot not loaded was passed over (a torn save, or damage), if it holds
  /// something: worth a warning.
  std::optional<std::string> skipped;
};

/// Reads the state of `data_dir` (see the table above).
state_load_result load_state(file_layer& files, const std::string& data_dir);

/// How a save reaches the disk.
enum class slot_flush {
  /// fdatasync before the save counts as done; the cursor then moves to the other slot.
  flushed,
  /// Written into the slot (the kernel's page cache: it survives a crash of the process,
  /// not of the machine) without fdatasync, and the cursor stays: the next save
  /// overwrites the same slot, so through any number of these the other slot keeps the
  /// last flushed state, and a power loss leaves one of the two intact (the unflushed
  /// slot holds a state the node had, or is torn and passed over). A slot not yet in
  /// place is flushed anyway. For states whose loss the caller can afford (the
  /// linearizable mode's local copy of values the voters hold durably).
  unflushed,
};

/// How `save_state` will save with `flush` asked for: flushed if asked, or if slot
/// `cursor.next` is not in place yet (its directory entry needs the directory fsync).
slot_flush effective_flush(const state_slot_cursor& cursor, slot_flush flush);

/// Overwrites slot `cursor.next` with `state`: open in place, write the slot's bytes,
/// and unless `flush` is `unflushed` (see there): fdatasync, close, and fsync the
/// directory if the slot was not in place yet.
/// Once both slots are in place, makes `<data-dir>/state` the marker if it is not yet
/// (best effort; a failure there does not fail the save, and the next save retries).
/// On success the cursor moves to the other slot; on failure it stays (the other slot
/// still holds the last saved state), the slot gets the last saved state's bytes back
/// and flushed, and the error names the file and step, with `no_space` for ENOSPC and
/// EDQUOT. If putting back fails too (a disk that takes no write at all), the error
/// says that the slot may still hold the unsaved state, which a restart could then
/// load.
std::optional<persistence_error>
save_state(file_layer& files, const std::string& data_dir, state_slot_cursor& cursor,
           const durable_state& state, slot_flush flush = slot_flush::flushed);

/// Writes `state` to both slots (each save as above, so the marker is written too). The
/// cursor ends where it started, with both slots in place.
std::optional<persistence_error> save_state_to_both_slots(file_layer& files,
                                                          const std::string& data_dir,
                                                          state_slot_cursor& cursor,
                                                          const durable_state& state);

} // namespace onevalue
