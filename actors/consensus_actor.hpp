#pragma once

// The consensus adapter of the linearizable mode (issue 15): carries out what the
// CASPaxos cores decide (actors/core/consensus_proposer.hpp, consensus_acceptor.hpp)
// and nothing else.
//
//   HTTP bridge ──propose──▶ proposer ──frames──▶ gossip actor ──UDP──▶ voters
//                               ▲                                        │
//   gossip actor ──crecv──▶ decode, check digest ◀──── replies ──────────┘
//                               │
//                               ├─▶ acceptor (voters) ──persist──▶ save worker (fsync)
//                               └─▶ chosen state ──merge──▶ store ──▶ gossip to all
//
// The gossip actor seals every outgoing frame in the keyring envelope and hands over
// only what the envelope opened (datagram_codec.hpp, channel 'C'), so with keys set
// frames are authenticated like gossip. Every frame is decoded and validated
// (consensus_frame.hpp, consensus_codec.hpp); a frame from a node with another mode
// digest is dropped. A voter's acceptor replies only after its state is on disk
// (`<data-dir>/acceptor.{0,1}`, saved by a detached worker); without a data dir it
// lives in memory only (see the README: no guarantee then if a majority of voters
// restarts).

#include "actors/core/consensus_acceptor.hpp"
#include "actors/core/consensus_proposer.hpp"
#include "actors/core/file_layer.hpp"
#include "actors/core/tick_schedule.hpp"
#include "actors/metrics/node_metrics.hpp"
#include "actors/protocol.hpp"

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace onevalue {

/// How to run the consensus adapter. Filled by main.
struct consensus_config {
  /// This node's name (the proposer's identity, and the sender in every frame).
  std::string self;
  /// The voters (validated: validate_voters). This node runs an acceptor if listed.
  std::vector<std::string> voters;
  /// cluster_mode_digest of the linearizable mode with `voters`.
  uint64_t mode_digest = 0;
  consensus_settings settings;
  /// The state every node starts from (initial_register_state of the store's initial
  /// value).
  register_state initial;
  /// What the acceptor files held (open_acceptor_files); the initial state for a new
  /// voter. Unused on a non-voter.
  acceptor_state restored;
  /// The acceptor slot file the first save overwrites (open_acceptor_files).
  int first_slot = 0;
  /// Where the acceptor file lives; "" keeps the acceptor state in memory only.
  std::string data_dir;
  /// The file system; nullptr means the real one.
  std::shared_ptr<file_layer> files;
  /// A number new for every start of the process (the ballots' epoch).
  uint64_t epoch = 0;
  /// Seeds the proposer's retry jitter.
  uint64_t random_seed = 0;
  gossip_actor gossip;
  store_actor store;
  /// Where commits, failed attempts and acceptor saves are counted; null: not counted.
  std::shared_ptr<node_metrics> metrics;
};

/// Counts of what arrived and what was dropped, for the log line at exit.
struct consensus_counters {
  uint64_t frames_received = 0;
  uint64_t frames_invalid = 0;
  uint64_t frames_other_mode = 0;
  uint64_t frames_unroutable = 0;
  uint64_t saves = 0;
  uint64_t saves_failed = 0;
  uint64_t operations = 0;
};

/// State of the consensus actor. Owned by it; touched only from its handlers.
struct consensus_state {
  static inline const char* name = "onevalue.consensus";
  using result_promise = caf::typed_response_promise<uint8_t, uint8_t, versioned_value>;

  consensus_config config;
  std::unique_ptr<consensus_proposer> proposer;
  /// Null on a node that is not a voter.
  std::unique_ptr<consensus_acceptor> acceptor;
  /// The acceptor's save worker (detached: fsync never blocks the scheduler); null
  /// without a data dir.
  caf::actor saver;
  /// Where each member receives datagrams: name -> (address, cluster port).
  std::map<std::string, std::pair<std::string, uint16_t>> endpoints;
  std::unordered_map<uint64_t, result_promise> waiting;
  uint64_t next_operation = 1;
  /// The ticks armed for the proposer's deadlines (only when none armed comes first).
  tick_schedule ticks;
  /// Senders already warned about (a wrong mode digest), so the log is not flooded.
  std::set<std::string> warned;
  std::shared_ptr<consensus_counters> counters = std::make_shared<consensus_counters>();
};

/// The consensus actor's behavior; spawn with `sys.spawn(consensus, config)`. Throws
/// std::invalid_argument (from the proposer) on invalid voters or settings.
consensus_actor::behavior_type
consensus(consensus_actor::stateful_pointer<consensus_state> self,
          consensus_config config);

} // namespace onevalue
