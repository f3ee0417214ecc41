#pragma once

// Protocol counters of one node, for logs and metrics: what the membership core and the
// gossip broadcaster count. Plain values, copied out of their owners on request; every
// struct is inspectable so it can travel in a message.

#include "actors/core/envelope.hpp"
#include "actors/core/wire_codec.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace onevalue {

/// Protocol counters of membership_core since start.
struct swim_counters {
  uint64_t probes_sent = 0;
  uint64_t acks_received = 0;
  uint64_t indirect_probes_sent = 0;
  uint64_t nacks_received = 0;
  uint64_t suspicions_raised = 0;
  uint64_t suspicions_refuted = 0;
  uint64_t members_failed = 0;
  /// Probes that ended without any ack (direct or relayed).
  uint64_t probes_failed = 0;
  /// Nacks that helpers of a failed probe were expected to send and did not.
  uint64_t nacks_missed = 0;

  // Refusals: input that was validated and not believed (each is also a reason to look
  // at who sends it).

  /// Members (senders, gossiped updates, push-pull entries) with a malformed name,
  /// address, port or state, or a reporter that is no valid name; or a sender that
  /// calls itself suspect or failed.
  uint64_t members_refused_malformed = 0;
  /// Claims with an implausible incarnation (see `plausible_incarnation`).
  uint64_t incarnations_refused = 0;
  /// New names refused because the table held `max_members`.
  uint64_t members_refused_table_full = 0;
  /// Claims that a live member (or this node's name) lives at another address.
  uint64_t address_conflicts = 0;
  /// A `failed`, or a `left` not from the member itself, about a member not suspect
  /// here: taken as a suspicion it can refute instead.
  uint64_t dead_reports_suspected = 0;
  /// Ping-reqs from a requester not in the table (at that address), or beyond the
  /// relay limit.
  uint64_t ping_reqs_refused = 0;
  /// Refutations that could not raise the incarnation (at 2^64-1).
  uint64_t refutations_exhausted = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, swim_counters& x) {
  return f(x.probes_sent, x.acks_received, x.indirect_probes_sent, x.nacks_received,
           x.suspicions_raised, x.suspicions_refuted, x.members_failed, x.probes_failed,
           x.nacks_missed, x.members_refused_malformed, x.incarnations_refused,
           x.members_refused_table_full, x.address_conflicts, x.dead_reports_suspected,
           x.ping_reqs_refused, x.refutations_exhausted);
}

/// Number of members per state in one node's table (self included).
struct member_counts {
  uint64_t alive = 0;
  uint64_t suspect = 0;
  uint64_t failed = 0;
  uint64_t left = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_counts& x) {
  return f(x.alive, x.suspect, x.failed, x.left);
}

/// What the membership actor reports: its core's counters, members by state and the
/// Lifeguard health score (0 = healthy).
struct membership_metrics {
  swim_counters counters;
  member_counts members;
  int32_t health_score = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, membership_metrics& x) {
  return f(x.counters, x.members, x.health_score);
}

/// Datagrams (or their bytes) by the SWIM message they carry; `gossip_only` carry none.
struct traffic_by_kind {
  uint64_t gossip_only = 0;
  uint64_t ping = 0;
  uint64_t ack = 0;
  uint64_t ping_req = 0;
  uint64_t nack = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, traffic_by_kind& x) {
  return f(x.gossip_only, x.ping, x.ack, x.ping_req, x.nack);
}

/// Traffic counters of the gossip broadcaster since start.
struct gossip_counters {
  uint64_t packets_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t packets_received = 0;
  uint64_t bytes_received = 0;
  uint64_t undecodable_packets = 0;
  uint64_t push_pulls_started = 0;
  uint64_t push_pulls_completed = 0;
  uint64_t push_pulls_failed = 0;
  uint64_t push_pulls_served = 0;
  traffic_by_kind packets_sent_by_kind;
  traffic_by_kind bytes_sent_by_kind;
  traffic_by_kind packets_received_by_kind;
  traffic_by_kind bytes_received_by_kind;
  /// Member updates and values piggybacked on datagrams, sent and received.
  uint64_t member_updates_sent = 0;
  uint64_t member_updates_received = 0;
  uint64_t values_sent = 0;
  uint64_t values_received = 0;
  /// Datagrams the envelope dropped unread (forged, tampered, another cluster's key or
  /// label, plaintext refused, ...), of those the replays, and authentic datagrams the
  /// codec refused (datagram_codec.hpp).
  uint64_t datagrams_dropped = 0;
  uint64_t datagrams_replayed = 0;
  uint64_t datagrams_malformed = 0;
  /// The envelope's drops by `drop_reason` (copied from its counters when these are).
  std::array<uint64_t, drop_reason_count> datagrams_dropped_by_reason{};
  /// Datagrams that passed the envelope but the codec refused, by `wire_error` (unlike
  /// `datagrams_malformed`, without push-pull tables that did not decode).
  std::array<uint64_t, wire_error_count> datagrams_malformed_by_error{};
  /// Datagrams on a channel this node does not serve (consensus, until it exists).
  uint64_t datagrams_unserved_channel = 0;
  /// Items in the broadcast queue when the counters were copied (a gauge).
  uint64_t broadcast_queue_depth = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, gossip_counters& x) {
  return f(x.packets_sent, x.bytes_sent, x.packets_received, x.bytes_received,
           x.undecodable_packets, x.push_pulls_started, x.push_pulls_completed,
           x.push_pulls_failed, x.push_pulls_served, x.packets_sent_by_kind,
           x.bytes_sent_by_kind, x.packets_received_by_kind, x.bytes_received_by_kind,
           x.member_updates_sent, x.member_updates_received, x.values_sent,
           x.values_received, x.datagrams_dropped, x.datagrams_replayed,
           x.datagrams_malformed, x.datagrams_dropped_by_reason,
           x.datagrams_malformed_by_error, x.datagrams_unserved_channel,
           x.broadcast_queue_depth);
}

} // namespace onevalue
