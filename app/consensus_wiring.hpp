#pragma once

// The linearizable mode's part of starting a node (issue 15), kept out of main.cpp:
// checking the data dir's mode, loading a voter's acceptor files, spawning the
// consensus actor. Called only by main's thread, before and while it wires the actors.

#include "actors/consensus_actor.hpp"
#include "actors/core/acceptor_file.hpp"
#include "actors/store_actor.hpp"
#include "app/config/node_options.hpp"

#include <caf/actor_system.hpp>

#include <cstdint>
#include <optional>
#include <random>
#include <string>

namespace onevalue {

/// True if this node is one of the voters.
bool is_voter(const node_options& opts);

/// Before anything serves: checks (and records) the consistency mode of the data dir
/// (mode_marker.hpp) and, on a voter with a data dir, opens its acceptor files into
/// `restored`. Returns the error that must stop the node (a data dir holding an
/// eventual-mode value, corrupt acceptor files: starting the acceptor afresh could
/// break promises it made), or nullopt.
std::optional<std::string> open_consensus_state(const node_options& opts,
                                                const store_open_result& opened,
                                                acceptor_open_result& restored);

/// Spawns the consensus actor (with the acceptor state `restored` on a voter) and
/// attaches it to gossip, which seals and delivers its frames; it counts its rounds and
/// saves in `metrics` (if not null). Null in eventual mode.
consensus_actor start_consensus(caf::actor_system& sys, const node_options& opts,
                                const acceptor_open_result& restored, uint64_t digest,
                                const gossip_actor& gossip, const store_actor& store,
                                std::random_device& entropy,
                                std::shared_ptr<node_metrics> metrics);

} // namespace onevalue
