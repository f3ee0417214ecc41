#pragma once

// The node's current keyring and its changes at run time (`POST /v1/keyring`): a change
// is applied to a copy, saved to the keyring file, and only then made current, so a
// node never seals with keys its file does not hold.

#include "actors/core/file_layer.hpp"
#include "actors/core/keyring.hpp"
#include "actors/core/keyring_command.hpp"

#include <memory>
#include <optional>
#include <string>

namespace onevalue {

/// Holds the node's keyring (or none) and carries out keyring commands.
///
/// Owned by the gossip actor, which hands `current()` snapshots to whoever seals (its
/// datagram envelope, the stream broker) after each change; touched only by that actor.
class keyring_holder {
public:
  /// Holds `keys` (nullopt: no keys; every change then fails), saved to `file_path`
  /// on each change ("" : not saved, rotations are lost at restart) through `files`,
  /// which must outlive the holder.
  keyring_holder(std::optional<keyring> keys, std::string file_path, file_layer& files);

  /// The keyring now; null without keys. Immutable: share it freely.
  std::shared_ptr<const keyring> current() const { return current_; }

  /// Carries out `command` (list, install, use, remove) and answers with the outcome
  /// and the keys afterwards. A change the file cannot take is not made: `failed`, with
  /// the file error as detail. Without keys every command answers `failed`.
  keyring_answer apply(const keyring_command& command);

private:
  std::shared_ptr<const keyring> current_;
  std::string file_path_;
  file_layer* files_;
};

} // namespace onevalue
