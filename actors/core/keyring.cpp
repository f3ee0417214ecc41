#include "actors/core/keyring.hpp"

#include "actors/core/key_encoding.hpp"

#include <algorithm>
#include <climits>

#include <openssl/rand.h>

namespace onevalue {

namespace {

bool random_nonce(unsigned char* out, std::size_t size) {
  return size <= static_cast<std::size_t>(INT_MAX)
         && RAND_bytes(out, static_cast<int>(size)) == 1;
}

} // namespace

bool succeeded(keyring_change c) {
  return c == keyring_change::changed || c == keyring_change::unchanged;
}

std::string describe(keyring_change c, const std::string& fingerprint) {
  const std::string key = "key " + fingerprint;
  switch (c) {
  case keyring_change::changed:
    return key + ": done";
  case keyring_change::unchanged:
    return key + ": nothing to do (already so)";
  case keyring_change::not_installed:
    return key + " is not installed; install it before using it";
  case keyring_change::primary_refused:
    return key + " is the primary key; use another key before removing it";
  case keyring_change::keyring_full:
    return "cannot install " + key + ": the keyring already holds "
           + std::to_string(max_keyring_keys) + " keys; remove an old key first";
  }
  return key + ": unknown outcome";
}

std::optional<keyring> keyring::create(std::vector<secret_key> keys, std::string& error) {
  if (keys.empty()) {
    error = "a keyring needs at least one key";
    return std::nullopt;
  }
  if (keys.size() > max_keyring_keys) {
    error = "a keyring holds at most " + std::to_string(max_keyring_keys) + " keys, not "
            + std::to_string(keys.size());
    return std::nullopt;
  }
  for (const auto& key : keys)
    if (!aes_gcm_available(key.size())) {
      error = "OpenSSL provides no AES-" + std::to_string(key.size() * 8)
              + "-GCM here (check the OpenSSL configuration's providers)";
      return std::nullopt;
    }
  for (std::size_t i = 0; i < keys.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (keys[i] == keys[j]) {
        error = "key " + key_fingerprint(keys[i]) + " is listed twice (positions "
                + std::to_string(j + 1) + " and " + std::to_string(i + 1) + ")";
        return std::nullopt;
      }
  return keyring{std::move(keys)};
}

keyring::keyring(std::vector<secret_key> keys)
    : keys_(std::move(keys)), nonces_(random_nonce) {}

bool keyring::contains(const secret_key& key) const {
  return std::find(keys_.begin(), keys_.end(), key) != keys_.end();
}

keyring_change keyring::install(const secret_key& key) {
  if (contains(key))
    return keyring_change::unchanged;
  if (keys_.size() >= max_keyring_keys)
    return keyring_change::keyring_full;
  keys_.push_back(key);
  return keyring_change::changed;
}

keyring_change keyring::use(const secret_key& key) {
  auto i = std::find(keys_.begin(), keys_.end(), key);
  if (i == keys_.end())
    return keyring_change::not_installed;
  if (i == keys_.begin())
    return keyring_change::unchanged;
  // The new primary moves to the front; the others keep their order.
  std::rotate(keys_.begin(), i, i + 1);
  return keyring_change::changed;
}

keyring_change keyring::remove(const secret_key& key) {
  auto i = std::find(keys_.begin(), keys_.end(), key);
  if (i == keys_.end())
    return keyring_change::unchanged;
  if (i == keys_.begin())
    return keyring_change::primary_refused;
  keys_.erase(i);
  return keyring_change::changed;
}

std::vector<key_info> keyring::list() const {
  std::vector<key_info> result;
  for (std::size_t i = 0; i < keys_.size(); ++i)
    result.push_back({key_fingerprint(keys_[i]), i == 0, keys_[i].size()});
  return result;
}

bool keyring::seal(std::string_view plaintext, std::string_view aad,
                   std::vector<char>& out) const {
  const auto start = out.size();
  out.resize(start + sealed_size(plaintext.size()));
  auto* nonce = reinterpret_cast<unsigned char*>(out.data() + start);
  if (!nonces_(nonce, gcm_nonce_bytes)
      || !aes_gcm_seal(primary(), nonce, plaintext, aad,
                       out.data() + start + gcm_nonce_bytes)) {
    out.resize(start);
    return false;
  }
  return true;
}

bool keyring::open(std::string_view sealed, std::string_view aad,
                   std::vector<char>& out) const {
  out.clear();
  if (sealed.size() < sealed_size(0))
    return false;
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
  auto body = sealed.substr(gcm_nonce_bytes);
  out.resize(body.size() - gcm_tag_bytes);
  for (const auto& key : keys_)
    if (aes_gcm_open(key, nonce, body, aad, out.data()))
      return true;
  out.clear();
  return false;
}

void keyring::set_nonce_source_for_testing(nonce_source source) {
  nonces_ = std::move(source);
}

} // namespace onevalue
