#pragma once

// GET /metrics: everything a scrape reports, in the Prometheus text format 0.0.4
// (prometheus-cpp's TextSerializer). Pure formatting: the inputs are copies taken by
// the backend (see store_backend::scrape).

#include "actors/core/swim_metrics.hpp"
#include "actors/metrics/node_metrics.hpp"
#include "http/api/snapshot_store.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace onevalue {

/// The Content-Type of a scrape.
constexpr const char* metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

/// What one scrape reports besides `node_metrics`.
struct scrape_input {
  /// The node's latest view (value, members, synchronized); null before the first.
  std::shared_ptr<const node_view> view;
  /// The membership actor's counters; nothing if it did not answer in time.
  std::optional<membership_metrics> membership;
  /// The gossip actor's counters; nothing if it did not answer in time.
  std::optional<gossip_counters> gossip;
  std::size_t open_connections = 0;
  std::size_t waiting_reads = 0;
  std::size_t max_waiting_reads = 0;
};

/// The scrape's text. Counters of an actor that did not answer are left out (and
/// `onevalue_scrape_actor_up{actor=...}` is 0), never reported as 0: a counter must
/// not go down. Never fails.
std::string metrics_text(const scrape_input& in, const node_metrics& own);

} // namespace onevalue
