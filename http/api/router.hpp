#pragma once

// The HTTP API as a pure function: request in, response out. No sockets and no CAF,
// so every route, status code and error shape is unit-tested without a server.

#include "actors/metrics/node_metrics.hpp"
#include "http/api/access_control.hpp"
#include "http/api/keyring_routes.hpp"
#include "http/api/snapshot_store.hpp"
#include "http/server/http_message.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace onevalue {

/// How a write through the backend ended.
struct write_outcome {
  enum class kind {
    /// Durable on this node; `value` holds the new value and version.
    ok,
    /// The store did not answer in time (overloaded or stuck): 503, retry later.
    timeout,
    /// The store could not make the write durable; it was not applied: 500.
    persistence_failed,
    /// The node's disk is full; the write was not applied: 507 Insufficient Storage.
    /// Reads keep working; writes work again once space is freed (no restart).
    disk_full,
    /// The store is gone or answered with an unexpected error: 500.
    failed,
    /// The node has not synchronized with the cluster yet; nothing was written: 503.
    not_synchronized,
    /// A conditional write whose expected version was not the current one; nothing
    /// was written and `value` holds the current value: 412.
    precondition_failed,
    /// Linearizable mode: an add whose sum does not fit in int64; nothing was written
    /// and `value` holds the current value: 409.
    overflow,
    /// Linearizable mode: no majority of voters answered before a proposal holding
    /// the operation left this node; it never takes effect: 503 with Retry-After.
    unavailable,
    /// Linearizable mode: the deadline passed after a proposal holding the operation
    /// left this node; it may still take effect: 504 with `"outcome": "unknown"`.
    unknown,
  };
  kind outcome = kind::ok;
  versioned_value value;
  /// Describes the failure for the client ("" on success).
  std::string message;

  static write_outcome success(versioned_value v) { return {kind::ok, std::move(v), {}}; }
  static write_outcome failure(kind k, std::string message) {
    return {k, {}, std::move(message)};
  }
  static write_outcome mismatch(versioned_value current) {
    return {kind::precondition_failed, std::move(current), {}};
  }
};

/// Receives the outcome of a write; called exactly once.
using write_callback = std::function<void(write_outcome)>;

/// How a forced leave (`POST /v1/members/{name}/leave`) through the backend ended.
struct leave_outcome {
  enum class kind {
    /// The failed member is now `left` (or had left already); `member` holds its entry.
    ok,
    /// No member of that name: 404.
    unknown_member,
    /// The member is alive or suspect (`member` says which), so it is not forced out:
    /// 409.
    not_failed,
    /// The name is this node's own: 409.
    self,
    /// Membership did not answer in time: 503, retry later.
    timeout,
    /// Membership is gone or answered with an unexpected error: 500.
    failed,
  };
  kind outcome = kind::ok;
  member_info member;
  /// Describes a timeout or failure for the client ("" otherwise).
  std::string message;
};

/// Receives the outcome of a forced leave; called exactly once.
using leave_callback = std::function<void(leave_outcome)>;

/// Receives the text of a scrape (`GET /metrics`), or nothing if this backend has no
/// metrics; called exactly once.
using scrape_callback = std::function<void(std::optional<std::string>)>;

/// What the router needs from the node: the latest view, a way to write, a way to
/// force a failed member out and a way to scrape its metrics.
///
/// Implementations are called concurrently from the HTTP event loops and must never
/// block them: writes and blocking reads report through a callback, which may run on
/// the calling thread before the call returns or later on any other thread.
class gateway_backend {
public:
  virtual ~gateway_backend() = default;

  /// The latest published view; null only if nothing was published yet.
  virtual std::shared_ptr<const node_view> view() const = 0;

  /// Writes `n` as this node's new value; `done` gets the outcome once the store
  /// answered or the request timed out. Never throws.
  virtual void write(int64_t n, write_callback done) = 0;

  /// Writes `n` only if the node's latest version is `expected` (If-Match), checked
  /// atomically by the store; `precondition_failed` with the current value otherwise.
  /// Reports like `write`. Never throws.
  virtual void write_if(int64_t n, const version& expected, write_callback done) = 0;

  /// Blocking read: `done` gets the view as soon as its counter exceeds `index`, or
  /// after `wait` (see `snapshot_store::watch`). Never throws.
  virtual void watch(uint64_t index, std::chrono::milliseconds wait,
                     watch_callback done) = 0;

  /// True if the cluster runs in linearizable mode: writes commit through consensus,
  /// and `add` and `read_consistent` are available.
  virtual bool linearizable() const { return false; }

  /// Linearizable mode: adds `delta` atomically; `ok` with the new value, `overflow`
  /// with the current one if the sum leaves int64. Reports like `write`. The default
  /// (eventual mode) answers `failed`: the router never calls it there.
  virtual void add(int64_t delta, write_callback done) {
    static_cast<void>(delta);
    done(write_outcome::failure(write_outcome::kind::failed, "needs linearizable mode"));
  }

  /// Linearizable mode: a linearizable read (an identity change through consensus);
  /// `ok` with the value. Reports like `write`; the default answers `failed`.
  virtual void read_consistent(write_callback done) {
    done(write_outcome::failure(write_outcome::kind::failed, "needs linearizable mode"));
  }

  /// Forces the failed member `name` to leave (see membership_core::force_leave);
  /// `done` gets the outcome once membership answered or the request timed out, on
  /// any thread. Never throws.
  virtual void force_leave(const std::string& name, leave_callback done) = 0;

  /// Carries out `command` on every live member (`list` asks each for its keys) and
  /// reports each member's answer through `done`, once, on any thread. Never throws.
  /// The default answers `failed`: a backend without a keyring.
  virtual void keyring(const keyring_command& command, keyring_callback done) {
    (void)command;
    done(keyring_result{keyring_result::kind::failed, {}, "no keyring in this backend"});
  }

  /// True if node-to-node traffic is sealed with a keyring (`/health` says so).
  virtual bool encrypted() const { return false; }
  /// Collects the node's metrics in the Prometheus text format (see metrics_text.hpp)
  /// and hands them to `done`, on any thread. The default has none (the router then
  /// answers 404). Never throws.
  virtual void scrape(scrape_callback done) { done(std::nullopt); }
};

/// Limits the router enforces itself (the HTTP library enforces them too, but the
/// router must not depend on that).
struct router_limits {
  /// Largest accepted request body in bytes; larger ones get 413. The API's bodies
  /// are tiny, so a small limit costs nothing and caps memory per connection.
  std::size_t max_body_bytes = 4096;
  /// Tokens and whether GET writes (checked before routing, see `access_control`);
  /// null lets every request through, as the blog's API does.
  std::shared_ptr<const access_control> access;
};

/// Maps one request to its response.
///
/// Routes: `GET /get`, `GET|POST|PUT /set/{n}` (both answer the value as text/plain
/// with a trailing newline), `GET|PUT /v1/value`, `GET /v1/members`,
/// `POST /v1/value/add` (linearizable mode: `{"delta": n}` added atomically, 200 with
/// the new value, 409 on int64 overflow with the value unchanged),
/// `GET /v1/value?consistent` (linearizable mode: a linearizable read; a plain GET
/// stays local, `X-Onevalue-Read: local`, with the index it reflects in
/// `X-Onevalue-Index`), both answered 409 in eventual mode;
/// `POST /v1/members/{name}/leave` (force a failed member out: 200 with its entry,
/// 404 unknown, 409 alive, suspect or this node), `GET|POST /v1/keyring` (keys by
/// fingerprint; install, use or remove a key on every member: keyring_routes.hpp),
/// `GET /metrics` (Prometheus text; 404 if the backend has none), `GET /ui` and
/// `GET /ui/{file}` (the cluster page, embedded at build time; see http/ui/),
/// `GET /health` (with `encrypted`: whether node-to-node traffic is sealed) (200 only
/// when the node can take writes, else 503 with `status` and `reason`; `?live` answers
/// 200 whenever the node serves HTTP; see health.hpp); HEAD is served like GET (but not
/// on /set/{n}) and OPTIONS answers 204 with `Allow`. `GET /v1/value` carries `ETag`,
/// `X-Onevalue-Index`, `X-Onevalue-Synchronized` and `X-Onevalue-Applied-At` (the
/// CLOCK_MONOTONIC microsecond at which this node published the value, comparable
/// between nodes on one host) and blocks with `?index=N[&wait=D]`; writes honour
/// `If-Match`. JSON bodies end with a newline. Errors are JSON `{"error": ...}`: 400
/// bad input, 404 unknown path, 405 wrong method (with `Allow`), 409 a forced leave of
/// a member that is not failed, 412 If-Match mismatch (body: the current value), 413
/// body too large, 429 too many blocking reads, 503 write timeout, not yet
/// synchronized or no view yet (with `Retry-After: 1`), 500 store failure; in
/// linearizable mode also 503 no quorum (with `Retry-After: 1`) and 504
/// `{"error": ..., "outcome": "unknown"}` when the deadline passed after the proposal
/// left this node (the write may still take effect). Never throws for bad input.
///
/// `respond` is called exactly once: before `route` returns for everything but
/// writes, forced leaves and blocking reads, whose response comes from the backend's
/// callback (on whichever thread the backend calls it).
void route(const http_request& request, gateway_backend& backend,
           const router_limits& limits, responder respond);

/// `route` as the HTTP server's request handler; `backend` must outlive the handler.
request_handler api_handler(gateway_backend& backend, router_limits limits);

/// The route template `path` (with or without a query) is counted under in metrics.
http_route classify_route(std::string_view path);

} // namespace onevalue
