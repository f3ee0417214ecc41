#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace onevalue {

/// Where a member is in its life cycle, as this node believes.
enum class member_state : uint8_t {
  alive,    ///< answers probes (directly or through others)
  suspect,  ///< missed a probe; declared failed unless it refutes in time
  failed,   ///< suspicion expired without a refutation
  left,     ///< announced a graceful leave
};

/// Returns "alive", "suspect", "failed" or "left".
const char* to_string(member_state state);

/// Parses the names of `to_string`; returns nothing for anything else.
std::optional<member_state> parse_member_state(const std::string& text);

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

}  // namespace onevalue
