#include "app/config/caf_defaults.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/settings.hpp>

#include <algorithm>
#include <thread>

namespace onevalue::config {

std::vector<caf_default> caf_defaults() {
  // CAF's default is max(cores, 4) workers. The HTTP event loops (http-threads) need
  // cores of their own, so the actors get half the cores. On 2 cores that is one
  // worker: every actor hop stays on one thread instead of waking the other worker
  // through the shared queue's condition variable. Measured with wrk -c32 on one node
  // of three (issue 6): /set/{n} 68k -> 78k req/s, PUT 52k -> 74k, GET 131k -> 153k.
  auto cores = std::max(1u, std::thread::hardware_concurrency());
  return {
      // A CAF application with other identifiers cannot connect to a node.
      {"middleman.app-identifiers",
       caf::config_value{std::vector<std::string>{"onevalue"}},
       "middleman.app-identifier"},
      {"scheduler.max-threads",
       caf::config_value{static_cast<int64_t>(std::max(1u, cores / 2))}, ""},
      // CAF's default work-stealing workers poll for work even when idle (relaxed
      // polling wakes every 10 ms): an idle node used 3.5 % of a core; with the sharing
      // policy (one queue, workers sleep on a condition variable) 0.1 % (issue 6).
      // Sharing has one lock for all workers, which costs on many cores.
      {"scheduler.policy", caf::config_value{caf::atom("sharing")}, ""},
  };
}

void apply_caf_defaults(caf::actor_system_config& cfg) {
  auto is_set = [&](const std::string& key) {
    return !key.empty() && caf::get_if(&cfg.content, key) != nullptr;
  };
  for (auto& entry : caf_defaults())
    if (!is_set(entry.key) && !is_set(entry.unless))
      cfg.set(entry.key, std::move(entry.value));
}

} // namespace onevalue::config
