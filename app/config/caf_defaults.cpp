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
      // CAF 0.17.6's UDP servant reads a socket max-consecutive-reads times per
      // readiness event and does not stop when the socket runs dry (EAGAIN counts as a
      // read of 0 bytes), so CAF's default of 50 cost about 50 recvfrom calls per
      // datagram received alone: most of a follower's system calls in linearizable mode.
      // One read per event: epoll (level-triggered) reports the socket again at once
      // while datagrams wait. TCP streams then read one chunk per event. Measured with
      // tests/bench/consensus_ab.py, 3 voters with data dirs: 1 client 786 -> 858
      // writes/s, 32 clients 15,315 -> 16,272 (the bench README has the runs).
      {"middleman.max-consecutive-reads", caf::config_value{static_cast<int64_t>(1)}, ""},
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
