#pragma once

#include <prometheus/client_metric.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace onevalue {

/// A histogram that any thread may observe into without a lock.
///
/// prometheus-cpp 1.0's Histogram takes a mutex on every Observe; this one keeps one
/// atomic count per bucket and the sum as an atomic integer of `unit` steps (e.g.
/// nanoseconds for seconds), so the HTTP read path never waits for a scrape or for
/// another reader. A scrape (`collect`) reads each atomic once; counts taken while
/// observations land may disagree by those few observations, which Prometheus
/// tolerates (every count only grows). Owned by `node_metrics`; thread-safe.
class atomic_histogram {
public:
  /// `upper_bounds` ascending (the `+Inf` bucket is implicit); `unit` is the resolution
  /// of the sum (observations are rounded to multiples of it).
  atomic_histogram(std::vector<double> upper_bounds, double unit);

  atomic_histogram(const atomic_histogram&) = delete;
  atomic_histogram& operator=(const atomic_histogram&) = delete;

  /// Counts one observation; negative values count as 0. Never blocks, never fails.
  void observe(double value);

  /// The cumulative buckets, count and sum, as prometheus-cpp's data model.
  prometheus::ClientMetric::Histogram collect() const;

  /// Observations so far.
  uint64_t count() const;

private:
  std::vector<double> bounds_;
  double unit_;
  /// One count per bound plus the `+Inf` bucket; not cumulative.
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<uint64_t> sum_units_{0};
};

/// `count` bounds from `start`, each `factor` times the previous (as Prometheus's
/// ExponentialBuckets).
std::vector<double> exponential_bounds(double start, double factor, std::size_t count);

} // namespace onevalue
