#pragma once

#include "actors/core/keyring_report.hpp"
#include "actors/core/member.hpp"

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>

#include <chrono>
#include <vector>

namespace onevalue {

/// Spreads one keyring command to members over the stream transport and collects their
/// answers: a short-lived actor per `/v1/keyring` request, spawned by the gossip actor,
/// which delegates the HTTP request to it. Handles one message:
///
/// `(keyring_atom, keyring_report so_far, std::vector<member_info> targets,
///   std::vector<char> command_payload) -> keyring_report`: sends the command to every
/// target at once (`(exchange_atom, host, port, payload)` to `stream`), adds each
/// member's decoded answer (or why there is none: unreachable, deadline, an answer
/// that does not decode) to `so_far`, and replies with the report sorted by member
/// name once every target answered or failed. Then it quits.
caf::behavior keyring_spreader(caf::event_based_actor* self, caf::actor stream,
                               std::chrono::milliseconds timeout);

} // namespace onevalue
