#pragma once

// What `/health` reports: whether this node can take writes, and if not, why. A pure
// function of the node's published view, so every status is unit-tested without a
// cluster. Load balancers and Kubernetes readiness probes route on it; liveness only
// needs the process to answer HTTP (see `health_probe`).

#include "http/api/snapshot_store.hpp"

#include <string>

namespace onevalue {

/// The node's readiness, best first. Only `ok` answers 200 on `/health`.
enum class health_status {
  /// Takes writes, and they reach at least one other member (or the node is alone by
  /// configuration, or every other member left gracefully).
  ok,
  /// Has seeds but no completed state exchange with a live member yet: writes are
  /// refused with 503 until then (see store_error::not_synchronized).
  syncing,
  /// Every other member it knows is failed (at least one, none alive or suspect): the
  /// node is cut off from the cluster or its only survivor. It still takes writes, but
  /// they reach no one until a member returns, and a partition's two sides may then
  /// overwrite each other's writes (last writer wins). Ends when a member is heard
  /// again, when the failed members are forced to leave
  /// (`POST /v1/members/{name}/leave`), or when they are reaped after `reap-after`.
  alone,
  /// This node announced its leave and is shutting down.
  leaving,
};

/// "ok", "syncing", "alone" or "leaving".
const char* to_string(health_status status);

/// Members by state as one node sees them, itself included.
struct health_counts {
  int alive = 0;
  int suspect = 0;
  int failed = 0;
  int left = 0;
};

/// The assessment of one view.
struct health_report {
  health_status status = health_status::ok;
  /// Why the node is not `ok`, phrased for operators ("" when ok).
  std::string reason;
  health_counts members;
};

/// Assesses `view`: `leaving` if this node's own entry is `left`, else `syncing` if it
/// has not synchronized, else `alone` if every other member is failed, else `ok`.
/// A view without members (nothing published by membership yet) counts as no peers.
/// Never fails.
health_report assess_health(const node_view& view);

/// Which question a `/health` request asks.
enum class health_probe {
  /// `/health` or `/health?ready`: 200 only when `ok` (can take writes), else 503.
  /// For load balancers, Docker's HEALTHCHECK and Kubernetes readiness probes.
  ready,
  /// `/health?live`: 200 whenever the process serves HTTP, whatever the status (the
  /// body still says it). For Kubernetes liveness probes: restarting a node that is
  /// syncing or alone would not help it.
  live,
};

/// The HTTP status of a `/health` reply to `probe` for a node in `status`: 200 or 503.
int health_http_status(health_probe probe, health_status status);

} // namespace onevalue
