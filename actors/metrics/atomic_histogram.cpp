#include "actors/metrics/atomic_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace onevalue {

atomic_histogram::atomic_histogram(std::vector<double> upper_bounds, double unit)
    : bounds_(std::move(upper_bounds)), unit_(unit),
      counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i)
    counts_[i].store(0, std::memory_order_relaxed);
}

void atomic_histogram::observe(double value) {
  if (!(value > 0)) // also NaN
    value = 0;
  auto bucket = static_cast<std::size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  auto units = std::llround(value / unit_);
  sum_units_.fetch_add(static_cast<uint64_t>(units), std::memory_order_relaxed);
}

prometheus::ClientMetric::Histogram atomic_histogram::collect() const {
  prometheus::ClientMetric::Histogram h;
  uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    prometheus::ClientMetric::Bucket b;
    b.cumulative_count = cumulative;
    b.upper_bound = i < bounds_.size() ? bounds_[i] : INFINITY;
    h.bucket.push_back(b);
  }
  h.sample_count = cumulative;
  h.sample_sum = static_cast<double>(sum_units_.load(std::memory_order_relaxed)) * unit_;
  return h;
}

uint64_t atomic_histogram::count() const {
  uint64_t total = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i)
    total += counts_[i].load(std::memory_order_relaxed);
  return total;
}

std::vector<double> exponential_bounds(double start, double factor, std::size_t count) {
  std::vector<double> bounds;
  double bound = start;
  for (std::size_t i = 0; i < count; ++i, bound *= factor)
    bounds.push_back(bound);
  return bounds;
}

} // namespace onevalue
