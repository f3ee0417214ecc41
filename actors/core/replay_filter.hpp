#pragma once

// Remembers the nonces of recently authenticated datagrams, so a captured datagram
// re-sent by an eavesdropper is dropped instead of being processed a second time.

#include "actors/core/aes_gcm.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <unordered_set>
#include <vector>

namespace onevalue {

/// A bounded set of the last `capacity` nonces seen, oldest forgotten first.
///
/// Only nonces of messages that authenticated are offered to it (an attacker without
/// a key cannot fill it). It stops a replay while the nonce is remembered; a replay
/// older than the last `capacity` authenticated messages gets through and must be
/// harmless to the protocol (stale incarnations and versions are ignored). Honest
/// nonces are random (RAND_bytes), so the first 8 bytes serve as the hash. Owned by
/// the envelope that uses it; one thread at a time.
class replay_filter {
public:
  /// A filter remembering up to `capacity` nonces (at least 1).
  explicit replay_filter(std::size_t capacity);

  /// Remembers the `gcm_nonce_bytes` nonce at `nonce`. Returns true if it was not
  /// among the remembered ones, false if it is a replay (nothing changes then).
  bool first_sighting(const unsigned char* nonce);

  /// Number of nonces remembered now.
  std::size_t size() const { return seen_.size(); }

private:
  using nonce = std::array<unsigned char, gcm_nonce_bytes>;
  struct nonce_hash {
    std::size_t operator()(const nonce& n) const noexcept;
  };

  std::size_t capacity_;
  std::unordered_set<nonce, nonce_hash> seen_;
  /// Insertion order, as a ring: `order_[next_]` is the oldest once full.
  std::vector<nonce> order_;
  std::size_t next_ = 0;
};

} // namespace onevalue
