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
      // Every node must use the same heartbeat settings (CAF-NOTES §3): a node with a
      // connection timeout drops idle links to a node that sends no heartbeats. The
      // timeout drops a BASP link to a hung peer, so that the next push-pull connects
      // afresh. Heartbeats cost about 45 bytes per open link per interval, and a node
      // keeps a link to every member it exchanged state with (up to N-1): at 1s that
      // was 160-380 bytes/s per node in an idle 10-node cluster, more than its UDP
      // gossip; every 5s it is a fifth of that, and a hung link is dropped after 15s.
      {"middleman.heartbeat-interval",
       caf::config_value{caf::timespan{std::chrono::seconds(5)}}, ""},
      {"middleman.connection-timeout",
       caf::config_value{caf::timespan{std::chrono::seconds(15)}}, ""},
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
