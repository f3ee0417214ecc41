#pragma once

#include <chrono>
#include <cstddef>

namespace onevalue {

/// Base suspicion timeout: `mult * max(1, log10(n)) * probe_interval`, where `n` is the
/// number of known members. Grows slowly with the cluster so that gossip about a
/// suspicion (which needs O(log n) rounds to spread) reaches the suspect in time.
std::chrono::milliseconds suspicion_timeout(int mult, std::size_t n,
                                            std::chrono::milliseconds probe_interval);

/// Lifeguard's dynamic suspicion timeout. Starts at `max_timeout` and shrinks toward
/// `min_timeout` as independent confirmations arrive, reaching it at `expected`
/// confirmations: `max - (max - min) * log(c + 1) / log(k + 1)`, clamped to [min, max].
/// With `expected == 0` the minimum applies at once.
std::chrono::milliseconds
dynamic_suspicion_timeout(std::size_t confirmations, std::size_t expected,
                          std::chrono::milliseconds min_timeout,
                          std::chrono::milliseconds max_timeout);

/// Lifeguard's local health score after `delta`: clamped to [0, max_multiplier - 1]
/// (memberlist's awareness). A `max_multiplier` below 1 counts as 1 (health disabled).
int apply_health_delta(int score, int delta, int max_multiplier);

/// An interval stretched by local health: `base * (score + 1)` (memberlist's
/// ScaleTimeout). A node that misses acks slows its own probing so that its own
/// slowness does not turn into suspicions of healthy members.
std::chrono::milliseconds scale_by_health(std::chrono::milliseconds base, int score);

/// The push-pull interval for a cluster of `n` known members: `base` up to
/// `push_pull_scale_threshold` members, then `base * (ceil(log2(n / threshold)) + 1)`
/// (as memberlist's pushPullScale). Each exchange carries the whole member table, so
/// a node's anti-entropy traffic is O(n / interval); stretching the interval
/// logarithmically keeps it from growing linearly with the cluster, at the price of
/// slower repair of what gossip lost in very large clusters.
std::chrono::milliseconds scaled_push_pull_interval(std::chrono::milliseconds base,
                                                    std::size_t n);

/// Clusters up to this many members use the configured push-pull interval unscaled.
constexpr std::size_t push_pull_scale_threshold = 32;

/// How many times each broadcast is transmitted: `mult * ceil(log10(n + 1))`, so that
/// it reaches every member with high probability while per-node load stays bounded.
std::size_t retransmit_limit(int mult, std::size_t n);

} // namespace onevalue
