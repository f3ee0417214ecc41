#include "actors/core/aes_gcm.hpp"

#include <climits>
#include <cstring>
#include <memory>

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace onevalue {

namespace {

/// The GCM cipher for a key size, fetched once per process. An implicit fetch
/// (EVP_aes_256_gcm()) would look the algorithm up again on every message.
const EVP_CIPHER* gcm_cipher(std::size_t key_size) {
  static EVP_CIPHER* const aes128 = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
  static EVP_CIPHER* const aes192 = EVP_CIPHER_fetch(nullptr, "AES-192-GCM", nullptr);
  static EVP_CIPHER* const aes256 = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  switch (key_size) {
  case 16:
    return aes128;
  case 24:
    return aes192;
  case 32:
    return aes256;
  default:
    return nullptr;
  }
}

struct ctx_deleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using cipher_ctx = std::unique_ptr<EVP_CIPHER_CTX, ctx_deleter>;

bool fits_int(std::string_view bytes) {
  return bytes.size() <= static_cast<std::size_t>(INT_MAX);
}

const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

/// A context keyed for one message in the given direction, or null if OpenSSL fails.
cipher_ctx keyed_context(const secret_key& key, const unsigned char* nonce,
                         bool encrypt) {
  const EVP_CIPHER* cipher = gcm_cipher(key.size());
  cipher_ctx ctx{EVP_CIPHER_CTX_new()};
  if (cipher == nullptr || !ctx)
    return nullptr;
  // GCM's default IV length is 96 bits (gcm_nonce_bytes), so no length parameter.
  int ok = encrypt ? EVP_EncryptInit_ex2(ctx.get(), cipher, key.data(), nonce, nullptr)
                   : EVP_DecryptInit_ex2(ctx.get(), cipher, key.data(), nonce, nullptr);
  return ok == 1 ? std::move(ctx) : nullptr;
}

} // namespace

bool aes_gcm_available(std::size_t key_size) {
  return gcm_cipher(key_size) != nullptr;
}

std::optional<secret_key> secret_key::from_bytes(std::string_view bytes) {
  if (bytes.size() != 16 && bytes.size() != 24 && bytes.size() != 32)
    return std::nullopt;
  secret_key key;
  std::memcpy(key.bytes_.data(), bytes.data(), bytes.size());
  key.size_ = bytes.size();
  return key;
}

secret_key& secret_key::operator=(const secret_key& other) {
  if (this != &other) {
    wipe();
    bytes_ = other.bytes_;
    size_ = other.size_;
  }
  return *this;
}

secret_key::~secret_key() {
  wipe();
}

void secret_key::wipe() {
  OPENSSL_cleanse(bytes_.data(), bytes_.size());
  size_ = 0;
}

bool operator==(const secret_key& a, const secret_key& b) {
  return a.size_ == b.size_
         && CRYPTO_memcmp(a.bytes_.data(), b.bytes_.data(), a.size_) == 0;
}

bool aes_gcm_seal(const secret_key& key, const unsigned char* nonce,
                  std::string_view plaintext, std::string_view aad, char* out) {
  if (!fits_int(plaintext) || !fits_int(aad))
    return false;
  auto ctx = keyed_context(key, nonce, true);
  if (!ctx)
    return false;
  auto* dst = reinterpret_cast<unsigned char*>(out);
  int len = 0;
  if (!aad.empty()
      && EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes_of(aad),
                           static_cast<int>(aad.size()))
             != 1)
    return false;
  if (EVP_EncryptUpdate(ctx.get(), dst, &len, bytes_of(plaintext),
                        static_cast<int>(plaintext.size()))
      != 1)
    return false;
  int tail = 0;
  if (EVP_EncryptFinal_ex(ctx.get(), dst + len, &tail) != 1)
    return false;
  return EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG,
                             static_cast<int>(gcm_tag_bytes), dst + plaintext.size())
         == 1;
}

bool aes_gcm_open(const secret_key& key, const unsigned char* nonce,
                  std::string_view sealed, std::string_view aad, char* out) {
  if (sealed.size() < gcm_tag_bytes || !fits_int(sealed) || !fits_int(aad))
    return false;
  auto ciphertext = sealed.substr(0, sealed.size() - gcm_tag_bytes);
  // OpenSSL takes the expected tag through a non-const pointer; copy it.
  std::array<unsigned char, gcm_tag_bytes> tag{};
  std::memcpy(tag.data(), sealed.data() + ciphertext.size(), gcm_tag_bytes);
  auto ctx = keyed_context(key, nonce, false);
  if (!ctx)
    return false;
  auto* dst = reinterpret_cast<unsigned char*>(out);
  int len = 0;
  if (!aad.empty()
      && EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes_of(aad),
                           static_cast<int>(aad.size()))
             != 1)
    return false;
  if (EVP_DecryptUpdate(ctx.get(), dst, &len, bytes_of(ciphertext),
                        static_cast<int>(ciphertext.size()))
      != 1)
    return false;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG,
                          static_cast<int>(gcm_tag_bytes), tag.data())
      != 1)
    return false;
  int tail = 0;
  // The tag is checked here: anything but 1 means the message is not authentic.
  return EVP_DecryptFinal_ex(ctx.get(), dst + len, &tail) == 1;
}

} // namespace onevalue
