#include "actors/core/key_encoding.hpp"
#include "actors/core/keyring.hpp"
#include "tests/unit/crypto_test_util.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using namespace onevalue::testing;

namespace {

const secret_key old_key = filled_key(32, 'o');
const secret_key new_key = filled_key(32, 'n');
const std::string aad = "cluster";

std::vector<char> sealed_by(const keyring& ring, std::string_view plaintext) {
  std::vector<char> out;
  REQUIRE(ring.seal(plaintext, aad, out));
  return out;
}

bool opens(const keyring& ring, const std::vector<char>& sealed) {
  std::vector<char> out;
  return ring.open(view(sealed), aad, out);
}

} // namespace

TEST_CASE("a keyring needs at least one key, at most 16 and none twice") {
  std::string error;
  CHECK_FALSE(keyring::create({}, error));
  CHECK(error.find("at least one") != std::string::npos);
  std::vector<secret_key> many;
  for (int i = 0; i < 17; ++i)
    many.push_back(filled_key(16, static_cast<char>('a' + i)));
  CHECK_FALSE(keyring::create(many, error));
  CHECK(error.find("at most 16") != std::string::npos);
  many.pop_back();
  CHECK(keyring::create(many, error));
  CHECK_FALSE(keyring::create({old_key, new_key, old_key}, error));
  CHECK(error.find(key_fingerprint(old_key)) != std::string::npos);
  CHECK(error.find("positions 1 and 3") != std::string::npos);
}

TEST_CASE(
    "messages round-trip under each key size, and the output is nonce, ciphertext, tag") {
  for (std::size_t size : {16, 24, 32}) {
    CAPTURE(size);
    auto ring = make_keyring({filled_key(size, 'k')});
    for (std::size_t length : {0, 1, 15, 16, 17, 100, 1400, 100000}) {
      CAPTURE(length);
      std::string plaintext(length, 'p');
      auto sealed = sealed_by(ring, plaintext);
      CHECK(sealed.size() == keyring::sealed_size(length));
      std::vector<char> opened;
      REQUIRE(ring.open(view(sealed), aad, opened));
      CHECK(std::string(opened.begin(), opened.end()) == plaintext);
    }
  }
}

TEST_CASE("sealing appends to what the buffer holds and draws a fresh nonce every time") {
  auto ring = make_keyring({old_key});
  std::vector<char> out{'h', 'd'};
  REQUIRE(ring.seal("same", aad, out));
  CHECK(out.size() == 2 + keyring::sealed_size(4));
  CHECK(std::string(out.begin(), out.begin() + 2) == "hd");
  auto first = sealed_by(ring, "same");
  auto second = sealed_by(ring, "same");
  CHECK(first != second);
}

TEST_CASE("a keyring without randomness seals nothing and leaves the buffer as it was") {
  auto ring = make_keyring({old_key});
  ring.set_nonce_source_for_testing([](unsigned char*, std::size_t) { return false; });
  std::vector<char> out{'x'};
  CHECK_FALSE(ring.seal("payload", aad, out));
  CHECK(out == std::vector<char>{'x'});
}

TEST_CASE("another key, other additional data or a short input does not open") {
  auto ring = make_keyring({old_key});
  auto sealed = sealed_by(ring, "payload");
  std::vector<char> out{'x'};
  CHECK_FALSE(make_keyring({new_key}).open(view(sealed), aad, out));
  CHECK(out.empty());
  CHECK_FALSE(ring.open(view(sealed), "other cluster", out));
  CHECK_FALSE(ring.open(view(sealed).substr(0, keyring::sealed_size(0) - 1), aad, out));
}

TEST_CASE(
    "rotation: install, use, remove; old messages open until their key is removed") {
  auto ring = make_keyring({old_key});
  auto before = sealed_by(ring, "sealed under the old key");

  CHECK(ring.install(new_key) == keyring_change::changed);
  CHECK(ring.primary() == old_key);
  auto during = sealed_by(ring, "still sealed under the old key");
  CHECK(opens(make_keyring({old_key}), during)); // nodes without the new key still read

  CHECK(ring.use(new_key) == keyring_change::changed);
  CHECK(ring.primary() == new_key);
  auto after = sealed_by(ring, "sealed under the new key");
  CHECK_FALSE(opens(make_keyring({old_key}), after));
  CHECK(opens(make_keyring({new_key}), after));
  CHECK(opens(ring, before));
  CHECK(opens(ring, during));

  CHECK(ring.remove(old_key) == keyring_change::changed);
  CHECK_FALSE(opens(ring, before));
  CHECK_FALSE(opens(ring, during));
  CHECK(opens(ring, after));
  CHECK(ring.keys() == std::vector<secret_key>{new_key});
}

TEST_CASE("rotation steps are idempotent and refuse what would break the keyring") {
  auto ring = make_keyring({old_key});
  CHECK(ring.install(old_key) == keyring_change::unchanged);
  CHECK(ring.use(old_key) == keyring_change::unchanged);
  CHECK(ring.use(new_key) == keyring_change::not_installed);
  CHECK(ring.remove(new_key) == keyring_change::unchanged);
  CHECK(ring.remove(old_key) == keyring_change::primary_refused);
  CHECK(ring.keys() == std::vector<secret_key>{old_key});
  for (int i = 1; i < static_cast<int>(max_keyring_keys); ++i)
    REQUIRE(ring.install(filled_key(16, static_cast<char>(i)))
            == keyring_change::changed);
  CHECK(ring.install(new_key) == keyring_change::keyring_full);
  CHECK_FALSE(ring.contains(new_key));
  CHECK(succeeded(keyring_change::unchanged));
  CHECK_FALSE(succeeded(keyring_change::primary_refused));
}

TEST_CASE("use moves the new primary to the front and keeps the others in order") {
  auto a = filled_key(16, 'a'), b = filled_key(24, 'b'), c = filled_key(32, 'c');
  auto ring = make_keyring({a, b, c});
  REQUIRE(ring.use(c) == keyring_change::changed);
  CHECK(ring.keys() == std::vector<secret_key>{c, a, b});
}

TEST_CASE("list names keys by fingerprint, size and role, never by the key") {
  auto ring = make_keyring({old_key, filled_key(16, 'x')});
  auto listed = ring.list();
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].fingerprint == key_fingerprint(old_key));
  CHECK(listed[0].primary);
  CHECK(listed[0].size == 32);
  CHECK_FALSE(listed[1].primary);
  CHECK(listed[1].size == 16);
  for (const auto& info : listed)
    CHECK(info.fingerprint.find(format_key(old_key).substr(0, 8)) == std::string::npos);
}

TEST_CASE("describe says what to do for each refused step") {
  CHECK(describe(keyring_change::primary_refused, "abcd").find("use another key")
        != std::string::npos);
  CHECK(describe(keyring_change::not_installed, "abcd").find("install it")
        != std::string::npos);
  CHECK(describe(keyring_change::keyring_full, "abcd").find("remove an old key")
        != std::string::npos);
}
