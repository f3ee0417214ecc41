#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace onevalue {

using millis = std::chrono::milliseconds;

/// Tuning of the membership protocol and of dissemination.
///
/// Defaults follow hashicorp/memberlist's LAN profile. Each knob is also a config
/// option (`[onevalue]` section); its documentation there repeats the trade-off.
struct swim_settings {
  /// Time between two probes of this node (one member per interval). Lower detects
  /// failures sooner at the cost of more probe traffic (one ping+ack per interval).
  millis probe_interval{1000};
  /// How long to wait for a direct ack before asking helpers to probe indirectly.
  /// Must be below `probe_interval`; too low causes needless indirect probes on slow
  /// links.
  millis ack_timeout{500};
  /// Number of members asked to probe a silent member on our behalf. More helpers
  /// mean fewer false suspicions under packet loss and more traffic per miss.
  int indirect_checks = 3;
  /// Suspicion timeout = suspicion_mult * max(1, log10(N)) * probe_interval. Higher
  /// gives slow members more time to refute and delays detection of real failures.
  int suspicion_mult = 4;
  /// Upper bound on suspicion timeout as a multiple of the formula above, used while no
  /// independent confirmations arrived (Lifeguard); >= 1.
  int suspicion_max_mult = 6;
  /// Lifeguard local health awareness: the cap of this node's health multiplier. Missed
  /// acks of its own probes, helpers' nacks that did not come and refuting a suspicion
  /// about itself raise a score (0..awareness_max_multiplier-1); each successful probe
  /// lowers it by one. The node's probe interval and ack timeout are multiplied by
  /// score+1, so a slow or overloaded node probes less and waits longer instead of
  /// suspecting healthy members. 1 disables it; higher tolerates more local trouble
  /// and may slow this node's detection of real failures by up to that factor.
  int awareness_max_multiplier = 8;
  /// Time between two periodic gossip rounds (the safety net behind immediate pushes).
  millis gossip_interval{200};
  /// Members sent each gossip round and each immediate push. More spreads faster and
  /// costs more datagrams.
  int gossip_nodes = 3;
  /// Each broadcast is sent at most retransmit_mult * ceil(log10(N+1)) times.
  int retransmit_mult = 4;
  /// Time between full-state exchanges (push-pull over TCP) with one random member.
  /// Heals what gossip lost; costs a TCP round trip with the whole member table.
  /// Stretched by ceil(log2(N/32)) + 1 above 32 members (`scaled_push_pull_interval`).
  millis push_pull_interval{30000};
  /// Time between join attempts while no seed has answered yet.
  millis join_retry_interval{1000};
  /// Time failed and left members stay in the table (so their state keeps spreading and a
  /// partition can heal) before they are forgotten.
  millis reap_after{600000};
  /// Interval at which failed members' addresses are still probed so a healed
  /// partition merges again, and at which a joined node pings the seeds missing from
  /// its table (reaped after a partition longer than reap_after) for the same reason.
  millis failed_probe_interval{5000};
  /// How long a graceful leave waits for its announcement to spread before exiting.
  millis leave_propagation{400};
  /// Upper bound on a datagram's size; piggybacked gossip fills what the SWIM message
  /// leaves. Above the path MTU, datagrams fragment and lose more often.
  std::size_t max_packet_bytes = 1400;
  /// Most members (this node included, failed and left ones too) the table holds; a new
  /// name beyond it is refused and counted (`members_refused_table_full`), and a
  /// push-pull table longer than it is refused whole. Bounds the memory a flood of
  /// made-up members can take (40 bursts once took a node from 10 MB to 1 GB RSS). Set
  /// it above the largest cluster you run: a member refused here is never probed or
  /// gossiped to by this node until a failed or left member is reaped to make room.
  std::size_t max_members = 10000;
};

/// The LAN profile above.
swim_settings lan_profile();

/// Shorter intervals for clusters on one host or one fast LAN segment.
swim_settings local_profile();

} // namespace onevalue
