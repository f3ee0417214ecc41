#pragma once

// What the gossip actor's three source files share (gossip_actor.cpp: the behavior,
// datagrams and the core's actions; gossip_push_pull.cpp: anti-entropy over the stream
// transport; gossip_keyring.cpp: keyring changes). Internal to the gossip actor: every
// function runs in its actor, on its state.

#include "actors/gossip_actor.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <vector>

namespace onevalue::gossip_detail {

using self_ptr = gossip_actor::stateful_pointer<gossip_state>;

/// How long a push-pull may take, connect and exchange together (the stream broker's
/// deadline). Long enough for a table of thousands of members over a slow link; a peer
/// that does not answer in time holds up the exchanges queued behind it for this long
/// (the core starts them one at a time).
constexpr auto push_pull_timeout = std::chrono::seconds{5};

/// Carries out what the core decided, in the order `gossip_actions` lists.
void carry_out(self_ptr self, gossip_actions actions);

/// Starts a push-pull with `peer` over the stream transport; its result goes to the
/// core (`push_pull_connected`) whether it completed or failed.
void start_push_pull(self_ptr self, const endpoint& peer);

/// A request that arrived over the stream transport: a push-pull table (answered with
/// ours; from a node in another mode, refused: answered with only our name and mode
/// digest, and not merged) or, only if it was sealed and authenticated, a keyring
/// command. An error for anything that does not decode.
caf::result<std::vector<char>>
on_exchange(self_ptr self, const std::vector<char>& payload, bool authenticated);

/// Hands the current keyring to everything that seals: the datagram envelope and the
/// stream broker.
void publish_keyring(self_ptr self);

/// Applies a keyring command taken from a member over the stream transport (sealed and
/// authenticated); the answer goes back to that member.
std::vector<char> apply_member_keyring_command(self_ptr self,
                                               const keyring_command& command);

/// Carries out a keyring command from the HTTP API: here first (refused commands and
/// failures stop here), then on every other live member through a keyring_spreader.
caf::result<keyring_report> on_keyring_request(self_ptr self,
                                               const keyring_command& command);

} // namespace onevalue::gossip_detail
