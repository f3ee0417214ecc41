#pragma once

#include "actors/metrics/node_metrics.hpp"
#include "actors/protocol.hpp"
#include "http/api/router.hpp"
#include "http/api/snapshot_store.hpp"

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/timespan.hpp>

#include <cstddef>
#include <functional>
#include <memory>

namespace onevalue {

struct write_job;
struct write_inbox;

/// The real gateway backend: reads from the snapshot store, writes through the store
/// actor (eventual mode) or the consensus actor (linearizable mode), forces members
/// out through the membership actor.
///
/// Owned by main next to the http_server that calls it; called concurrently from the
/// HTTP event loops, which it never blocks. Writes go through a bridge: an
/// event-based actor this backend spawns. The loops append writes to a shared inbox
/// and wake the bridge with one message per batch; the bridge sends each write to the
/// store (`request(...).then`) and calls its callback from the reply, on a CAF worker
/// thread, or with `timeout` once the request timeout passed. Many writes are in
/// flight at once.
class store_backend : public gateway_backend {
public:
  /// `timeout` bounds every write and forced leave; the actor system, the store and
  /// membership must outlive this. With a `consensus` actor the node is in
  /// linearizable mode: writes, conditional writes, adds and consistent reads go to it
  /// (a consensus operation still unanswered at `timeout` is reported `unknown`: it
  /// may have left this node).
  store_backend(caf::actor_system& sys, store_actor store, membership_actor membership,
                std::shared_ptr<snapshot_store> snapshots, caf::timespan timeout,
                consensus_actor consensus = {});

  /// Stops the bridge; writes still in flight or queued are answered with `failed`
  /// (asynchronously, by the bridge on its way out).
  ~store_backend() override;

  store_backend(const store_backend&) = delete;
  store_backend& operator=(const store_backend&) = delete;

  std::shared_ptr<const node_view> view() const override;

  /// Sends `(set_atom, n)` to the store with the timeout. On success also publishes the
  /// new value to the snapshot store, so a read on this node right after the write sees
  /// it (the store's push to the gateway actor may lag). Maps `request_timeout` to
  /// `timeout`, the store's `persistence_failed`, `disk_full` and `not_synchronized` to
  /// the outcomes of the same name, anything else (store down, unexpected reply) to
  /// `failed`.
  void write(int64_t n, write_callback done) override;

  /// Sends `(set_atom, n, expected)` to the store (which checks the version and
  /// stages the write in one step) like `write`; a mismatch becomes
  /// `precondition_failed` with the store's current value.
  void write_if(int64_t n, const version& expected, write_callback done) override;

  bool linearizable() const override { return linearizable_; }

  /// Linearizable mode: an atomic add through the consensus actor.
  void add(int64_t delta, write_callback done) override;

  /// Linearizable mode: an identity change through the consensus actor.
  void read_consistent(write_callback done) override;

  /// Waits on the snapshot store (no actor, no thread involved).
  void watch(uint64_t index, std::chrono::milliseconds wait,
             watch_callback done) override;

  /// Asks membership to force `name` out, from a short-lived actor of its own (an
  /// operator's request is rare; the write bridge stays free of it). Maps the core's
  /// refusals to the outcomes of the same meaning, a request timeout to `timeout`,
  /// anything else to `failed`.
  void force_leave(const std::string& name, leave_callback done) override;

  /// From now on keyring requests go to `gossip` (which holds the keyring and spreads
  /// changes), and `/health` reports `encrypted`. Call before the HTTP server starts.
  void attach_keyring(gossip_actor gossip, bool encrypted);

  /// Asks the gossip actor, from a short-lived actor of its own, with a timeout of at
  /// least `min_keyring_timeout` (a change goes to every member). A refusal becomes
  /// `refused`, a request timeout `timeout`, anything else `failed`.
  void keyring(const keyring_command& command, keyring_callback done) override;

  bool encrypted() const override { return encrypted_; }

  /// The least time a keyring request may take: one exchange with each member, which
  /// may hit the stream transport's deadline (5 s).
  static constexpr std::chrono::seconds min_keyring_timeout{10};
  /// Turns on metrics: writes are counted by result in `metrics`, and `scrape` asks
  /// membership and `gossip` for their counters. `open_connections` is called on the
  /// HTTP thread that serves a scrape (so the server is alive then). Call before the
  /// HTTP server starts; without it `scrape` reports no metrics.
  void enable_metrics(std::shared_ptr<node_metrics> metrics, gossip_actor gossip,
                      std::function<std::size_t()> open_connections);

  /// Reads the gauges at once, then asks membership and gossip for copies of their
  /// counters from a short-lived actor (each within the scrape timeout, 1 s) and hands
  /// the text to `done` on a CAF thread. An actor that does not answer is reported as
  /// down and its counters are left out of this scrape.
  void scrape(scrape_callback done) override;

private:
  /// Hands `job` to the bridge.
  void enqueue(write_job job);

  caf::actor_system& sys_;
  membership_actor membership_;
  caf::timespan timeout_;
  std::shared_ptr<snapshot_store> snapshots_;
  std::shared_ptr<write_inbox> inbox_;
  bool linearizable_ = false;
  caf::actor bridge_;
  gossip_actor gossip_;
  bool encrypted_ = false;
  std::shared_ptr<node_metrics> metrics_;
  std::function<std::size_t()> open_connections_;
};

} // namespace onevalue
