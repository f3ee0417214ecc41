#pragma once

// AES-GCM through OpenSSL's EVP interface: the one primitive node-to-node encryption
// uses. Nothing here chooses nonces or keys; the keyring (keyring.hpp) does.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace onevalue {

/// Size of a GCM nonce: 96 bits, the size GCM is specified and analysed for.
constexpr std::size_t gcm_nonce_bytes = 12;

/// Size of a GCM authentication tag: the full 128 bits, never truncated.
constexpr std::size_t gcm_tag_bytes = 16;

/// An AES key of 16, 24 or 32 bytes, selecting AES-128-, AES-192- or AES-256-GCM.
///
/// A value type: copies are independent, and every copy's bytes are wiped
/// (OPENSSL_cleanse) when it is destroyed or overwritten. Immutable after
/// construction, so const access from any thread is safe.
class secret_key {
public:
  /// Returns the key made of `bytes`, or nullopt if there are not 16, 24 or 32 of them.
  static std::optional<secret_key> from_bytes(std::string_view bytes);

  secret_key(const secret_key& other) = default;
  secret_key& operator=(const secret_key& other);
  ~secret_key();

  /// 16, 24 or 32.
  std::size_t size() const { return size_; }

  /// The key bytes (`size()` of them).
  const unsigned char* data() const { return bytes_.data(); }

  /// The key bytes as a string_view (for encoding and hashing).
  std::string_view view() const {
    return {reinterpret_cast<const char*>(bytes_.data()), size_};
  }

  /// Compares in constant time (CRYPTO_memcmp), so timing says nothing about the key.
  friend bool operator==(const secret_key& a, const secret_key& b);
  friend bool operator!=(const secret_key& a, const secret_key& b) { return !(a == b); }

private:
  secret_key() = default;
  void wipe();

  std::array<unsigned char, 32> bytes_{};
  std::size_t size_ = 0;
};

/// True if OpenSSL provides AES-GCM for keys of `key_size` bytes (it does unless its
/// configuration restricts the providers); without it nothing could be sealed or opened.
bool aes_gcm_available(std::size_t key_size);

/// Encrypts `plaintext` under `key` with the `gcm_nonce_bytes` bytes at `nonce`,
/// authenticating `aad` with it, and writes the ciphertext followed by the tag
/// (`plaintext.size() + gcm_tag_bytes` bytes) to `out`.
///
/// The caller must never use one nonce twice with one key: GCM then leaks the XOR of
/// the two plaintexts and lets anyone forge tags. Returns false if OpenSSL fails (out
/// of memory) or an input is longer than OpenSSL's int lengths allow; `out` then holds
/// nothing usable.
bool aes_gcm_seal(const secret_key& key, const unsigned char* nonce,
                  std::string_view plaintext, std::string_view aad, char* out);

/// Checks and decrypts `sealed` (ciphertext followed by a `gcm_tag_bytes` tag) made
/// with `key`, the nonce at `nonce` and `aad`, writing the plaintext
/// (`sealed.size() - gcm_tag_bytes` bytes) to `out`.
///
/// Returns false if `sealed` is shorter than a tag, if the tag does not authenticate
/// the ciphertext and `aad` under this key and nonce, or if OpenSSL fails. On false
/// `out` may hold unauthenticated bytes that the caller must not use.
bool aes_gcm_open(const secret_key& key, const unsigned char* nonce,
                  std::string_view sealed, std::string_view aad, char* out);

} // namespace onevalue
