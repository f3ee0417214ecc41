#pragma once

// What a keyring request spread through the cluster answers (`/v1/keyring`): each
// member's answer or why there is none, and for a listing how many members hold each
// key.

#include "actors/core/keyring_command.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace onevalue {

/// One member's answer to a keyring command.
struct node_keyring_answer {
  std::string node;
  /// The member's answer; absent if it could not be asked (`error` says why).
  std::optional<keyring_answer> answer;
  std::string error;
};

/// A key as the cluster holds it.
struct cluster_key {
  std::string fingerprint;
  /// Members holding it, and of those, members sealing with it.
  std::size_t members = 0;
  std::size_t primary_on = 0;
};

/// The cluster's answer to one command, in member-name order.
struct keyring_report {
  keyring_op op = keyring_op::list;
  /// The key's fingerprint (empty for `list`).
  std::string fingerprint;
  std::vector<node_keyring_answer> nodes;
  /// Non-empty if the node refused to spread the command (the primary key, a key not
  /// installed, no keyring, or a key that would travel in plaintext): why.
  std::string refusal;
};

/// True if every member answered with a success.
bool all_succeeded(const keyring_report& r);

/// Each fingerprint any member holds, with its counts, in the order first seen.
std::vector<cluster_key> keys_by_holders(const keyring_report& r);

} // namespace onevalue
