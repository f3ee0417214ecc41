#pragma once

// The public API of a onevalue node: every atom, message type and typed actor
// interface that flows between the store, membership, gossip broadcaster and HTTP
// gateway, locally or across the middleman. A reader sees every message here.

#include "actors/core/keyring_report.hpp"
#include "actors/core/member.hpp"
#include "actors/core/member_table.hpp"
#include "actors/core/membership_core.hpp"
#include "actors/core/swim_metrics.hpp"
#include "actors/core/version.hpp"
#include "actors/core/wire.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace onevalue {

// -- atoms ------------------------------------------------------------------------

// CAF's predefined atoms where one fits (the same types as atom_constant<atom("get")>).
using caf::flush_atom;
using caf::get_atom;
using caf::leave_atom;
using caf::open_atom;
using caf::subscribe_atom;
using caf::tick_atom;
using caf::update_atom;

using set_atom = caf::atom_constant<caf::atom("set")>;
using merge_atom = caf::atom_constant<caf::atom("merge")>;
using send_atom = caf::atom_constant<caf::atom("send")>;
using packet_atom = caf::atom_constant<caf::atom("packet")>;
using broadcast_atom = caf::atom_constant<caf::atom("broadcast")>;
using push_pull_atom = caf::atom_constant<caf::atom("pushpull")>;
using gossip_tick_atom = caf::atom_constant<caf::atom("gtick")>;
using push_pull_tick_atom = caf::atom_constant<caf::atom("pptick")>;
using attach_atom = caf::atom_constant<caf::atom("attach")>;
using incarnation_atom = caf::atom_constant<caf::atom("incarn")>;
using metrics_atom = caf::atom_constant<caf::atom("metrics")>;
/// "This node has synchronized with the cluster once" (gossip -> store -> listeners).
using sync_atom = caf::atom_constant<caf::atom("synced")>;
/// Node-to-node TCP (actors/stream_transport.hpp): one request/response exchange.
using exchange_atom = caf::atom_constant<caf::atom("exchange")>;
/// The connector's answer: a connected socket for an exchange, or why not.
using dialed_atom = caf::atom_constant<caf::atom("dialed")>;
/// A stream exchange's deadline passed.
using deadline_atom = caf::atom_constant<caf::atom("deadline")>;
/// The keyring: a new snapshot for the stream broker, or a change from the API.
using keyring_atom = caf::atom_constant<caf::atom("keyring")>;
/// A consensus datagram to send (consensus actor -> gossip actor, which owns the UDP
/// transport and the envelope): `(consensus_send_atom, host, cluster port, frame
/// bytes)`. The bytes are a consensus frame (actors/core/consensus_frame.hpp), channel
/// byte 'C' first; the gossip actor seals them like every datagram (datagram_codec.hpp).
using consensus_send_atom = caf::atom_constant<caf::atom("csend")>;
/// A consensus datagram received (gossip actor -> consensus actor):
/// `(consensus_received_atom, frame bytes)`, the payload the envelope opened (sealed by
/// a keyholder when keys are set); the frame names its sender. Undecoded: the consensus
/// actor decodes and validates it (it is network input).
using consensus_received_atom = caf::atom_constant<caf::atom("crecv")>;
/// A client operation for the consensus proposer (HTTP bridge -> consensus actor).
using propose_atom = caf::atom_constant<caf::atom("propose")>;

// -- messages -----------------------------------------------------------------------

// `cluster_state`, the push-pull message, is a wire struct: see actors/core/wire.hpp.

// -- errors -------------------------------------------------------------------------

/// Errors of the store, returned as `caf::error` values with category "store".
enum class store_error : uint8_t {
  none = 0,
  /// The write could not be made durable; it was not applied and not acknowledged.
  persistence_failed,
  /// The node has not synchronized with the cluster yet (no completed push-pull with a
  /// live member); the write was refused so it cannot lose to older data it never saw.
  not_synchronized,
  /// The version counter is at 2^64-1: no write can be ordered after the value this
  /// node holds, so the write was refused (never acknowledged). See value_register.hpp.
  version_exhausted,
  /// The data dir's file system is full (ENOSPC/EDQUOT): the write could not be made
  /// durable, was not applied and not acknowledged. Reads keep working; writes work
  /// again, without a restart, once a save finds space.
  disk_full,
};

const char* to_string(store_error x);
caf::error make_error(store_error x);

// -- typed interfaces ---------------------------------------------------------------

/// Receives every value the store accepts (local writes and merged remote values).
/// Also told once, when the node has synchronized with the cluster (at once on
/// subscribing if it already has).
using value_listener_actor =
    caf::typed_actor<caf::reacts_to<update_atom, versioned_value>,
                     caf::reacts_to<sync_atom>>;

/// Receives the member table after every change.
using member_listener_actor = caf::typed_actor<caf::reacts_to<update_atom, member_list>>;

/// The store: owns the value, its version, the Lamport clock and their persistence.
using store_actor = caf::typed_actor<
    // Current value and version.
    caf::replies_to<get_atom>::with<versioned_value>,
    // Local write: durable before the reply; error `persistence_failed` otherwise,
    // `not_synchronized` before the node synchronized with the cluster, or
    // `version_exhausted` if no version can be ordered after the current one.
    caf::replies_to<set_atom, int64_t>::with<versioned_value>,
    // Conditional local write (If-Match): applied only if the store's latest version
    // (including writes still being saved) equals the given one, checked and staged in
    // one handler. Replies (true, new value) once durable, or (false, current value)
    // without writing; errors as for the plain write.
    caf::replies_to<set_atom, int64_t, version>::with<bool, versioned_value>,
    // From gossip: a push-pull with a live member completed and its value was merged
    // (sent after that merge); from now on the store acknowledges writes.
    caf::reacts_to<sync_atom>,
    // A remote value arriving via the named peer; replies whether it was newer.
    caf::replies_to<merge_atom, versioned_value, std::string>::with<bool>,
    // Registers a listener; it immediately gets the current value.
    caf::reacts_to<subscribe_atom, value_listener_actor>,
    // From membership: persist a raised incarnation of this node (so a restart rejoins
    // above it); replies with the durable incarnation, error `persistence_failed`
    // otherwise.
    caf::replies_to<set_atom, incarnation_atom, uint64_t>::with<uint64_t>>;

/// The SWIM failure detector and member table.
using membership_actor = caf::typed_actor<
    // A SWIM message received from `sender` (decoded by the gossip broadcaster).
    caf::reacts_to<packet_atom, member_info, swim_message>,
    // Member updates received by gossip.
    caf::reacts_to<merge_atom, std::vector<member_update>>,
    // A full member table received by push-pull from the named peer.
    caf::reacts_to<merge_atom, member_list, std::string>,
    // Timer: run the protocol core up to now.
    caf::reacts_to<tick_atom>,
    // The current member table.
    caf::replies_to<get_atom>::with<member_list>,
    // Registers a listener; it immediately gets the current table.
    caf::reacts_to<subscribe_atom, member_listener_actor>,
    // Graceful leave: announces `left` and replies once it had time to spread.
    caf::replies_to<leave_atom>::with<bool>,
    // Forced leave of the named failed member (an operator's request, as `serf
    // force-leave`, see membership_core::force_leave): replies what was done and the
    // member's entry afterwards (an empty name if there is no such member).
    caf::replies_to<leave_atom, std::string>::with<force_leave_status, member_info>,
    // Protocol counters, members by state and the Lifeguard health score.
    caf::replies_to<get_atom, metrics_atom>::with<membership_metrics>>;

/// The consensus adapter of the linearizable mode (actors/consensus_actor.hpp): runs
/// this node's CASPaxos proposer and, on a voter, its acceptor.
using consensus_actor = caf::typed_actor<
    // A consensus frame from the network (through the gossip actor).
    caf::reacts_to<consensus_received_atom, std::vector<char>>,
    // From membership: the member table (where to send to each node).
    caf::reacts_to<update_atom, member_list>,
    // A client operation: (operation_kind, argument, expected version for cas). Replies
    // (operation_status, failure_reason, value) as in consensus_register.hpp, once the
    // operation was chosen or its deadline passed (see consensus_settings).
    caf::replies_to<propose_atom, uint8_t, int64_t, version>::with<uint8_t, uint8_t,
                                                                   versioned_value>,
    // Timer number n: run the proposer's deadlines (only the latest timer counts).
    caf::reacts_to<tick_atom, uint64_t>>;

/// The gossip broadcaster: broadcast queue, datagram transport and push-pull.
using gossip_actor = caf::typed_actor<
    // From the store: a value it accepted; pushed at once (see flush_atom).
    caf::reacts_to<update_atom, versioned_value>,
    // From itself, queued behind the updates that arrived with the first one: push the
    // latest value. A burst of writes becomes one push instead of one per write.
    caf::reacts_to<flush_atom>,
    // From the store: the node synchronized (nothing to do; gossip told the store).
    caf::reacts_to<sync_atom>,
    // From membership: changes to the member table, in order, for the gossip core's
    // replica (targets for gossip, N for retransmits, this node's incarnation).
    caf::reacts_to<update_atom, std::vector<member_delta>>,
    // From membership: queue a member update for piggybacking.
    caf::reacts_to<broadcast_atom, member_update>,
    // From membership: send a SWIM message to a member, with piggybacked gossip.
    caf::reacts_to<send_atom, std::string, uint16_t, swim_message,
                   std::vector<member_update>>,
    // From membership: start a push-pull exchange with a member that answered recently.
    caf::reacts_to<push_pull_atom, std::string, uint16_t>,
    // From the datagram broker: one raw datagram.
    caf::reacts_to<packet_atom, std::vector<char>>,
    // From the consensus actor: seal a consensus frame (channel 'C') and send it to
    // host:port.
    caf::reacts_to<consensus_send_atom, std::string, uint16_t, std::vector<char>>,
    // Wiring: the consensus actor to deliver consensus frames to (linearizable mode).
    caf::reacts_to<attach_atom, consensus_actor>,
    // Timers.
    caf::reacts_to<gossip_tick_atom>,
    // Wiring: the membership actor to deliver SWIM messages and member updates to.
    caf::reacts_to<attach_atom, membership_actor>,
    // Opens the datagram endpoint on the cluster port; replies the bound port.
    caf::replies_to<open_atom>::with<uint16_t>,
    // Traffic counters by message type.
    caf::replies_to<get_atom, metrics_atom>::with<gossip_counters>,
    // From the stream broker: a request that arrived over node-to-node TCP (payload,
    // whether it was sealed and authenticated); replies with the response payload.
    caf::replies_to<exchange_atom, std::vector<char>, bool>::with<std::vector<char>>,
    // From the HTTP API: carry out a keyring command on every live member (list: ask
    // each for its keys) and report each one's answer.
    caf::replies_to<keyring_atom, keyring_command>::with<keyring_report>>;

/// The HTTP gateway: keeps the snapshot that HTTP threads serve reads from.
using gateway_actor =
    caf::typed_actor<caf::reacts_to<update_atom, versioned_value>,
                     caf::reacts_to<sync_atom>, caf::reacts_to<update_atom, member_list>>;

/// Timer of the event handler actor: deliver the event batches that are due.
using event_tick_atom = caf::atom_constant<caf::atom("evtick")>;

/// The event handler actor: turns member tables and values into handler runs
/// (actors/event_handler_actor.hpp). A value and a member listener, and its own timer.
using event_handler_actor =
    caf::typed_actor<caf::reacts_to<update_atom, versioned_value>,
                     caf::reacts_to<sync_atom>, caf::reacts_to<update_atom, member_list>,
                     caf::reacts_to<event_tick_atom>>;

/// Registers every message type above with `cfg`; needed on every node.
void add_message_types(caf::actor_system_config& cfg);

} // namespace onevalue

// Local messages only (nothing crosses BASP any more): a key must never be serialized.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(onevalue::keyring_command)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(onevalue::keyring_report)
