#pragma once

// The cluster keyring: the AES-GCM keys that seal node-to-node traffic. The first key
// (the primary) seals everything sent; every installed key opens what arrives, so a
// key can be rotated while the cluster serves (install everywhere, use everywhere,
// remove the old one everywhere), as Serf's keyring does.

#include "actors/core/aes_gcm.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onevalue {

/// Most keys a keyring holds. A forged message costs one failed decryption per key
/// before it is dropped, so the bound also bounds that cost; a rotation needs two.
constexpr std::size_t max_keyring_keys = 16;

/// One installed key as operators see it: by fingerprint, never the key.
struct key_info {
  /// `key_fingerprint(key)`.
  std::string fingerprint;
  /// True for the primary key, which seals outgoing messages.
  bool primary = false;
  /// 16, 24 or 32.
  std::size_t size = 0;
};

/// Outcome of a rotation step. `changed` and `unchanged` are successes; repeating a
/// step is harmless, so a change spread through the cluster may be retried.
enum class keyring_change {
  changed,         ///< the keyring is different now
  unchanged,       ///< it already was as asked (installed, primary, or not there)
  not_installed,   ///< `use` of a key that is not installed: install it first
  primary_refused, ///< `remove` of the primary: use another key first
  keyring_full,    ///< `install` past `max_keyring_keys`: remove an old key first
};

/// True for `changed` and `unchanged`.
bool succeeded(keyring_change c);

/// A sentence for operators, e.g. "key 3f2a... is the primary key; use another key
/// before removing it".
std::string describe(keyring_change c, const std::string& fingerprint);

/// An ordered set of AES keys; the first is the primary.
///
/// A value type. The node's keyring is owned by one actor (the gossip actor, which
/// serves keyring changes): it applies a change to a copy, saves the copy to the
/// keyring file, and only then makes the copy current and hands other actors (the
/// stream broker) an immutable snapshot (`std::shared_ptr<const keyring>`). The const
/// methods (seal, open, list) keep no state and are safe from any number of threads at
/// once; the mutators need exclusive access.
class keyring {
public:
  /// Writes `size` nonce bytes to `out`; false if no randomness is available.
  using nonce_source = std::function<bool(unsigned char* out, std::size_t size)>;

  /// Builds a keyring from `keys`, the first being the primary. Fails (nullopt, with
  /// `error` saying why) for no keys, more than `max_keyring_keys`, or a key listed
  /// twice (named by fingerprint).
  static std::optional<keyring> create(std::vector<secret_key> keys, std::string& error);

  /// Adds `key` as a secondary key: it opens messages from now on, and `use` may make
  /// it the primary. Already installed: `unchanged`. Full: `keyring_full`.
  keyring_change install(const secret_key& key);

  /// Makes the installed `key` the primary, so it seals from now on; the old primary
  /// stays installed and still opens. Not installed: `not_installed`, nothing changes.
  keyring_change use(const secret_key& key);

  /// Removes `key`: messages sealed under it no longer open. The primary cannot be
  /// removed (`primary_refused`); a key that is not installed gives `unchanged`.
  keyring_change remove(const secret_key& key);

  /// The installed keys, primary first.
  std::vector<key_info> list() const;

  /// The installed keys, primary first (for the keyring file).
  const std::vector<secret_key>& keys() const { return keys_; }

  /// The key that seals.
  const secret_key& primary() const { return keys_.front(); }

  /// True if `key` is installed.
  bool contains(const secret_key& key) const;

  /// Seals `plaintext` under the primary key with a fresh random nonce, authenticating
  /// `aad`, and appends `nonce | ciphertext | tag` (`sealed_size(plaintext.size())`
  /// bytes) to `out`. Returns false, with `out` as it was, if no nonce could be drawn
  /// or OpenSSL fails.
  bool seal(std::string_view plaintext, std::string_view aad,
            std::vector<char>& out) const;

  /// Opens `nonce | ciphertext | tag` sealed under any installed key with `aad`,
  /// trying the primary first, and replaces `out` with the plaintext. Returns false,
  /// with `out` empty, if `sealed` is too short or no installed key authenticates it;
  /// unauthenticated bytes are never returned.
  bool open(std::string_view sealed, std::string_view aad, std::vector<char>& out) const;

  /// Size of `seal`'s output for a plaintext of `plaintext_size` bytes.
  static constexpr std::size_t sealed_size(std::size_t plaintext_size) {
    return gcm_nonce_bytes + plaintext_size + gcm_tag_bytes;
  }

  /// For known-answer tests only: draw nonces from `source` instead of OpenSSL's
  /// CSPRNG (RAND_bytes). A fixed nonce reused under one key breaks GCM entirely, so
  /// nothing but a test may call this.
  void set_nonce_source_for_testing(nonce_source source);

private:
  explicit keyring(std::vector<secret_key> keys);

  std::vector<secret_key> keys_;
  nonce_source nonces_;
};

} // namespace onevalue
