#pragma once

// The member table of one node: every member it knows, in a flat vector indexed by a
// small slot number, with an open-addressing hash index from name to slot.
//
// Every node holds an entry for every member, so a cluster of N nodes holds N² entries;
// at the simulator's 10,000 nodes that is 10^8. A std::map with its per-node allocation
// and rarely used fields (suspicion timers, confirmations) cost ~330 bytes per entry;
// this table costs sizeof(entry) (96 bytes with libstdc++, names and addresses short
// enough for the small-string buffer) plus 4-8 bytes of index per entry.

#include "actors/core/member.hpp"
#include "actors/core/swim_metrics.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace onevalue {

using time_point = std::chrono::steady_clock::time_point;

/// One change to a member table, as its owner made it. A replica that applies the
/// changes of a table in the order they were made holds the same members in the same
/// slots (see `member_table::apply`): the gossip side of a node keeps one.
struct member_delta {
  /// The member as it is after the change; its name is the key.
  member_info member;
  /// True if the member was forgotten (reaped) instead.
  bool forgotten = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_delta& x) {
  return f(x.member, x.forgotten);
}

/// Which members a random sample is drawn from.
enum class sample_pool {
  /// Alive or suspect (`is_live`): gossip and value pushes still reach a suspect.
  live,
  /// Alive only: the helpers of an indirect probe. A suspect may well be down, and a
  /// helper that cannot answer would turn its missing nack into a health penalty for
  /// the prober (memberlist, too, asks only alive members).
  alive,
};

inline bool in_pool(member_state state, sample_pool pool) {
  return pool == sample_pool::live ? is_live(state) : state == member_state::alive;
}

/// Members by slot, a hash index by name, and the number of members in each state.
/// Slots are dense (0..size()-1); erasing moves the last entry into the freed slot, so a
/// slot names a member only until the next `erase`. A member's state changes only
/// through `set_state` (which keeps the counts). Owned by one membership core, or by one
/// gossip core as a replica; not thread-safe.
class member_table {
public:
  /// One member as this node sees it. Data needed only while a member is suspect lives
  /// with the core, not here, to keep the entry small.
  struct entry {
    member_info info;
    /// When `info.state` last changed (for reaping failed and left members); unused in
    /// a replica.
    time_point state_since;
    /// Last time this member talked to us directly (a ping or ack from it);
    /// `time_point::min()` if never.
    time_point last_heard = time_point::min();
  };

  /// "No such slot".
  static constexpr uint32_t npos = UINT32_MAX;

  /// The slot of `name`, or `npos`.
  uint32_t find(const std::string& name) const;

  /// The entry of `name`, or null. Valid until the next `insert` or `erase`.
  entry* get(const std::string& name);
  const entry* get(const std::string& name) const;

  /// Adds `e`, whose name must not be in the table yet, at slot `size()`; returns a
  /// reference valid until the next `insert` or `erase`.
  entry& insert(entry e);

  /// Removes the entry at `slot` (< size()). The last entry moves into `slot`; returns
  /// the slot it moved from (equal to `slot` if the removed entry was the last).
  uint32_t erase(uint32_t slot);

  /// Moves `e` (an entry of this table) to state `to`, keeping the counts by state.
  void set_state(entry& e, member_state to);

  /// Applies `d` as its owner made it: forgets the member, adds it at slot `size()`, or
  /// replaces its entry's `info`. A replica fed every change of a table in order holds
  /// the same members at the same slots.
  void apply(const member_delta& d);

  /// Members in `state`.
  std::size_t count(member_state state) const {
    return counts_[static_cast<std::size_t>(state)];
  }

  /// Every member's info, sorted by name.
  std::vector<member_info> by_name() const;

  /// Members by state, all slots included.
  member_counts counts() const;

  /// Members of `pool` other than the one at slot `self` (npos: none excluded); O(1).
  std::size_t pool_size(sample_pool pool, uint32_t self) const;

  /// Slots of up to `k` distinct random members of `pool` other than `self` and
  /// `except` (each a slot or npos), in random order, drawn with `rng`. O(k) expected
  /// when most of a large table is in the pool, else one pass over the table.
  std::vector<uint32_t> sample(std::size_t k, uint32_t self, uint32_t except,
                               sample_pool pool, std::mt19937_64& rng) const;

  /// Reserves room for `n` entries in total (avoids the slack of vector growth when the
  /// final size is known, e.g. a simulation that preloads every member).
  void reserve(std::size_t n);

  std::size_t size() const { return entries_.size(); }
  entry& operator[](uint32_t slot) { return entries_[slot]; }
  const entry& operator[](uint32_t slot) const { return entries_[slot]; }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

  /// Heap bytes held by the table (entries and index, excluding long strings).
  std::size_t capacity_bytes() const;

  /// Empty if the index and the entries agree (every name found at its slot, once) and
  /// the counts by state match the entries, else a description of the first mismatch.
  std::string check() const;

private:
  std::size_t home_of(const std::string& name) const;
  /// Rebuilds the index with `buckets` buckets (a power of two).
  void rehash(std::size_t buckets);

  std::vector<entry> entries_;
  /// Linear-probing hash index: slot numbers, `npos` for an empty bucket. Its size is a
  /// power of two and at most 70 % full.
  std::vector<uint32_t> index_;
  /// Members by state (`member_state` as index).
  std::array<std::size_t, 4> counts_{};
};

} // namespace onevalue
