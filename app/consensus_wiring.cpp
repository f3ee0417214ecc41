#include "app/consensus_wiring.hpp"

#include "actors/core/cluster_mode.hpp"
#include "actors/core/mode_marker.hpp"

#include <caf/all.hpp>

#include <algorithm>

namespace onevalue {

bool is_voter(const node_options& opts) {
  return std::find(opts.voters.begin(), opts.voters.end(), opts.name)
         != opts.voters.end();
}

std::optional<std::string> open_consensus_state(const node_options& opts,
                                                const store_open_result& opened,
                                                acceptor_open_result& restored) {
  if (opts.data_dir.empty())
    return std::nullopt;
  consistency_mode mode = consistency_mode::eventual;
  parse_consistency_mode(opts.consistency, mode);
  auto counter = opened.config.restored ? opened.config.restored->value.ver.counter : 0;
  if (auto err = check_mode_marker(*posix_file_layer(), opts.data_dir, mode, counter))
    return err;
  if (opts.linearizable() && is_voter(opts)) {
    restored = open_acceptor_files(*posix_file_layer(), opts.data_dir);
    if (restored.error)
      return restored.error;
  }
  return std::nullopt;
}

consensus_actor start_consensus(caf::actor_system& sys, const node_options& opts,
                                const acceptor_open_result& restored, uint64_t digest,
                                const gossip_actor& gossip, const store_actor& store,
                                std::random_device& entropy,
                                std::shared_ptr<node_metrics> metrics) {
  if (!opts.linearizable())
    return {};
  consensus_config cc;
  cc.self = opts.name;
  cc.voters = opts.voters;
  cc.mode_digest = digest;
  cc.settings = node_consensus_settings(opts.request_timeout, !opts.data_dir.empty());
  cc.initial = initial_register_state(default_initial_value);
  cc.restored = restored.state;
  cc.first_slot = restored.next_slot;
  cc.data_dir = opts.data_dir;
  cc.epoch = (uint64_t{entropy()} << 32) | entropy();
  cc.random_seed = (uint64_t{entropy()} << 32) | entropy();
  cc.gossip = gossip;
  cc.store = store;
  cc.metrics = std::move(metrics);
  auto hdl = sys.spawn(consensus, std::move(cc));
  caf::anon_send(gossip, attach_atom::value, hdl);
  return hdl;
}

} // namespace onevalue
