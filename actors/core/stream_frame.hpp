#pragma once

// The framing of node-to-node TCP (push-pull and keyring changes), spoken by the stream
// broker (actors/stream_transport.hpp) in place of CAF's BASP. One exchange per
// connection, then the connection is closed (as memberlist does):
//
//   acceptor  -> initiator   hello:    frame("OVS1" | challenge (16 random bytes))
//   initiator -> acceptor    request:  frame(envelope(payload, context = challenge))
//   acceptor  -> initiator   response: frame(envelope(payload, context = challenge |
//                                               nonce of the request, if sealed))
//
// A frame is a 4-byte big-endian body length and the body. A length of 0 or above the
// cap (derived from `max-members`, `frame_cap`) is refused before anything is
// allocated for the body. Sealed requests and responses are bound to the acceptor's
// fresh challenge, and a response to its request, so a recorded exchange cannot be
// replayed to either side. The payload's first byte is its channel, as in datagrams:
// 0x00 a push-pull `cluster_state` (the wire codec's u16 version's high byte), 'K' a
// keyring command or its answer (keyring_command.hpp).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onevalue {

/// Bytes of a frame's length header.
constexpr std::size_t frame_header_bytes = 4;

/// Bytes of the acceptor's random challenge.
constexpr std::size_t challenge_bytes = 16;

/// The first bytes of a hello: which framing this is (version 1).
constexpr std::string_view hello_magic = "OVS1";

/// Body bytes of a hello.
constexpr std::size_t hello_bytes = hello_magic.size() + challenge_bytes;

/// Most bytes one member takes in a push-pull table (wire_codec.hpp: 15 + a name of at
/// most 64 bytes + a host of at most 253).
constexpr std::size_t max_member_wire_bytes = 15 + 64 + 253;

/// Most bytes a push-pull `cluster_state` without its members takes: version (2),
/// sender (1 + 64), count (4), value (25 + 64: value, counter, writer's length, the
/// write's wall-clock stamp, the writer's name), mode digest (8, linearizable mode).
constexpr std::size_t max_cluster_state_fixed_bytes = 2 + 65 + 4 + 89 + 8;

/// Channel byte of a push-pull payload (the codec's version's high byte).
constexpr char channel_push_pull = 0x00;

/// Channel byte of a keyring command or answer.
constexpr char channel_keyring = 'K';

/// Largest frame body accepted or sent with a member table of at most `max_members`:
/// the largest push-pull table, sealed. Anything longer is refused from its header.
std::size_t frame_cap(std::size_t max_members);

/// The 4-byte header of a body of `size` bytes.
std::array<char, frame_header_bytes> frame_header(uint32_t size);

/// `frame_header(body.size())` followed by `body`.
std::vector<char> make_frame(std::string_view body);

/// Why a frame header was refused.
enum class frame_error : uint8_t {
  none,
  empty,     ///< a length of 0: no message is empty
  too_large, ///< a length above the cap (e.g. 4 GiB): refused before any allocation
};

/// "none", "empty", "too_large".
const char* to_string(frame_error e);

/// The body length of the header at `header` (`frame_header_bytes` bytes), or the
/// reason it is refused.
struct frame_length {
  uint32_t size = 0;
  frame_error error = frame_error::none;
  explicit operator bool() const { return error == frame_error::none; }
};
frame_length parse_frame_header(const char* header, std::size_t cap);

/// A fresh random challenge (OpenSSL's CSPRNG), or nullopt if no randomness is
/// available (the acceptor then closes the connection).
std::optional<std::string> make_challenge();

/// A hello body carrying `challenge`.
std::vector<char> encode_hello(std::string_view challenge);

/// The challenge of a hello body, or nullopt if it is not one (wrong size or magic).
std::optional<std::string> decode_hello(std::string_view body);

/// The context a request is sealed with: the challenge.
std::string request_context(std::string_view challenge);

/// The context the response to `request` (the request frame's body, as sent) is sealed
/// with: the challenge and, if the request was sealed, its nonce.
std::string response_context(std::string_view challenge, std::string_view request);

} // namespace onevalue
