#pragma once

// The node's periodic log lines: the status line (health, members, the value) and the
// traffic line (protocol counters), kept quiet on an idle node.

#include "actors/protocol.hpp"
#include "http/api/snapshot_store.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <string>

namespace onevalue {

/// The status line: health, members by state, the value. Empty before the first view.
std::string status_line(const snapshot_store& snapshots);

/// Keeps the default log quiet on an idle node: the status line is logged when it
/// changed since the last one, and repeated once a minute otherwise; the traffic line
/// (protocol and traffic counters as `key=value` pairs, skipped if an actor does not
/// answer within 1 s) goes with it at info, and at every status interval at debug level
/// (the benchmarks read it at `--onevalue.log-level=debug
/// --onevalue.status-interval=1s`). Owned and ticked by main's thread only.
class status_logger {
public:
  using clock = std::chrono::steady_clock;

  /// An unchanged status line is repeated after this long.
  static constexpr std::chrono::minutes repeat_after{1};

  /// Called every status interval; asks the actors for their counters (blocking up to
  /// 1 s each) when the traffic line is due.
  void tick(caf::actor_system& sys, const snapshot_store& snapshots,
            const membership_actor& membership, const gossip_actor& gossip);

private:
  std::string last_line_;
  clock::time_point last_logged_;
};

} // namespace onevalue
