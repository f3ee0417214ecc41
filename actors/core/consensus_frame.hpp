#pragma once

// The datagram payload of a consensus message, inside the keyring envelope: the gossip
// actor seals it with seal_datagram and open_datagram hands it back as
// `incoming_datagram::kind::consensus` (datagram_codec.hpp). Inside the envelope a
// payload's first byte is its channel: 0x00 starts a gossip packet,
// `consensus_channel` ('C', the codec's `channel_consensus`) this frame:
//
//   u8 'C' | u64 mode digest (little-endian) | u8 n | n bytes sender name |
//   consensus message (consensus_codec.hpp, at most 3,102 bytes)
//
// The sender's name is in the payload because the UDP source address says nothing (CAF
// sends from an ephemeral port; see CAF-NOTES); the envelope authenticates it as a
// keyholder's. The mode digest (cluster_mode.hpp) keeps nodes with another voter list
// out of every quorum, even before a push-pull told them apart.

#include "actors/core/consensus_codec.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onevalue {

/// The first byte of a consensus frame (the datagram codec's `channel_consensus`).
constexpr char consensus_channel = 'C';

/// Largest frame: channel, digest, name, largest message.
constexpr std::size_t max_consensus_frame_size =
    1 + 8 + 1 + 64 + max_consensus_message_size;

/// A decoded frame; `message` points into the decoded bytes.
struct consensus_frame {
  uint64_t mode_digest = 0;
  std::string sender;
  std::string_view message;
};

/// Builds the frame for `message` (an encoded consensus message) from `sender`.
/// Returns an empty vector if `sender` is not a valid node name or `message` is empty
/// or larger than max_consensus_message_size (a core never produces either).
std::vector<char> encode_consensus_frame(uint64_t mode_digest, const std::string& sender,
                                         std::string_view message);

/// Decodes a frame's header. On any defect (wrong channel, truncation, an invalid
/// sender name, an empty or oversized message) returns nullopt and says what in
/// `error`. The message itself is for decode_consensus_message.
std::optional<consensus_frame> decode_consensus_frame(std::string_view bytes,
                                                      std::string& error);

} // namespace onevalue
