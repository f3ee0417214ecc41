#pragma once

// Binary encodings of the consensus messages (for the cluster transport) and of an
// acceptor's durable state (for its file). Little-endian fixed-width integers; a string
// is one length byte and at most 64 bytes; a register state holds at most 32 proposer
// records; so every encoding is bounded (see the max_* constants). Decoders trust no
// length, count, enum or flag: anything out of range, truncated or trailing is an
// error naming the field.
//
//   string          u8 length (<= 64), bytes
//   ballot          u64 counter, string proposer, u64 epoch   (none: 0, "", 0)
//   register_state  i64 value, u64 index, string proposer, u8 count (<= 32),
//                   count x (string name, u64 epoch, u64 attempt, u64 index),
//                   u64 forgotten_through
//   message         u8 format (1), u8 kind, then by kind:
//     1 prepare     ballot
//     2 promise     ballot, ballot accepted, register_state (only if accepted is not
//     none) 3 accept      ballot, register_state, u8 promise_next (0/1) 4 accepted
//     ballot, u8 promised_next (0/1) 5 reject      ballot, u8 phase (0 prepare, 1
//     accept), ballot seen
//   acceptor file   "onevalue-acceptor" (17 bytes), u8 format (1), ballot promised,
//                   ballot accepted, register_state (only if accepted is not none),
//                   u32 CRC-32 of every byte before it

#include "actors/core/consensus_acceptor.hpp"
#include "actors/core/consensus_messages.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace onevalue {

/// The format version of consensus messages and acceptor files this build speaks.
constexpr uint8_t consensus_format_version = 1;

/// Largest encoded ballot and register state.
constexpr std::size_t max_encoded_ballot = 8 + 1 + 64 + 8;
constexpr std::size_t max_encoded_register_state =
    8 + 8 + 1 + 64 + 1 + max_tracked_proposers * (1 + 64 + 8 + 8 + 8) + 8;

/// Largest encoded message (a promise with a full state): 3,102 bytes.
constexpr std::size_t max_consensus_message_size =
    2 + 2 * max_encoded_ballot + max_encoded_register_state;

/// Largest acceptor file.
constexpr std::size_t max_acceptor_file_size =
    17 + 1 + 2 * max_encoded_ballot + max_encoded_register_state + 4;

/// Encodes `msg`; nullopt if a field is out of its bound (a name over 64 bytes, more
/// than 32 proposer records), which a core never produces.
std::optional<std::string> encode_consensus_message(const consensus_message& msg);

/// Decodes one message. On any defect returns nullopt and says what in `error`.
std::optional<consensus_message> decode_consensus_message(std::string_view bytes,
                                                          std::string& error);

/// Encodes an acceptor's durable state with its checksum; nullopt as above.
std::optional<std::string> encode_acceptor_state(const acceptor_state& state);

/// Decodes an acceptor file's contents. On any defect (bad magic, unknown format,
/// checksum mismatch, truncation, a value out of range, promised below accepted)
/// returns nullopt and says what in `error`: the caller must refuse to start the
/// acceptor rather than reset it, or it could break promises it made.
std::optional<acceptor_state> decode_acceptor_state(std::string_view bytes,
                                                    std::string& error);

} // namespace onevalue
