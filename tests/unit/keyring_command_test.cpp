#include "actors/core/keyring_command.hpp"
#include "tests/unit/crypto_test_util.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using namespace onevalue::testing;

namespace {

std::string_view bytes_of(const std::vector<char>& v) {
  return {v.data(), v.size()};
}

} // namespace

TEST_CASE("keyring commands round-trip, list without a key") {
  auto key = filled_key(32, 'k');
  for (auto op : {keyring_op::install, keyring_op::use, keyring_op::remove}) {
    CAPTURE(to_string(op));
    auto bytes = encode(keyring_command{op, key});
    CHECK(bytes.front() == 'K');
    auto back = decode_keyring_command(bytes_of(bytes));
    REQUIRE(back);
    CHECK(back->op == op);
    REQUIRE(back->key);
    CHECK(*back->key == key);
  }
  auto list = encode(keyring_command{keyring_op::list, std::nullopt});
  auto back = decode_keyring_command(bytes_of(list));
  REQUIRE(back);
  CHECK(back->op == keyring_op::list);
  CHECK_FALSE(back->key);
}

TEST_CASE("malformed keyring commands are refused") {
  auto good = encode(keyring_command{keyring_op::install, filled_key(16, 'a')});
  CHECK_FALSE(decode_keyring_command({}));
  CHECK_FALSE(decode_keyring_command(bytes_of(good).substr(0, good.size() - 1)));
  CHECK_FALSE(decode_keyring_command(std::string{bytes_of(good)} + "x"));
  auto bad_op = good;
  bad_op[1] = 9;
  CHECK_FALSE(decode_keyring_command(bytes_of(bad_op)));
  auto bad_channel = good;
  bad_channel[0] = 0;
  CHECK_FALSE(decode_keyring_command(bytes_of(bad_channel)));
  // A key of 17 bytes, and a list that carries a key.
  CHECK_FALSE(decode_keyring_command(std::string{"K\x02\x11"} + std::string(17, 'a')));
  CHECK_FALSE(decode_keyring_command(std::string{"K\x01\x10"} + std::string(16, 'a')));
}

TEST_CASE("keyring answers round-trip and refuse malformed input") {
  keyring_answer a;
  a.outcome = keyring_outcome::primary_refused;
  a.keys = {key_info{"0123456789abcdef", true, 32},
            key_info{"fedcba9876543210", false, 16}};
  a.detail = "key 0123 is the primary key";
  auto bytes = encode(a);
  auto back = decode_keyring_answer(bytes_of(bytes));
  REQUIRE(back);
  CHECK(back->outcome == a.outcome);
  REQUIRE(back->keys.size() == 2);
  CHECK(back->keys[0].fingerprint == "0123456789abcdef");
  CHECK(back->keys[0].primary);
  CHECK(back->keys[1].size == 16);
  CHECK(back->detail == a.detail);
  CHECK_FALSE(decode_keyring_answer(bytes_of(bytes).substr(0, bytes.size() - 1)));
  auto bad_outcome = bytes;
  bad_outcome[1] = 6;
  CHECK_FALSE(decode_keyring_answer(bytes_of(bad_outcome)));
  auto too_many = bytes;
  too_many[2] = static_cast<char>(max_keyring_keys + 1);
  CHECK_FALSE(decode_keyring_answer(bytes_of(too_many)));
}

TEST_CASE("keyring outcomes follow the keyring's changes") {
  CHECK(outcome_of(keyring_change::changed) == keyring_outcome::changed);
  CHECK(outcome_of(keyring_change::primary_refused) == keyring_outcome::primary_refused);
  CHECK(succeeded(keyring_outcome::unchanged));
  CHECK_FALSE(succeeded(keyring_outcome::failed));
  CHECK(std::string{to_string(keyring_outcome::not_installed)} == "not_installed");
}
