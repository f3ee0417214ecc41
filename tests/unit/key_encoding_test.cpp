#include "actors/core/key_encoding.hpp"
#include "tests/unit/crypto_test_util.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using namespace onevalue::testing;

namespace {

// Bytes 0, 1, 2, ... in standard base64, for each key size.
const char* const key16 = "AAECAwQFBgcICQoLDA0ODw==";
const char* const key24 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYX";
const char* const key32 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

std::string counting_bytes(std::size_t n) {
  std::string bytes;
  for (std::size_t i = 0; i < n; ++i)
    bytes.push_back(static_cast<char>(i));
  return bytes;
}

/// The error parse_key gives for `text`, after checking it refused the key.
std::string refusal(std::string_view text) {
  std::string error;
  CHECK_FALSE(parse_key(text, error));
  CHECK_FALSE(error.empty());
  return error;
}

} // namespace

TEST_CASE("keys of each size parse from base64 and format back to the same text") {
  for (auto [text, size] : {std::pair{key16, 16}, {key24, 24}, {key32, 32}}) {
    CAPTURE(text);
    std::string error;
    auto key = parse_key(text, error);
    REQUIRE_MESSAGE(key, error);
    CHECK(key->view() == counting_bytes(static_cast<std::size_t>(size)));
    CHECK(format_key(*key) == text);
  }
}

TEST_CASE("whitespace around a key is ignored, as a pasted line or $(cat file) has it") {
  std::string error;
  auto key = parse_key(std::string{"  "} + key32 + "\r\n", error);
  REQUIRE_MESSAGE(key, error);
  CHECK(format_key(*key) == key32);
}

TEST_CASE("a key of the wrong length is refused with the length it has") {
  // 8 and 48 bytes: valid base64, invalid AES keys.
  CHECK(refusal("AAECAwQFBgc=").find("decodes to 8 bytes") != std::string::npos);
  CHECK(refusal(std::string(64, 'A')).find("decodes to 48 bytes") != std::string::npos);
}

TEST_CASE(
    "text outside the base64 alphabet is refused, naming the character's position") {
  std::string bad = key32;
  bad[5] = '*';
  CHECK(refusal(bad).find("character 6") != std::string::npos);
  bad = key32;
  bad[10] = ' ';
  CHECK(refusal(bad).find("character 11") != std::string::npos);
}

TEST_CASE("URL-safe base64 is refused with a hint to use the standard alphabet") {
  std::string url_safe = key32;
  url_safe[3] = '-';
  CHECK(refusal(url_safe).find("URL-safe") != std::string::npos);
}

TEST_CASE("missing or misplaced padding is refused") {
  std::string unpadded = key32;
  unpadded.pop_back();
  CHECK(refusal(unpadded).find("multiple of 4") != std::string::npos);
  std::string early_pad = key32;
  early_pad[4] = '=';
  CHECK(refusal(early_pad).find("'='") != std::string::npos);
  CHECK(refusal(std::string(40, 'A') + "A===").find("multiple of 4")
        != std::string::npos);
}

TEST_CASE("a non-canonical spelling of a key is refused (unused bits set)") {
  // "...Hh8=" is canonical; "...Hh9=" decodes to the same bytes with a stray bit.
  std::string stray = key32;
  stray[stray.size() - 2] = '9';
  CHECK(refusal(stray).find("canonical") != std::string::npos);
}

TEST_CASE("an empty key is refused") {
  CHECK(refusal("").find("empty") != std::string::npos);
  CHECK(refusal(" \n").find("empty") != std::string::npos);
}

TEST_CASE("no error message quotes the key") {
  std::string wrong_size = "c2VjcmV0c2VjcmV0";
  for (const std::string& text :
       {wrong_size, wrong_size + "*", std::string{key32} + "x"}) {
    CAPTURE(text);
    CHECK(refusal(text).find(text.substr(0, 8)) == std::string::npos);
  }
}

TEST_CASE("a fingerprint is the first 8 bytes of SHA-256 of the key, in hex") {
  // SHA-256 of 32 zero bytes is 66687aadf862bd776c8fc18b8e9f8e20...
  CHECK(key_fingerprint(filled_key(32, '\0')) == "66687aadf862bd77");
  // SHA-256 of 16 bytes of 0x01 is cc8cd41cef907c4d...
  CHECK(key_fingerprint(filled_key(16, '\1')) == "cc8cd41cef907c4d");
  CHECK(key_fingerprint(filled_key(16, '\1')) != key_fingerprint(filled_key(16, '\2')));
}
