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

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace onevalue {

using time_point = std::chrono::steady_clock::time_point;

/// Members by slot, and a hash index by name. Slots are dense (0..size()-1); erasing
/// moves the last entry into the freed slot, so a slot names a member only until the
/// next `erase`. Owned by one membership core; not thread-safe.
class member_table {
public:
  /// One member as this node sees it. Data needed only while a member is suspect lives
  /// with the core, not here, to keep the entry small.
  struct entry {
    member_info info;
    /// When `info.state` last changed (for reaping failed and left members).
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

  /// Empty if the index and the entries agree (every name found at its slot, once),
  /// else a description of the first mismatch.
  std::string check() const;

private:
  std::size_t home_of(const std::string& name) const;
  /// Rebuilds the index with `buckets` buckets (a power of two).
  void rehash(std::size_t buckets);

  std::vector<entry> entries_;
  /// Linear-probing hash index: slot numbers, `npos` for an empty bucket. Its size is a
  /// power of two and at most 70 % full.
  std::vector<uint32_t> index_;
};

} // namespace onevalue
