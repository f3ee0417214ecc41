#pragma once

// The SWIM failure detector as a pure state machine: it takes events (a message
// arrived, gossip arrived, time passed) and returns what to do (datagrams to send,
// updates to broadcast, peers to exchange full state with). No sockets, no clocks, no
// threads: the membership actor feeds it, tests drive it on simulated time.
//
//   not joined ──ack/ping from anyone──▶ joined ──leave()──▶ leaving
//      ▲   │ ping seeds every join_retry_interval   │
//      │   ▼                                         │ every other member failed/left
//      └───────── (seeds are pinged again) ◀─────────┘

#include "actors/core/endpoint.hpp"
#include "actors/core/member.hpp"
#include "actors/core/member_table.hpp"
#include "actors/core/membership_actions.hpp"
#include "actors/core/swim_metrics.hpp"
#include "actors/core/swim_settings.hpp"
#include "actors/core/wire.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace onevalue {

/// The SWIM membership state of one node.
///
/// Everything it is told is validated first, even from an authenticated peer (see
/// membership_merge.cpp): malformed members, implausible incarnations, a `left` not from
/// the member itself, a `failed` about a member never suspected here, a live member
/// claimed at another address and new names past `max_members` are refused and
/// counted; ping-reqs and acks go only to members in the table, at the address held.
///
/// Name conflicts ("node name already in use", issue 17): a node whose name another
/// live node holds at a different address refuses to take part. Third parties never
/// move a live member to another address; they answer a ping from the newcomer with a
/// conflict ack naming the holder's address. The newcomer, a node no member has
/// acknowledged by name yet (`established()` is false), stops (`swim_actions::conflict`);
/// an established node keeps its name and logs an error. Neither refutes, so there is
/// no refutation loop.
///
/// Owned by the membership actor and touched only from it (or from one test thread).
/// Invariants (see `check_invariants`): the node itself is always in the table (at slot
/// 0) and never suspect or failed in its own eyes; a member is suspect exactly when it
/// has a suspicion record; at most one direct probe is outstanding.
///
/// Every node holds every member, so the table is kept compact (see member_table) and
/// no per-message or per-tick work scans a mostly live table. Only a new probe round
/// (once per N probes), choosing a push-pull peer (once per push-pull interval), probing
/// failed members (once per failed-probe interval, while there are some) and reaping do.
/// A 10,000-node simulation holds 10^8 entries and calls `tick` 10^4 times per probe
/// interval.
class membership_core {
public:
  /// Creates the table with only `self`. `seeds` are pinged until one answers; with no
  /// seeds the node is a cluster of its own and counts as joined. `random_seed` makes
  /// probe order and helper choice reproducible.
  membership_core(member_info self, swim_settings settings, std::vector<endpoint> seeds,
                  uint64_t random_seed, time_point now);

  /// A SWIM message from `sender` (who describes itself, incarnation included).
  swim_actions handle_message(const member_info& sender, const swim_message& msg,
                              time_point now);

  /// Member updates that arrived by gossip.
  swim_actions merge_updates(const std::vector<member_update>& updates, time_point now);

  /// A full member table that arrived by push-pull from `reporter`.
  swim_actions merge_table(const std::vector<member_info>& table,
                           const std::string& reporter, time_point now);

  /// Runs every timer due at `now`: join retries, probe timeouts, the next probe,
  /// suspicion expiry, push-pull, reaping.
  swim_actions tick(time_point now);

  /// Announces a graceful leave: raises the incarnation and broadcasts `left`. After
  /// this the node no longer probes or refutes. Does nothing once stopped by a name
  /// conflict (the name is another node's).
  swim_actions leave(time_point now);

  /// An operator's word that the failed member `name` will not return (as `serf
  /// force-leave`): marks it `left` at its current incarnation and broadcasts that, so
  /// every node stops pinging its address, lists it as left, stops counting it as
  /// failed, and forgets it `reap-after` from now. A member that is in fact alive
  /// refutes with a higher incarnation and is alive again. Refuses (changing nothing)
  /// members that are alive or suspect, this node itself and unknown names, saying which.
  force_leave_result force_leave(const std::string& name, time_point now);

  /// The earliest time at which `tick` has something to do.
  time_point next_deadline() const;

  /// The member table, sorted by name, self included.
  std::vector<member_info> members() const;

  /// Number of members in the table, self included.
  std::size_t member_count() const { return table_.size(); }

  /// Members by state, self included.
  member_counts counts() const;

  /// The entry for `name`, or null if unknown. Valid until the next call that changes
  /// the table.
  const member_info* find(const std::string& name) const;

  /// Up to `k` distinct random alive or suspect members other than self, drawn with
  /// `rng` (for gossip targets); cheap for large tables.
  std::vector<member_info> sample_live_peers(std::size_t k, std::mt19937_64& rng) const;

  /// Alive or suspect members other than self (kept as a count, O(1)).
  std::size_t live_peer_count() const;

  /// Puts `table` into the member table as if learned at `now`, without broadcasting
  /// and without events, and counts the node as joined; returns the table changes only.
  /// For simulations that start from an already formed cluster; a real node learns
  /// members through the protocol.
  swim_actions preload(const std::vector<member_info>& table, time_point now);

  /// The member table itself, self at slot 0. For a gossip core on the same thread that
  /// reads it in place instead of keeping a replica (a simulation of many nodes).
  const member_table& table() const { return table_; }

  /// Lifeguard local health score, 0..awareness_max_multiplier-1 (0: healthy).
  int health_score() const { return health_; }

  /// The time between periodic push-pulls: `push-pull-interval`, stretched
  /// logarithmically above 32 known members (`scaled_push_pull_interval`).
  std::chrono::milliseconds push_pull_interval() const;

  /// The probe interval and ack timeout as stretched by the health score.
  std::chrono::milliseconds scaled_probe_interval() const;
  std::chrono::milliseconds scaled_ack_timeout() const;

  const member_info& self() const;
  bool joined() const { return joined_; }

  /// True once another member showed that it holds this node by name at this node's
  /// address (a ping addressed to it, or news about it from someone else), or from the
  /// start for a node alone by configuration (no seeds). Decides who yields in a name
  /// conflict: a node that is not established yet is the newcomer.
  bool established() const { return accepted_ || seeds_.empty(); }

  /// The name conflict this node stopped for, or null while it takes part.
  const name_conflict* stopped() const { return stopped_ ? &*stopped_ : nullptr; }
  const swim_counters& counters() const { return counters_; }
  const swim_settings& settings() const { return settings_; }

  /// Returns an empty string if all invariants hold, else a description of the first
  /// broken one.
  std::string check_invariants() const;

private:
  using member_entry = member_table::entry;

  /// What only a suspect member needs: kept apart from the table, which holds every
  /// member, because few members are suspect at a time.
  struct suspicion {
    time_point start;
    time_point deadline;
    /// The member whose suspicion started it (this node's name if our probe failed).
    std::string accuser;
    /// Other members (this node included, unless it is the accuser) that suspected it
    /// at this incarnation on their own, at most `expected_confirmations()` of them.
    /// A relay of someone's suspicion names that someone, so relays never count.
    std::set<std::string> confirmations;
  };

  struct pending_probe {
    std::string target;
    uint32_t seq = 0;
    time_point ack_deadline;
    time_point probe_deadline;
    bool indirect_sent = false;
    /// Names of the helpers asked by ping-req that have not nacked yet (Lifeguard).
    /// A nack counts once per helper asked: a duplicate, or one from a member we did
    /// not ask, cannot hide a missing one.
    std::vector<std::string> awaiting_nacks;
    std::size_t expected_nacks = 0;
  };

  struct relay {
    endpoint requester;
    uint32_t requester_seq = 0;
    std::string target;
    /// When to nack if no ack came (80 % of the ack timeout, so the nack reaches the
    /// requester before its own probe ends), and when to forget the relay.
    time_point nack_at;
    bool nacked = false;
    time_point deadline;
  };

  // -- message handlers (membership_core.cpp) --
  /// A datagram from another node using this node's name.
  void on_own_name(const member_info& sender, const swim_message& msg, time_point now,
                   swim_actions& out);
  void on_ping(const member_info& sender, const swim_message& msg, time_point now,
               swim_actions& out);
  void on_ack(const member_info& sender, const swim_message& msg, time_point now,
              swim_actions& out);
  void on_ping_req(const member_info& sender, const swim_message& msg, time_point now,
                   swim_actions& out);
  void on_nack(const member_info& sender, const swim_message& msg);
  void adjust_health(int delta);

  // -- timers (membership_timers.cpp) --
  void retry_join(time_point now, swim_actions& out);
  void ping_forgotten_seeds(time_point now, swim_actions& out);
  void check_probe(time_point now, swim_actions& out);
  void start_probe(time_point now, swim_actions& out);
  void expire_suspicions(time_point now, swim_actions& out);
  void expire_relays(time_point now, swim_actions& out);
  void probe_failed_members(time_point now, swim_actions& out);
  void schedule_push_pull(time_point now, swim_actions& out);
  void reap(time_point now, swim_actions& out);

  // -- state merging (membership_merge.cpp) --
  void apply_update(const member_update& update, time_point now, swim_actions& out);
  void apply_alive(const member_info& m, const std::string& reporter, time_point now,
                   swim_actions& out);
  void apply_suspect(const member_info& m, const std::string& reporter, time_point now,
                     swim_actions& out);
  void apply_dead(const member_info& m, const std::string& reporter, time_point now,
                  swim_actions& out);
  /// Turns a `failed` (or someone else's `left`) about a member held alive into a
  /// suspicion, or into `failed` if the member is already suspect at that incarnation.
  void apply_reported_dead(member_entry& e, const member_info& m,
                           const std::string& reporter, time_point now,
                           swim_actions& out);
  /// The entry that suspect or dead news `m` is about: the member held under its name
  /// at the same address, if `m`'s incarnation is not older than the held one and is
  /// plausible (an implausible one is counted); null otherwise.
  member_entry* held_entry_for(const member_info& m);
  /// The entry of `m`'s name if it is held at `m`'s address (the member, not a claim
  /// to its name from elsewhere); null otherwise.
  member_entry* held_at_its_address(const member_info& m);
  void refute(uint64_t seen_incarnation, const std::string& reason, swim_actions& out);
  /// A live node at `theirs` claims this node's name (`via` told us): stops this node if
  /// it is not established, else logs an error (rate-limited) and keeps going.
  void own_name_taken(const endpoint& theirs, const std::string& via, time_point now,
                      swim_actions& out);
  /// `sender` claims the name of `held`, a live member at another address: refused,
  /// counted, logged (rate-limited); a ping is answered with a conflict ack.
  void refuse_address_claim(const member_info& held, const member_info& claim,
                            const std::string& via, time_point now, swim_actions& out);
  /// A conflict ack to `to` naming `holder`, at most one per probe interval.
  void send_conflict_ack(const endpoint& to, uint32_t seq, const member_info& holder,
                         time_point now, swim_actions& out);
  /// True (and the next allowed time moved) if a rate-limited log line may go out.
  bool conflict_note_due(time_point now);
  void set_state(member_entry& e, member_state to, uint64_t incarnation,
                 const std::string& reason, time_point now, swim_actions& out);
  void broadcast(const member_info& m, swim_actions& out);
  std::chrono::milliseconds suspicion_duration(const suspicion& s) const;
  /// How many independent confirmations bring a suspicion down to its minimum timeout.
  std::size_t expected_confirmations() const;

  // -- helpers --
  /// Syntax of a member and its reporter; counts and returns false if malformed.
  bool well_formed(const member_info& m, const std::string& reporter);
  /// Counts and returns false if `claimed` is implausible above `held`.
  bool plausible(uint64_t claimed, uint64_t held);
  bool table_full() const { return table_.size() >= settings_.max_members; }
  void mark_heard(const std::string& name, time_point now);
  member_entry& insert_member(member_info info, time_point now);
  /// Marks this node joined and restarts the push-pull catch-up schedule from `now`.
  void mark_joined(time_point now);
  /// Schedules the first push-pull of the catch-up schedule (`push_pull_wait_`) at
  /// 2 probe intervals from `now`.
  void start_catch_up_exchanges(time_point now);
  void erase_name(const std::string& name);
  uint32_t next_seq() { return ++seq_; }
  /// Slots of up to `k` distinct random members of `pool` other than self and `except`
  /// (a slot or member_table::npos), in random order (`member_table::sample`).
  std::vector<uint32_t> sample_slots(std::size_t k, uint32_t except, sample_pool pool,
                                     std::mt19937_64& rng) const;
  static endpoint endpoint_of(const member_info& m) {
    return {m.address, m.cluster_port};
  }

  member_info& self_info() { return table_[self_slot].info; }

  /// The node itself is inserted first and never erased, so it stays at slot 0.
  static constexpr uint32_t self_slot = 0;

  std::string self_name_;
  swim_settings settings_;
  std::vector<endpoint> seeds_;
  std::mt19937_64 rng_;
  member_table table_;
  /// Exactly the suspect members, by name.
  std::map<std::string, suspicion> suspicions_;
  swim_counters counters_;
  int health_ = 0;
  /// Lower bounds of the earliest suspicion expiry and reap time: `tick` scans the
  /// table only once one is reached (and then recomputes both), which keeps ticks
  /// O(1) in large clusters. A bound may be early, never late.
  time_point earliest_suspicion_ = time_point::max();
  time_point earliest_reap_ = time_point::max();

  bool joined_ = false;
  bool leaving_ = false;
  /// See `established()`.
  bool accepted_ = false;
  /// Set when a name conflict stopped this node; it then does nothing at all.
  std::optional<name_conflict> stopped_;
  /// Rate limits of conflict acks (one per probe interval) and conflict log lines.
  time_point next_conflict_reply_ = time_point::min();
  time_point next_conflict_note_ = time_point::min();
  uint32_t seq_ = 0;
  uint32_t join_attempts_ = 0;
  std::set<uint32_t> join_seqs_;
  time_point next_join_at_;
  time_point next_probe_at_;
  time_point next_failed_probe_at_;
  /// When a joined node next pings the seeds missing from its table (reaped after a
  /// partition longer than reap-after): every failed-probe interval.
  time_point next_seed_ping_at_;
  time_point next_push_pull_at_;
  /// The wait before the next periodic push-pull. It starts at 2 probe intervals and
  /// doubles up to `push_pull_interval()`: a node that just started exchanges tables at
  /// 2, 6, 14, ... s (lan), so a member it missed while many nodes joined at once is
  /// filled in within seconds instead of after a whole push-pull interval (50 nodes
  /// started together: one node lacked one member for 30 s, issue 6). Costs about
  /// log2(push-pull-interval / 2 probe intervals) extra exchanges per start.
  std::chrono::milliseconds push_pull_wait_{};
  std::optional<pending_probe> probe_;
  /// Slots of this round's probe targets, shuffled; `member_table::npos` for a member
  /// erased since (erasing fixes up the slot of the member that moved).
  std::vector<uint32_t> probe_order_;
  std::size_t probe_index_ = 0;
  std::map<uint32_t, relay> relays_;

  /// Ping-reqs being relayed at most; more are refused (each costs a ping and a map
  /// entry for an ack timeout, and only members can ask).
  static constexpr std::size_t max_relays = 256;
};

} // namespace onevalue
