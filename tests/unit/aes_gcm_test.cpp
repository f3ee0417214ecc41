#include "actors/core/aes_gcm.hpp"
#include "actors/core/keyring.hpp"
#include "tests/unit/crypto_test_util.hpp"

#include <doctest/doctest.h>

#include <cstring>

using namespace onevalue;
using namespace onevalue::testing;

namespace {

/// A known-answer vector: AES-GCM test cases from McGrew and Viega, "The Galois/Counter
/// Mode of Operation (GCM)", Appendix B, as republished by NIST (96-bit IVs only).
struct gcm_vector {
  const char* name;
  const char* key;
  const char* iv;
  const char* plaintext;
  const char* aad;
  const char* ciphertext;
  const char* tag;
};

const char* const tc_plaintext =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
const char* const tc_aad = "feedfacedeadbeeffeedfacedeadbeefabaddad2";

const gcm_vector vectors[] = {
    {"test case 2 (AES-128, zero key)", "00000000000000000000000000000000",
     "000000000000000000000000", "00000000000000000000000000000000", "",
     "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf"},
    {"test case 4 (AES-128, with AAD)", "feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", tc_plaintext, tc_aad,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {"test case 10 (AES-192, with AAD)",
     "feffe9928665731c6d6a8f9467308308feffe9928665731c", "cafebabefacedbaddecaf888",
     tc_plaintext, tc_aad,
     "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c"
     "7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710",
     "2519498e80f1478f37ba55bd6d27618c"},
    {"test case 13 (AES-256, empty)",
     "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    {"test case 14 (AES-256, zero key)",
     "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "00000000000000000000000000000000", "",
     "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
    {"test case 16 (AES-256, with AAD)",
     "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", tc_plaintext, tc_aad,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

secret_key key_of(const gcm_vector& v) {
  auto key = secret_key::from_bytes(from_hex(v.key));
  REQUIRE(key);
  return *key;
}

} // namespace

TEST_CASE("AES-GCM seals every known-answer vector to its ciphertext and tag") {
  for (const auto& v : vectors) {
    CAPTURE(v.name);
    auto iv = from_hex(v.iv);
    auto plaintext = from_hex(v.plaintext);
    std::string out(plaintext.size() + gcm_tag_bytes, '\0');
    REQUIRE(aes_gcm_seal(key_of(v), reinterpret_cast<const unsigned char*>(iv.data()),
                         plaintext, from_hex(v.aad), out.data()));
    CHECK(to_hex(out) == std::string{v.ciphertext} + v.tag);
  }
}

TEST_CASE("AES-GCM opens every known-answer vector and refuses it with a changed tag") {
  for (const auto& v : vectors) {
    CAPTURE(v.name);
    auto iv = from_hex(v.iv);
    auto nonce = reinterpret_cast<const unsigned char*>(iv.data());
    auto sealed = from_hex(std::string{v.ciphertext} + v.tag);
    std::string out(sealed.size() - gcm_tag_bytes, '\0');
    REQUIRE(aes_gcm_open(key_of(v), nonce, sealed, from_hex(v.aad), out.data()));
    CHECK(to_hex(out) == v.plaintext);
    sealed.back() = static_cast<char>(sealed.back() ^ 1);
    CHECK_FALSE(aes_gcm_open(key_of(v), nonce, sealed, from_hex(v.aad), out.data()));
  }
}

TEST_CASE("the keyring seals the known-answer vectors as nonce, ciphertext and tag") {
  // The nonce seam: the keyring draws the vector's IV instead of a random one.
  for (const auto& v : vectors) {
    CAPTURE(v.name);
    auto iv = from_hex(v.iv);
    auto ring = make_keyring({key_of(v)});
    ring.set_nonce_source_for_testing([&](unsigned char* out, std::size_t size) {
      REQUIRE(size == iv.size());
      std::memcpy(out, iv.data(), size);
      return true;
    });
    std::vector<char> sealed;
    REQUIRE(ring.seal(from_hex(v.plaintext), from_hex(v.aad), sealed));
    CHECK(to_hex(view(sealed)) == std::string{v.iv} + v.ciphertext + v.tag);
    std::vector<char> opened;
    REQUIRE(ring.open(view(sealed), from_hex(v.aad), opened));
    CHECK(to_hex(view(opened)) == v.plaintext);
  }
}

TEST_CASE("OpenSSL provides AES-GCM for each key size and no other") {
  for (std::size_t size : {16, 24, 32})
    CHECK(aes_gcm_available(size));
  CHECK_FALSE(aes_gcm_available(20));
}

TEST_CASE("a secret key is 16, 24 or 32 bytes and nothing else") {
  for (std::size_t size : {0, 1, 15, 17, 20, 23, 25, 31, 33, 64}) {
    CAPTURE(size);
    CHECK_FALSE(secret_key::from_bytes(std::string(size, 'k')));
  }
  for (std::size_t size : {16, 24, 32}) {
    auto key = secret_key::from_bytes(std::string(size, 'k'));
    REQUIRE(key);
    CHECK(key->size() == size);
    CHECK(key->view() == std::string(size, 'k'));
  }
}

TEST_CASE("keys compare by size and every byte") {
  CHECK(filled_key(16, 'a') == filled_key(16, 'a'));
  CHECK(filled_key(16, 'a') != filled_key(16, 'b'));
  CHECK(filled_key(16, 'a') != filled_key(32, 'a'));
  auto copy = filled_key(24, 'x');
  copy = filled_key(32, 'y');
  CHECK(copy == filled_key(32, 'y'));
}

TEST_CASE("opening refuses input shorter than a tag") {
  auto key = filled_key(32, 'k');
  unsigned char nonce[gcm_nonce_bytes] = {};
  char out[gcm_tag_bytes];
  CHECK_FALSE(aes_gcm_open(key, nonce, std::string(gcm_tag_bytes - 1, 'x'), "", out));
}
