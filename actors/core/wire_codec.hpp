#pragma once

// The byte format of the wire structs (actors/core/wire.hpp), version 2: what goes
// inside a datagram and a push-pull frame, before the keyring's envelope seals it.
//
// Every integer is big-endian at its full width; a string is one length byte and its
// bytes (names are at most 64 bytes, hosts at most 253). One encoding per message, so
// decoding and encoding again gives back the very same bytes.
//
//   member         str name, str address, u16 cluster_port, u16 http_port, u8 state,
//                  u64 incarnation                              15 + |name| + |address|
//   update         member, str reporter                         16 + ... + |reporter|
//   value          i64 value, u64 counter, str node, u64 written_at_us      25 + |node|
//                  (the writer's wall clock, appended for the dissemination metric)
//   swim message   u8 kind, u32 seq, str target, str conflict_address,
//                  u16 conflict_port                 9 + |target| + |conflict_address|
//   packet         u16 version, member sender, swim message,
//                  u16 n, n x update, u8 m, m x value
//   cluster_state  u16 version, str sender, u32 n, n x member, value,
//                  [u64 mode digest: present only when non-zero (linearizable mode)]
//
// Decoding checks every length and count against the bytes that remain before it
// allocates, every name, host, port and enum against its rules (actors/core/member.hpp),
// and refuses trailing bytes. What a valid message claims (incarnations, counters, who
// may say what) is for the cores to judge.

#include "actors/core/wire.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace onevalue {

/// Why a message was refused; `none` if it decoded.
enum class wire_error : uint8_t {
  none,
  truncated,       ///< the bytes end inside a field
  unknown_version, ///< a format version this build does not speak
  bad_enum,        ///< a SWIM kind or member state out of range
  invalid_name,    ///< a node name (member, reporter, target, writer) breaks the rules
  invalid_address, ///< a host that is no IPv4 address or host name
  invalid_port,    ///< a member port of 0, or a conflict port without its address
  invalid_version, ///< a value version with counter 0 and a writer, or the reverse
  too_many_items,  ///< more members or values than the limits allow
  trailing_bytes,  ///< bytes left after the message
};

/// Number of `wire_error` values, for arrays indexed by it.
constexpr std::size_t wire_error_count = 10;

/// "truncated", "unknown_version", ... ("none" for none).
const char* to_string(wire_error e);

/// Upper bounds that decoding enforces.
struct wire_limits {
  /// Members in a push-pull table (the `max-members` setting).
  std::size_t max_members = 10000;
  /// Member updates piggybacked on one datagram.
  std::size_t max_updates = 1024;
  /// Values piggybacked on one datagram.
  std::size_t max_values = 16;
};

/// A decoded message, or why decoding stopped and at which byte.
template <class T>
struct decoded {
  T value{};
  wire_error error = wire_error::none;
  /// Offset of the field that failed (or of the trailing bytes).
  std::size_t offset = 0;
  bool ok() const { return error == wire_error::none; }
  explicit operator bool() const { return ok(); }
};

/// Refused messages by reason, for metrics. Plain counters; owned by whoever decodes.
struct wire_error_counts {
  std::array<uint64_t, wire_error_count> by_reason{};
  void count(wire_error e) { ++by_reason[static_cast<std::size_t>(e)]; }
  uint64_t of(wire_error e) const { return by_reason[static_cast<std::size_t>(e)]; }
  /// All refusals (`none` is never counted).
  uint64_t total() const;
};

/// The bytes of `p`. Empty only if a string is longer than 255 bytes, which a member
/// table of valid names and hosts never holds.
std::vector<char> encode(const packet& p);

/// The bytes of `s`; empty under the same condition as for a packet.
std::vector<char> encode(const cluster_state& s);

/// Decodes one datagram's plaintext. Never reads past `size`, never allocates more
/// than the input's length justifies.
decoded<packet> decode_packet(const char* data, std::size_t size,
                              const wire_limits& limits = {});
decoded<packet> decode_packet(const std::vector<char>& bytes,
                              const wire_limits& limits = {});

/// Decodes one push-pull message's plaintext, with the same guarantees.
decoded<cluster_state> decode_cluster_state(const char* data, std::size_t size,
                                            const wire_limits& limits = {});
decoded<cluster_state> decode_cluster_state(const std::vector<char>& bytes,
                                            const wire_limits& limits = {});

/// Exact encoded sizes, in bytes (encode(x).size() == encoded_size(x)): for filling a
/// datagram up to its budget with piggybacked items.
std::size_t encoded_size(const packet& p);
std::size_t encoded_size(const member_update& u);
std::size_t encoded_size(const versioned_value& v);
std::size_t encoded_size(const member_info& m);
std::size_t encoded_size(const cluster_state& s);

/// Size of a packet with no piggybacked items: what `encoded_size(p)` adds to the
/// sizes of `p.members` and `p.values`.
std::size_t encoded_size_without_items(const packet& p);

} // namespace onevalue
