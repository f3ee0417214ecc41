#include "actors/core/swim_formulas.hpp"

#include <algorithm>
#include <cmath>

namespace onevalue {

std::chrono::milliseconds suspicion_timeout(int mult, std::size_t n,
                                            std::chrono::milliseconds probe_interval) {
  auto node_scale =
      std::max(1.0, std::log10(static_cast<double>(std::max<std::size_t>(n, 1))));
  auto ms = static_cast<double>(mult) * node_scale
            * static_cast<double>(probe_interval.count());
  return std::chrono::milliseconds{static_cast<long long>(std::llround(ms))};
}

std::chrono::milliseconds
dynamic_suspicion_timeout(std::size_t confirmations, std::size_t expected,
                          std::chrono::milliseconds min_timeout,
                          std::chrono::milliseconds max_timeout) {
  if (expected == 0 || max_timeout <= min_timeout)
    return min_timeout;
  auto fraction = std::log(static_cast<double>(confirmations) + 1.0)
                  / std::log(static_cast<double>(expected) + 1.0);
  auto span = static_cast<double>((max_timeout - min_timeout).count());
  auto ms = static_cast<double>(max_timeout.count()) - span * fraction;
  auto result = std::chrono::milliseconds{static_cast<long long>(std::floor(ms))};
  return std::clamp(result, min_timeout, max_timeout);
}

std::size_t retransmit_limit(int mult, std::size_t n) {
  auto scale =
      static_cast<std::size_t>(std::ceil(std::log10(static_cast<double>(n) + 1.0)));
  return static_cast<std::size_t>(std::max(mult, 0)) * scale;
}

std::chrono::milliseconds scaled_push_pull_interval(std::chrono::milliseconds base,
                                                    std::size_t n) {
  if (n <= push_pull_scale_threshold)
    return base;
  auto doublings = std::ceil(
      std::log2(static_cast<double>(n) / static_cast<double>(push_pull_scale_threshold)));
  return base * (static_cast<long long>(doublings) + 1);
}

int apply_health_delta(int score, int delta, int max_multiplier) {
  auto top = std::max(max_multiplier, 1) - 1;
  return std::clamp(score + delta, 0, top);
}

std::chrono::milliseconds scale_by_health(std::chrono::milliseconds base, int score) {
  return base * (std::max(score, 0) + 1);
}

} // namespace onevalue
