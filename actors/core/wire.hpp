#pragma once

// The datagram wire format. Append-only: new fields go at the end of a struct and
// raise `wire_version`; a receiver drops packets whose version it does not know.

#include "actors/core/member.hpp"
#include "actors/core/version.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace onevalue {

/// Version of the datagram format this build speaks.
constexpr uint16_t wire_version = 1;

/// Kind of a SWIM failure-detector message.
enum class swim_kind : uint8_t {
  none,      ///< the packet carries only gossip
  ping,      ///< direct probe; answered with an ack
  ack,       ///< answer to a ping (direct or relayed)
  ping_req,  ///< ask the receiver to probe `target` on the sender's behalf
  nack,      ///< a helper of a ping_req got no ack from the target (Lifeguard)
};

/// A failure-detector message. `sender` is the full identity of the node that wrote it,
/// because the datagram's source address is an ephemeral port and says nothing.
struct swim_message {
  swim_kind kind = swim_kind::none;
  /// Matches an ack to its ping; chosen by whoever expects the ack.
  uint32_t seq = 0;
  /// ping: the name the sender expects to reach (empty when joining through a seed
  /// whose name is unknown). ping_req/nack: the member to probe.
  std::string target;
  /// ping_req: where the target listens.
  std::string target_address;
  uint16_t target_port = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, swim_message& x) {
  return f(x.kind, x.seq, x.target, x.target_address, x.target_port);
}

/// A piggybacked member update: the member's state and incarnation as the reporter
/// sees it. `reporter` lets suspicion count independent confirmations.
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

}  // namespace onevalue
