#pragma once

// Keyring changes spread from node to node over the sealed stream transport
// (stream_frame.hpp, channel 'K'): the node an operator asks (POST /v1/keyring) sends
// one command to every live member and collects each answer.
//
//   command  'K' | u8 op | u8 key length | key bytes           (list: no key, length 0)
//   answer   'K' | u8 outcome | u8 n | n x (u8 length, fingerprint, u8 primary, u8 size)
//            | u8 detail length | detail
//
// A key travels only inside a sealed frame: the transport refuses to send a command
// that carries a key in plaintext (keyring_command_needs_sealing).

#include "actors/core/keyring.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onevalue {

/// What a keyring command asks.
enum class keyring_op : uint8_t {
  list = 1,    ///< only answer with the installed keys
  install = 2, ///< keyring::install
  use = 3,     ///< keyring::use
  remove = 4,  ///< keyring::remove
};

/// "list", "install", "use", "remove".
const char* to_string(keyring_op op);

/// A command to one node.
struct keyring_command {
  keyring_op op = keyring_op::list;
  /// Absent for `list`.
  std::optional<secret_key> key;
};

/// How a node answered a command.
enum class keyring_outcome : uint8_t {
  changed = 0,
  unchanged = 1,
  not_installed = 2,
  primary_refused = 3,
  keyring_full = 4,
  /// The node could not save its keyring file (it kept its keys) or has no keys at
  /// all; `detail` says which.
  failed = 5,
};

/// "changed", "unchanged", ... ; the names the HTTP API reports.
const char* to_string(keyring_outcome o);

/// The outcome of a keyring change.
keyring_outcome outcome_of(keyring_change c);

/// True for `changed` and `unchanged`.
bool succeeded(keyring_outcome o);

/// A node's answer: what happened and its keys afterwards (by fingerprint).
struct keyring_answer {
  keyring_outcome outcome = keyring_outcome::unchanged;
  std::vector<key_info> keys;
  /// A sentence for operators when the outcome is no success.
  std::string detail;
};

/// The payload of `c` (channel byte first).
std::vector<char> encode(const keyring_command& c);

/// The payload of `a`; details and fingerprints longer than 255 bytes are cut.
std::vector<char> encode(const keyring_answer& a);

/// Decodes a command payload; nullopt for anything malformed (wrong channel, unknown
/// op, a key of the wrong size, a list with a key, trailing bytes).
std::optional<keyring_command> decode_keyring_command(std::string_view payload);

/// Decodes an answer payload; nullopt for anything malformed, including more than
/// `max_keyring_keys` keys or an unknown outcome.
std::optional<keyring_answer> decode_keyring_answer(std::string_view payload);

} // namespace onevalue
