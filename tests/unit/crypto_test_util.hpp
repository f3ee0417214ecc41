#pragma once

// Helpers for the keyring and envelope tests: hex, fixed keys, byte views.

#include "actors/core/aes_gcm.hpp"
#include "actors/core/keyring.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace onevalue::testing {

/// Bytes from lower-case hex (test vectors are written that way).
inline std::string from_hex(std::string_view hex) {
  REQUIRE(hex.size() % 2 == 0);
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2)
    out.push_back(
        static_cast<char>(std::stoi(std::string{hex.substr(i, 2)}, nullptr, 16)));
  return out;
}

/// Lower-case hex of `bytes`.
inline std::string to_hex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

inline std::string_view view(const std::vector<char>& bytes) {
  return {bytes.data(), bytes.size()};
}

/// A key of `size` bytes (16, 24 or 32) all equal to `fill`. No doctest assertion, so
/// tests may use it for constants initialised before any test runs.
inline secret_key filled_key(std::size_t size, char fill) {
  return secret_key::from_bytes(std::string(size, fill)).value();
}

/// A keyring of `keys`, primary first.
inline keyring make_keyring(std::vector<secret_key> keys) {
  std::string error;
  auto ring = keyring::create(std::move(keys), error);
  REQUIRE_MESSAGE(ring, error);
  return *ring;
}

inline std::shared_ptr<const keyring> shared_keyring(std::vector<secret_key> keys) {
  return std::make_shared<const keyring>(make_keyring(std::move(keys)));
}

} // namespace onevalue::testing
