#pragma once

// Whether the store's next save must be flushed (fdatasync) or may be written without
// it (`slot_flush::unflushed`, state_slots.hpp). Pure: the caller passes the time.
//
// In linearizable mode the store holds only values the voters committed, each already
// on the disks of a majority of voters before any client heard of it; the store's copy
// is the node's local cache for plain reads and gossip. Flushing it once per consensus
// round cost every node an fdatasync per round. Unflushed saves survive a crash of the
// process (the kernel keeps the page); after a power loss the node may restart with
// the state of its last flushed save, and relearns newer values from its peers.

#include <chrono>
#include <optional>

namespace onevalue {

using save_clock = std::chrono::steady_clock;

/// The window of the linearizable mode: a flushed save at least every 100 ms while
/// values arrive (10 fdatasyncs a second under load instead of one per consensus
/// round), so a power loss costs the local copy at most a tenth of a second of values,
/// which it relearns from its peers.
constexpr std::chrono::milliseconds linearizable_unflushed_window{100};

/// True if the next save must be flushed: always while `window` is zero (eventual
/// mode: acknowledged writes rest on the store's own saves); otherwise when the batch
/// holds operations waiting for durability (`has_tickets`: local writes, a raised
/// incarnation), when there was no flushed save yet (`last_flush` empty), or when
/// the last flushed save is `window` or more before `now`. Thus
/// while values keep arriving a flushed save follows at most `window` after the last,
/// and after a power loss the local copy lacks at most the values merged during the
/// `window` before the node's last save.
inline bool save_must_flush(std::chrono::nanoseconds window, bool has_tickets,
                            std::optional<save_clock::time_point> last_flush,
                            save_clock::time_point now) {
  if (window <= std::chrono::nanoseconds::zero() || has_tickets || !last_flush)
    return true;
  return now - *last_flush >= window;
}

} // namespace onevalue
