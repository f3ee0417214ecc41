#pragma once

// The cluster's consistency mode as one number every node can compare: nodes whose
// mode or voter list differ must not form one cluster (their quorums would not
// intersect, or eventual writes would overtake committed ones). The digest travels in
// the push-pull state (wire.hpp, cluster_state::mode_digest) and in every consensus
// frame (consensus_frame.hpp); a node refuses both from a node whose digest differs.

#include <cstdint>
#include <string>
#include <vector>

namespace onevalue {

/// How the one value is kept consistent.
enum class consistency_mode : uint8_t {
  /// Last-writer-wins by Lamport version; every node takes writes (the default).
  eventual,
  /// Every change commits through CASPaxos among the voters (issue 15).
  linearizable,
};

/// "eventual" or "linearizable".
const char* to_string(consistency_mode mode);

/// Parses "eventual" or "linearizable"; false for anything else.
bool parse_consistency_mode(const std::string& text, consistency_mode& out);

/// The digest of a mode and its voter list. Eventual mode is 0 whatever the list (so
/// nodes that predate the digest, which send none, count as eventual); linearizable
/// mode is a non-zero 64-bit FNV-1a hash of the mode and the voter names sorted, so
/// the order in which a config lists the voters does not matter.
uint64_t cluster_mode_digest(consistency_mode mode, std::vector<std::string> voters);

/// Describes a mode for log lines: "eventual" or "linearizable with voters n1, n2, n3".
std::string describe_cluster_mode(consistency_mode mode,
                                  const std::vector<std::string>& voters);

} // namespace onevalue
