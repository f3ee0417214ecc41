#pragma once

// A node's datagrams from packet to bytes and back: the wire codec inside the keyring's
// envelope (envelope.hpp). Inside the envelope a datagram's payload starts with its
// channel byte: 0x00 a gossip packet (the codec's u16 version's high byte, so packets
// are unchanged), 'C' a consensus frame (consensus_frame.hpp: mode digest, sender and
// the consensus codec's bytes follow). Every
// channel is sealed and opened alike, at the transport boundary.

#include "actors/core/envelope.hpp"
#include "actors/core/wire_codec.hpp"

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace onevalue {

/// Channel byte of a gossip packet.
constexpr char channel_gossip = 0x00;

/// Channel byte of a consensus message.
constexpr char channel_consensus = 'C';

/// Largest datagram a node accepts (envelope included): consensus frames of up to
/// 3,176 bytes (max_consensus_frame_size) and packets of up to `max-packet-bytes` pass.
constexpr std::size_t max_datagram_bytes = 65507;

/// Codec bytes a packet may take so that, sealed, it fits `max_packet_bytes`.
constexpr std::size_t packet_budget(std::size_t max_packet_bytes) {
  return max_packet_bytes > sealed_overhead ? max_packet_bytes - sealed_overhead : 0;
}

/// The datagram for `payload` (channel byte first), sealed or plaintext as `env` says;
/// nullopt if the envelope refused it (too large, no randomness): send nothing.
std::optional<std::vector<char>> seal_datagram(envelope& env, std::string_view payload);

/// The datagram for `p`: its codec bytes in `env`'s envelope.
std::optional<std::vector<char>> seal_packet(envelope& env, const packet& p);

/// What an incoming datagram turned out to be.
struct incoming_datagram {
  enum class kind {
    dropped,   ///< the envelope dropped it (`envelope.counters()` says why); unread
    malformed, ///< authentic (or accepted plaintext) but the codec refused it
    gossip,    ///< a packet: `packet`
    consensus, ///< a consensus message: `payload` (channel byte first)
  };
  kind what = kind::dropped;
  /// Set for `gossip`.
  packet p;
  /// The opened payload (for `consensus`).
  std::vector<char> payload;
  /// For `malformed`: why, and where.
  wire_error error = wire_error::none;
  std::size_t offset = 0;
  /// True if the datagram was sealed and authenticated.
  bool authenticated = false;
};

/// Opens `bytes` with `env` and decodes a gossip packet within `limits`, counting codec
/// refusals in `errors`. Never decodes what the envelope dropped.
incoming_datagram open_datagram(envelope& env, std::string_view bytes,
                                const wire_limits& limits, wire_error_counts& errors);

} // namespace onevalue
