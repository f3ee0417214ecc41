#pragma once

// The metrics a node keeps itself, outside its actors: HTTP requests, writes by result,
// the store's fsync, batch and dissemination histograms, and in linearizable mode the
// consensus rounds and acceptor saves. Counters that the membership and gossip actors
// own stay inside them; a scrape asks for a copy (see store_backend::scrape and
// http/api/metrics_text.hpp).

#include "actors/metrics/atomic_histogram.hpp"

#include <prometheus/counter.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace onevalue {

/// The route templates HTTP requests are counted by (never the raw path, which would
/// make every `/set/{n}` a time series of its own).
enum class http_route : uint8_t {
  get,
  set,
  value,
  value_add,
  members,
  member_leave,
  health,
  keyring,
  metrics,
  ui,
  ui_asset,
  /// Any path the router does not know (answered 404).
  unknown,
};
constexpr std::size_t http_route_count = 12;

/// "/get", "/set/{n}", ... ("other" for unknown paths).
const char* route_label(http_route r);

/// The methods requests are counted by; anything else counts as `other`.
enum class http_method : uint8_t { get, head, put, post, options, other };
constexpr std::size_t http_method_count = 6;
http_method method_of(std::string_view method);
const char* method_label(http_method m);

/// How a write through HTTP ended, as the `result` label of `onevalue_writes_total`.
enum class write_result : uint8_t {
  ok,
  precondition_failed,
  not_synchronized,
  not_durable,
  timeout,
  failed,
  /// Linearizable mode: an add that would overflow int64 (409).
  overflow,
  /// Linearizable mode: no majority of voters answered; not applied (503).
  no_quorum,
  /// Linearizable mode: timed out after the proposal left; may still apply (504).
  outcome_unknown,
  /// The node's disk is full; not applied (507). Writes resume once space is freed.
  disk_full,
};
constexpr std::size_t write_result_count = 10;
const char* write_result_label(write_result r);

/// The node's own metrics (everything but the actors' protocol counters).
///
/// Owned by main through a shared_ptr (the store actor, the HTTP handler and the store
/// backend hold copies). Every method is thread-safe and lock-free except `collect`
/// (which a scrape runs): every label combination is created in the constructor and
/// kept by pointer or array index, so no hot path ever reaches prometheus-cpp's
/// Family::Add and its mutex.
class node_metrics {
public:
  /// `version` and `caf_version` become the labels of onevalue_build_info.
  node_metrics(const std::string& version, const std::string& caf_version);

  node_metrics(const node_metrics&) = delete;
  node_metrics& operator=(const node_metrics&) = delete;

  /// Counts one answered HTTP request that took `seconds`.
  void count_request(http_method method, http_route route, int status, double seconds);

  /// Counts one write through HTTP by how it ended (on the node that took it).
  void count_write(write_result result);

  /// The store made a batch durable (or failed to) after `seconds`, holding `writes`
  /// local writes (0 for a batch of merged values or an incarnation only).
  void observe_save(double seconds, std::size_t writes);

  /// This node applied a value the writer accepted `seconds` earlier (by the two
  /// wall clocks; a negative difference, i.e. clock skew, counts as 0).
  void observe_applied_delay(double seconds);

  /// A state exchange this node started ended after `seconds`, completed or failed.
  void observe_push_pull(double seconds, bool completed);

  /// Linearizable mode, on the proposing node: a consensus round committed a batch of
  /// `operations` `seconds` after the batch's first prepare or accept (retries
  /// included).
  void observe_consensus_commit(double seconds, std::size_t operations);

  /// Linearizable mode: `attempts` attempts (a prepare or an accept phase) of this
  /// node's proposer failed; each is normally retried with a higher ballot.
  void count_consensus_failed_attempts(uint64_t attempts);

  /// Linearizable mode: `accepts` accepts of this node's proposer went on to every
  /// voter after the majority asked first was silent or refused (thrifty accepts).
  void count_consensus_widened_accepts(uint64_t accepts);

  /// Linearizable mode, on a voter with a data dir: its acceptor state was saved (or
  /// failed to be) `seconds` after the acceptor asked.
  void observe_acceptor_save(double seconds, bool ok);

  /// Linearizable mode: an acceptor save failed before it could be asked for (the
  /// state could not be encoded); counted as failed, not timed.
  void count_acceptor_save_failure();

  /// Observations of the applied-delay histogram so far (for tests).
  uint64_t applied_count() const { return applied_delay_.count(); }

  /// Every family this object holds, ready for the text serializer. Takes the
  /// registry's mutex; meant for scrapes only.
  std::vector<prometheus::MetricFamily> collect() const;

private:
  /// Status codes with a slot of their own; anything else counts as "other".
  static constexpr std::array<int, 15> known_statuses{
      200, 204, 304, 400, 404, 405, 408, 409, 412, 413, 429, 431, 500, 503, 507};
  static constexpr std::size_t status_slots = known_statuses.size() + 1;
  static std::size_t status_slot(int status);

  std::shared_ptr<prometheus::Registry> registry_;
  std::array<prometheus::Counter*, write_result_count> writes_{};
  std::array<std::atomic<uint64_t>, http_method_count * http_route_count * status_slots>
      requests_{};
  std::vector<std::unique_ptr<atomic_histogram>> request_seconds_;
  atomic_histogram save_seconds_;
  atomic_histogram batch_writes_;
  atomic_histogram applied_delay_;
  atomic_histogram push_pull_completed_;
  atomic_histogram push_pull_failed_;
  atomic_histogram consensus_commit_seconds_;
  atomic_histogram consensus_batch_operations_;
  prometheus::Counter* consensus_failed_attempts_ = nullptr;
  prometheus::Counter* consensus_widened_accepts_ = nullptr;
  atomic_histogram acceptor_save_seconds_;
  prometheus::Counter* acceptor_save_failures_ = nullptr;
};

} // namespace onevalue
