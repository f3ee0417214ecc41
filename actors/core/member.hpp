#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onevalue {

/// Where a member is in its life cycle, as this node believes.
enum class member_state : uint8_t {
  alive,   ///< answers probes (directly or through others)
  suspect, ///< missed a probe; declared failed unless it refutes in time
  failed,  ///< suspicion expired without a refutation
  left,    ///< announced a graceful leave
};

/// Whether a member in `state` takes part in probing and gossip: alive or suspect (a
/// suspect may well be up, and must hear of its suspicion to refute it).
inline bool is_live(member_state state) {
  return state == member_state::alive || state == member_state::suspect;
}

/// Returns "alive", "suspect", "failed" or "left".
const char* to_string(member_state state);

/// What the cluster knows about one node: identity, addresses and SWIM state.
struct member_info {
  /// Unique node name; the key of the member table.
  std::string name;
  /// Address peers use to reach it (its advertise address).
  std::string address;
  /// UDP (probes, gossip) and TCP (BASP) port on `address`.
  uint16_t cluster_port = 0;
  /// Port of its HTTP API (informational, for clients).
  uint16_t http_port = 0;
  member_state state = member_state::alive;
  /// Raised only by the member itself, to refute suspicion or to announce rejoin/leave.
  uint64_t incarnation = 0;
};

inline bool operator==(const member_info& a, const member_info& b) {
  return a.name == b.name && a.address == b.address && a.cluster_port == b.cluster_port
         && a.http_port == b.http_port && a.state == b.state
         && a.incarnation == b.incarnation;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_info& x) {
  return f(x.name, x.address, x.cluster_port, x.http_port, x.state, x.incarnation);
}

/// The member table as one node sees it, itself included.
using member_list = std::vector<member_info>;

// -- what a well-formed member looks like ------------------------------------------
// Every name and address that arrives from outside (datagrams, push-pull, the state
// file) is checked against these before it is used: a name ends up in log lines, HTTP
// headers (ETag) and the state file, so it must never carry CR, LF, NUL or spaces.

/// Longest node name, in bytes.
constexpr std::size_t max_node_name_size = 64;

/// Longest host name (the DNS limit), in bytes.
constexpr std::size_t max_host_size = 253;

/// True for 1 to 64 letters, digits, '.', '_' or '-' (the same rule as `onevalue.name`).
bool valid_node_name(std::string_view name);

/// True for an IPv4 address in dotted-quad form ("10.0.0.1", no leading zeros) or a
/// host name: dot-separated labels of letters, digits, '-' and '_', each 1..63 bytes,
/// not starting or ending with '-', at most 253 bytes in all and not all digits.
bool valid_host(std::string_view host);

/// What is wrong with a member description, if anything.
enum class member_defect : uint8_t {
  none,
  name,    ///< not a valid node name
  address, ///< not a valid host
  port,    ///< a port is 0
  state,   ///< not one of the four states
};

/// Checks the syntax of `m`: name, address, both ports (1..65535) and state. Says
/// nothing about whether the claim is believable; the membership core decides that.
member_defect check_member(const member_info& m);

// -- incarnation bounds --------------------------------------------------------------
// Only a member raises its own incarnation, by one per refutation or restart, so an
// honest incarnation stays far below 2^62 (a million refutations a second would take
// 146,000 years to get there). Any claim up to 2^62 is taken as SWIM says; above it,
// a claim may be at most 2^20 above what this node holds for the member (itself
// included), and anything beyond is refused and counted. A forged claim can therefore
// push a member's incarnation up by at most 2^20 per message once past 2^62, the
// member can always refute (exhausting 64 bits takes 2^42 forged messages), and no
// refutation ever wraps around to 0 (one forged `left` at 2^64-1 once ejected a member
// for good that way).

/// Every incarnation up to this one is plausible (2^62).
constexpr uint64_t incarnation_free_range = uint64_t{1} << 62;

/// Largest step above both `incarnation_free_range` and the incarnation this node holds
/// that a claim may take (2^20).
constexpr uint64_t max_incarnation_step = uint64_t{1} << 20;

/// True if `claimed` is a believable incarnation for a member held at `held` (0 for a
/// member this node does not hold).
inline bool plausible_incarnation(uint64_t claimed, uint64_t held) {
  auto base = held > incarnation_free_range ? held : incarnation_free_range;
  return claimed <= base || claimed - base <= max_incarnation_step;
}

} // namespace onevalue
