#pragma once

// Which keyring a node starts with: the `gossip-keys` option or the keyring file
// (keyring_file.hpp).
//
// Precedence, as Serf's: once the file exists it is
// the truth, because rotations happened since the config was written; `gossip-keys`
// only seeds the file on the first start.
//
//   file        gossip-keys   the node uses                    and
//   valid       any           the file's keys                  warns if gossip-keys
//   differs corrupt     any           nothing: start fails             names the file and
//   defect missing     set           gossip-keys                      writes the file
//   missing     empty         no keys (plaintext)              -
//   (no path)   set           gossip-keys                      warns: rotations not kept
//
// Turning encryption off therefore means removing the file, never just the option.

#include "actors/core/file_layer.hpp"
#include "actors/core/keyring.hpp"

#include <optional>
#include <string>
#include <vector>

namespace onevalue {

/// Where the node's keys came from at start.
enum class keyring_source {
  none,   ///< no keys: node-to-node traffic is plaintext and unauthenticated
  option, ///< `gossip-keys` (and, with a file path, now also the file)
  file,   ///< the keyring file
};

/// The keyring a node starts with, by the precedence table above.
struct startup_keyring {
  /// Set unless `source` is `none` or `error` is set.
  std::optional<keyring> keys;
  keyring_source source = keyring_source::none;
  /// Things the operator should know (logged at start as warnings).
  std::vector<std::string> warnings;
  /// Why the node must not start: an invalid `gossip-keys` entry (by position, never
  /// the key), a corrupt keyring file, or a failure to write it.
  std::optional<std::string> error;
};

/// Chooses the keyring from the `gossip-keys` option (base64 keys, primary first) and
/// the keyring file at `file_path` (empty: no file), and writes the file when
/// `gossip-keys` seeds it. See the precedence table above.
startup_keyring choose_startup_keyring(const std::vector<std::string>& option_keys,
                                       const std::string& file_path, file_layer& files);

} // namespace onevalue
