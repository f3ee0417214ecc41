#include "actors/core/key_encoding.hpp"

#include <array>
#include <cstdio>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace onevalue {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool in_alphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
         || c == '+' || c == '/';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  return s;
}

/// Checks alphabet, length and padding; returns the number of '=' or -1 (error set).
int check_base64(std::string_view text, std::string& error) {
  if (text.empty()) {
    error = "the key is empty";
    return -1;
  }
  std::size_t padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) {
      error = "the key has '=' before its end: '=' may only pad the last characters";
      return -1;
    }
    if (c == '-' || c == '_') {
      error = "the key uses URL-safe base64 ('-' or '_'); write it in standard base64, "
              "as `openssl rand -base64 32` prints it";
      return -1;
    }
    if (!in_alphabet(c)) {
      error = "character " + std::to_string(i + 1) + " of the key is not in the base64 "
              + "alphabet (A-Z a-z 0-9 + / and '=' padding)";
      return -1;
    }
  }
  if (text.size() % 4 != 0 || padding > 2) {
    error = "the key is not padded base64: its length " + std::to_string(text.size())
            + " is not a multiple of 4 (with at most two '=' at the end)";
    return -1;
  }
  return static_cast<int>(padding);
}

/// False if `text` has unused low bits set before its padding: another spelling of
/// the same key, which would give one key two names.
bool is_canonical(const secret_key& key, std::string_view text) {
  auto canonical = format_key(key);
  bool same = canonical == text;
  OPENSSL_cleanse(canonical.data(), canonical.size());
  return same;
}

} // namespace

std::optional<secret_key> parse_key(std::string_view base64, std::string& error) {
  auto text = trim(base64);
  int padding = check_base64(text, error);
  if (padding < 0)
    return std::nullopt;
  std::vector<unsigned char> raw(text.size() / 4 * 3 + 1);
  int decoded =
      EVP_DecodeBlock(raw.data(), reinterpret_cast<const unsigned char*>(text.data()),
                      static_cast<int>(text.size()));
  std::optional<secret_key> key;
  if (decoded < padding) {
    error = "the key is not valid base64";
  } else {
    auto size = static_cast<std::size_t>(decoded - padding);
    std::string_view bytes{reinterpret_cast<const char*>(raw.data()), size};
    key = secret_key::from_bytes(bytes);
    if (!key)
      error =
          "the key decodes to " + std::to_string(size) + " bytes; a key must be 16, 24 "
          + "or 32 bytes (AES-128, AES-192 or AES-256), e.g. `openssl rand -base64 32`";
    else if (!is_canonical(*key, text)) {
      error = "the key is not canonical base64 (its last character has unused bits set)";
      key.reset();
    }
  }
  OPENSSL_cleanse(raw.data(), raw.size());
  return key;
}

std::string format_key(const secret_key& key) {
  std::vector<unsigned char> out((key.size() + 2) / 3 * 4 + 1);
  int n = EVP_EncodeBlock(out.data(), key.data(), static_cast<int>(key.size()));
  std::string text{reinterpret_cast<const char*>(out.data()),
                   static_cast<std::size_t>(n)};
  OPENSSL_cleanse(out.data(), out.size());
  return text;
}

std::string key_fingerprint(const secret_key& key) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_Digest(key.data(), key.size(), digest.data(), &size, EVP_sha256(), nullptr);
  std::string hex;
  for (std::size_t i = 0; i < fingerprint_bytes && i < size; ++i) {
    char byte[3];
    std::snprintf(byte, sizeof(byte), "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

} // namespace onevalue
