#pragma once

// The messages nodes exchange: datagrams (`packet`) and push-pull state
// (`cluster_state`). Their byte format is actors/core/wire_codec.hpp's. Append-only: a
// new field goes at the end of a struct and raises `wire_version`; a receiver drops
// packets whose version it does not know.

#include "actors/core/member.hpp"
#include "actors/core/version.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace onevalue {

/// Version of the wire format this build speaks. 1 was CAF's binary serializer; 2 is
/// wire_codec's own format (explicit bounds, no address in ping-req, conflict acks).
constexpr uint16_t wire_version = 2;

/// Kind of a SWIM failure-detector message.
enum class swim_kind : uint8_t {
  none,     ///< the packet carries only gossip
  ping,     ///< direct probe; answered with an ack
  ack,      ///< answer to a ping (direct or relayed)
  ping_req, ///< ask the receiver to probe `target` on the sender's behalf
  nack,     ///< a helper of a ping_req got no ack from the target (Lifeguard)
};

/// A failure-detector message. `sender` is the full identity of the node that wrote it,
/// because the datagram's source address is an ephemeral port and says nothing.
struct swim_message {
  swim_kind kind = swim_kind::none;
  /// Matches an ack to its ping; chosen by whoever expects the ack.
  uint32_t seq = 0;
  /// ping: the name the sender expects to reach (empty when joining through a seed
  /// whose name is unknown). ping_req/nack: the member to probe. A helper probes the
  /// address it holds for that name, never one taken from the message.
  std::string target;
  /// ack only, "name already in use": the pinger's name belongs to a live member at
  /// this address and port, so the receiver refused it (see membership_core's name
  /// conflicts). Empty and 0 otherwise.
  std::string conflict_address;
  uint16_t conflict_port = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, swim_message& x) {
  return f(x.kind, x.seq, x.target, x.conflict_address, x.conflict_port);
}

/// A piggybacked member update: the member's state and incarnation as the reporter
/// sees it. `reporter` lets suspicion count independent confirmations; for `left` it
/// is the member itself (the only one whose leave is believed).
struct member_update {
  member_info member;
  std::string reporter;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_update& x) {
  return f(x.member, x.reporter);
}

/// One datagram: at most one SWIM message plus piggybacked gossip.
struct packet {
  uint16_t version = wire_version;
  member_info sender;
  swim_message swim;
  std::vector<member_update> members;
  std::vector<versioned_value> values;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, packet& x) {
  return f(x.version, x.sender, x.swim, x.members, x.values);
}

/// Everything a push-pull exchange carries: the sender's full member table and value.
struct cluster_state {
  std::string sender;
  member_list members;
  versioned_value value;
  /// The sender's consistency mode and voters (cluster_mode_digest; 0 = eventual).
  /// Appended: encoded only when non-zero, so eventual-mode states are unchanged.
  uint64_t mode_digest = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_state& x) {
  return f(x.sender, x.members, x.value, x.mode_digest);
}

} // namespace onevalue
