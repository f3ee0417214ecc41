#pragma once

// The envelope around every datagram and push-pull frame a node sends: one format
// byte, then the codec's bytes in the clear or sealed with the cluster keyring.
//
//   plaintext:  0x01 | codec bytes
//   sealed v1:  0x02 | nonce (12) | ciphertext (codec bytes, encrypted) | tag (16)
//
// A sealed message authenticates, besides its ciphertext, the additional data
//
//   format byte (0x02) | label length (1 byte) | label | context
//
// so a cluster with another label (even with the same keys) never accepts it, and a
// message sealed for one context (e.g. one stream exchange's challenge) never opens
// in another. Datagrams use an empty context. What arrives and fails any check is
// dropped and counted by reason before a single byte of it reaches a decoder.
//
// Modes (as memberlist's GossipVerifyIncoming/Outgoing), when keys are set:
//   verify_outgoing  true: seal what is sent     false: send plaintext
//   verify_incoming  true: refuse plaintext      false: accept plaintext and sealed
// Without keys both are ignored: plaintext out, plaintext in, sealed input refused.

#include "actors/core/keyring.hpp"
#include "actors/core/replay_filter.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onevalue {

/// The first byte of every message.
enum class envelope_format : unsigned char {
  plaintext = 0x01, ///< codec bytes follow in the clear
  sealed_v1 = 0x02, ///< AES-GCM: nonce | ciphertext | tag
};

/// Bytes a plaintext envelope adds to the codec's bytes.
constexpr std::size_t plaintext_overhead = 1;

/// Bytes a sealed envelope adds to the codec's bytes (format, nonce, tag): 29. A
/// datagram's codec budget is the datagram budget minus this.
constexpr std::size_t sealed_overhead = 1 + gcm_nonce_bytes + gcm_tag_bytes;

/// Longest cluster label: its length is one byte of the authenticated data.
constexpr std::size_t max_label_bytes = 255;

/// Replay window for the node's datagrams: nonces of the last 16,384 authenticated
/// datagrams, about 1 MB. A node receives a few tens of datagrams a second whatever
/// the cluster size (SWIM's load per node is constant), so this covers minutes.
constexpr std::size_t datagram_replay_window = 16384;

/// Why an incoming message was dropped.
enum class drop_reason : uint8_t {
  too_large,         ///< longer than `max_message_bytes`; not even looked at
  too_short,         ///< empty, or sealed but shorter than format + nonce + tag
  bad_format,        ///< the format byte is neither 0x01 nor 0x02
  not_authentic,     ///< sealed, but no installed key opens it (forged, corrupted,
                     ///< another cluster's key or label, or a removed key)
  plaintext_refused, ///< plaintext while keys are set and verify_incoming is true
  no_keyring,        ///< sealed, but this node has no keys
  replayed,          ///< authentic, but its nonce was seen recently (replay filter)
};

/// Number of `drop_reason` values.
constexpr std::size_t drop_reason_count = 7;

/// A stable lower-case name for metrics and logs, e.g. "not_authentic".
const char* to_string(drop_reason r);

/// How an envelope treats traffic.
struct envelope_settings {
  /// The cluster label (option `label`, default empty), authenticated with every
  /// sealed message: two clusters with different labels never merge, even if they
  /// share a key. At most `max_label_bytes`.
  std::string label;
  /// With keys: refuse plaintext input (true, the default once keys are set) or accept
  /// plaintext and sealed input alike (false, while a running cluster is switched to
  /// encryption one node at a time).
  bool verify_incoming = true;
  /// With keys: seal output (true, default) or send plaintext (false, while the
  /// cluster is switched to encryption and not every node holds the keys yet).
  bool verify_outgoing = true;
  /// Longest message (envelope included) sealed or accepted, in bytes; longer input
  /// is refused before any work (no allocation, no decryption).
  std::size_t max_message_bytes = 65507;
  /// Nonces of authenticated messages remembered to drop replays (0: no filter). For
  /// datagrams (`datagram_replay_window`); a stream exchange binds its frames to a
  /// fresh challenge instead.
  std::size_t replay_window = 0;
};

/// Returns an error sentence if `settings` cannot be used (label too long, a maximum
/// below the sealed overhead), or nullopt.
std::optional<std::string> check_envelope_settings(const envelope_settings& settings);

/// What an envelope did, for metrics.
struct envelope_counters {
  uint64_t sealed_out = 0;    ///< messages sealed
  uint64_t plaintext_out = 0; ///< messages sent as plaintext
  uint64_t refused_out = 0;   ///< messages not sent: too large or no randomness
  uint64_t opened_in = 0;     ///< sealed messages authenticated and opened
  uint64_t plaintext_in = 0;  ///< plaintext messages accepted
  std::array<uint64_t, drop_reason_count> dropped{}; ///< by `drop_reason`

  uint64_t dropped_for(drop_reason r) const {
    return dropped[static_cast<std::size_t>(r)];
  }
};

/// The result of `envelope::open`.
struct open_result {
  /// Set when the message was dropped; `payload` is then empty.
  std::optional<drop_reason> dropped;
  /// True if the message was sealed and a key authenticated it.
  bool authenticated = false;
  /// The codec's bytes, for the decoder.
  std::vector<char> payload;

  explicit operator bool() const { return !dropped; }
};

/// The nonce of a sealed message (`gcm_nonce_bytes` bytes into `message`), or nullopt
/// if `message` is not long enough to be sealed. A stream exchange binds its response
/// to the request by putting the request's nonce into the response's context.
std::optional<std::string_view> sealed_nonce(std::string_view message);

/// Seals outgoing and opens incoming messages of one channel (the node's datagrams,
/// or its push-pull frames) according to the settings and the current keyring.
///
/// Owned by one actor (the gossip actor for datagrams, the stream broker for frames)
/// and used only from it: `open` updates counters and the replay filter. The keyring
/// is an immutable snapshot shared with other envelopes; the owner of the keyring
/// replaces it with `set_keyring` after each rotation.
class envelope {
public:
  /// An envelope using `keys` (null: no keys, plaintext) and `settings`, which must
  /// pass `check_envelope_settings` (otherwise nullopt, with `error` set).
  static std::optional<envelope> create(std::shared_ptr<const keyring> keys,
                                        envelope_settings settings, std::string& error);

  /// Replaces the keyring (null: stop sealing; sealed input is then refused). The
  /// replay filter keeps what it remembers.
  void set_keyring(std::shared_ptr<const keyring> keys);

  /// The message to send for `payload`: sealed under the primary key (bound to
  /// `context`) if keys are set and verify_outgoing is true, plaintext otherwise.
  /// Returns nullopt (counted in `refused_out`) if the message would exceed
  /// `max_message_bytes` or sealing failed (no randomness): then send nothing.
  std::optional<std::vector<char>> seal(std::string_view payload,
                                        std::string_view context = {});

  /// Checks a received message and returns its payload, or the reason it was dropped
  /// (counted). A sealed message must have been sealed for the same label and
  /// `context`. Never returns unauthenticated bytes of a sealed message, nor plaintext
  /// while plaintext is refused.
  open_result open(std::string_view message, std::string_view context = {});

  /// True if outgoing messages are sealed (keys set and verify_outgoing).
  bool seals_outgoing() const { return keys_ && settings_.verify_outgoing; }

  /// True if plaintext input is refused (keys set and verify_incoming).
  bool refuses_plaintext() const { return keys_ && settings_.verify_incoming; }

  const envelope_settings& settings() const { return settings_; }
  const envelope_counters& counters() const { return counters_; }

private:
  envelope(std::shared_ptr<const keyring> keys, envelope_settings settings);
  std::string additional_data(std::string_view context) const;
  open_result drop(drop_reason r);
  open_result open_sealed(std::string_view message, std::string_view context);

  std::shared_ptr<const keyring> keys_;
  envelope_settings settings_;
  /// The authenticated data without context: format byte, label length, label.
  std::string aad_prefix_;
  envelope_counters counters_;
  std::optional<replay_filter> replays_;
};

} // namespace onevalue
