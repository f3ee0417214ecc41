#pragma once

#include "actors/core/wire.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace onevalue {

/// The queue of pending broadcasts (member changes and value updates) waiting to be
/// piggybacked on outgoing datagrams.
///
/// Each item is sent at most `limit` times (see `retransmit_limit`), items sent fewest
/// times go first, and a newer item about the same member (or a newer value) replaces
/// the older one. Owned by a gossip core; not thread-safe.
class broadcast_queue {
public:
  /// Queues an update about `update.member.name`, replacing any queued one about it.
  void push(const member_update& update);

  /// Queues a value unless a newer one is queued; replaces an older one.
  void push(const versioned_value& value);

  /// Appends items to `p` while its size (`wire_size`) stays within `budget` bytes,
  /// counts a transmission for each, and drops items that reached `limit`.
  /// Returns the number of items added.
  std::size_t fill(packet& p, std::size_t budget, std::size_t limit);

  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

private:
  struct item {
    bool is_value = false;
    member_update member;
    versioned_value value;
    std::size_t transmits = 0;
    uint64_t id = 0;
  };

  std::vector<item> items_;
  uint64_t next_id_ = 0;
};

} // namespace onevalue
