#pragma once

// Dissemination as a pure state machine: the broadcast queue, the latest value, the push
// rules (value_push.hpp), the gossip tick, packet assembly and target choice. It takes
// events (a value the store accepted, a member update or SWIM message from membership,
// a decoded datagram, time passed) and returns what to do (datagrams to send, what to
// hand to the store and to membership, push-pulls to start). No sockets, no clock, no
// threads: the gossip actor feeds it in a node, the simulated cluster feeds one per
// simulated node, so the simulator measures the code that runs in a node.
//
//   store ──value_accepted──▶ ┌─────────────┐ ──datagrams──▶ network
//   membership ──broadcast──▶ │ gossip_core │ ──swim, member_updates──▶ membership
//   membership ──send───────▶ │ queue, rules│ ──values──▶ store
//   network ──receive───────▶ │ member table│ ──push_pulls──▶ push-pull transport
//   timer ──tick(now)───────▶ └─────────────┘

#include "actors/core/broadcast_queue.hpp"
#include "actors/core/endpoint.hpp"
#include "actors/core/member_table.hpp"
#include "actors/core/swim_settings.hpp"
#include "actors/core/wire.hpp"

#include <deque>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace onevalue {

/// A datagram to send to `to`.
struct datagram {
  endpoint to;
  packet p;
};

/// A SWIM message that arrived, for the membership core (`handle_message`).
struct arrived_swim {
  member_info sender;
  swim_message msg;
};

/// A value that arrived from member `from`, newer than the latest the store reported.
struct arrived_value {
  versioned_value value;
  std::string from;
};

/// What the gossip core asks its owner to do after an event, in this order.
struct gossip_actions {
  std::vector<datagram> datagrams;
  /// For membership: a SWIM message that arrived.
  std::optional<arrived_swim> swim;
  /// For membership (`merge_updates`): member updates that arrived by gossip.
  std::vector<member_update> member_updates;
  /// For the store: values that arrived (each newer than `latest()`).
  std::vector<arrived_value> values;
  /// Push-pull exchanges to start, one at a time (see `push_pull_connected`).
  std::vector<endpoint> push_pulls;
  /// Call `flush()` once the events already waiting are handled: a burst of accepted
  /// values then becomes one push of the latest.
  bool flush = false;
};

/// The gossip state of one node.
///
/// Owned by the gossip actor (or by one simulated node of a simulation) and touched only
/// from its thread. It reads the member table for targets, for the retransmit limit
/// (which grows with the table) and for its own identity (the table's entry named like
/// it): either a replica it keeps from the membership core's `member_delta`s (`apply`),
/// as a node does, whose membership core runs in another actor; or, in a simulation, the
/// membership core's table itself, read in place on the same thread.
class gossip_core {
public:
  /// A core with its own replica of the member table, holding only `self` until
  /// `apply` brings the membership core's changes. Draws targets and the first tick's
  /// offset (uniform in one gossip interval, so that nodes started together do not
  /// gossip in lockstep) from `rng`, which must outlive the core.
  gossip_core(member_info self, swim_settings settings, std::mt19937_64& rng,
              time_point now);

  /// A core that reads `shared`, a membership core's table on the same thread that
  /// outlives this core, instead of keeping a replica (`apply` then does nothing). A
  /// simulation of 10,000 nodes would otherwise hold every table twice.
  gossip_core(member_info self, swim_settings settings, std::mt19937_64& rng,
              time_point now, const member_table& shared);

  gossip_core(const gossip_core&) = delete;
  gossip_core& operator=(const gossip_core&) = delete;

  /// Member table changes from the membership core, in the order it made them, for the
  /// replica. A change that would forget this node itself is ignored.
  void apply(const std::vector<member_delta>& changes);

  /// The store accepted `v` (a local write or a merged remote value). If it is newer
  /// than the latest, it becomes the latest and is queued for gossip, and the first
  /// value of a burst asks for a `flush`.
  gossip_actions value_accepted(const versioned_value& v);

  /// Pushes the latest value at once, outside the broadcast queue, to whom
  /// `value_push_scope` says: the queue keeps its whole retransmit budget for the
  /// periodic gossip that follows. (When the push counted against the budget, a 5-node
  /// cluster spent 3 of its 4 sends at once and left about one write in 800 unseen by
  /// one member until the next push-pull.)
  gossip_actions flush();

  /// Queues a member update from membership and pushes at once to whom
  /// `member_push_scope` says: to a few members, the queue (counting against its
  /// retransmit budget); to all, the update alone, outside the budget.
  gossip_actions broadcast(const member_update& u);

  /// A SWIM message from membership to `to`: `attached` first, then as many queued
  /// items as fit.
  gossip_actions send(const endpoint& to, const swim_message& msg,
                      const std::vector<member_update>& attached);

  /// A decoded datagram arrived. Ignored if this node sent it; otherwise its SWIM
  /// message and member updates go to membership, and values newer than `latest()`
  /// to the store.
  gossip_actions receive(packet p);

  /// Runs the gossip tick if it is due: every gossip interval, the queue goes to
  /// `gossip-nodes` random live members (nothing is sent while it is empty).
  gossip_actions tick(time_point now);

  /// When `tick` next has something to do.
  time_point next_deadline() const { return next_tick_; }

  /// Membership asks for a push-pull with `peer`. Exchanges start one at a time: it
  /// starts now if none is connecting, else waits in line (each peer at most once,
  /// at most `push_pull_queue_limit` waiting; beyond that the request is dropped and
  /// the next push-pull interval asks again).
  gossip_actions request_push_pull(const endpoint& peer);

  /// The push-pull that started last has connected (or failed to): the next may start.
  gossip_actions push_pull_connected();

  /// This node's own entry in the member table.
  const member_info& self() const;
  /// The member table, sorted by name (what a push-pull sends).
  std::vector<member_info> members() const;
  /// The member table read for targets: the replica or the shared table.
  const member_table& table() const { return shared_ ? *shared_ : replica_; }
  /// The latest value the store reported.
  const versioned_value& latest() const { return latest_; }
  /// Alive or suspect members other than this node.
  std::size_t live_peer_count() const;
  /// Items waiting in the broadcast queue.
  std::size_t queued() const { return queue_.size(); }

  /// Push-pull requests that may wait behind the one connecting.
  static constexpr std::size_t push_pull_queue_limit = 16;

private:
  /// `p` from this node to `to`, with queued items piggybacked if `piggyback`.
  datagram assemble(const endpoint& to, packet p, bool piggyback);
  /// Up to `count` distinct random live members other than this node.
  std::vector<endpoint> targets(std::size_t count);
  /// Sends the queue's items to `count` random live members.
  void push_queue(std::size_t count, gossip_actions& out);
  void start_next_push_pull(gossip_actions& out);
  /// This node's slot: 0 in a membership core's table and in a replica (inserted first
  /// and never erased), looked up by name only should that ever change.
  uint32_t self_slot() const {
    auto& t = table();
    return t.size() > 0 && t[0].info.name == self_name_ ? 0 : t.find(self_name_);
  }

  std::string self_name_;
  swim_settings settings_;
  std::mt19937_64* rng_;
  member_table replica_;
  const member_table* shared_ = nullptr;
  broadcast_queue queue_;
  versioned_value latest_;
  bool flush_pending_ = false;
  time_point next_tick_;
  std::deque<endpoint> push_pull_waiting_;
  bool push_pull_connecting_ = false;
};

} // namespace onevalue
