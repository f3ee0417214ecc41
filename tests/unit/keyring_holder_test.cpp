#include "actors/core/key_encoding.hpp"
#include "actors/core/keyring_file.hpp"
#include "actors/core/keyring_holder.hpp"
#include "tests/unit/crypto_test_util.hpp"
#include "tests/unit/fake_file_layer.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using namespace onevalue::testing;

namespace {

const auto old_key = filled_key(32, 'o');
const auto new_key = filled_key(32, 'n');
const std::string path = "/data/keyring";

keyring_answer run(keyring_holder& h, keyring_op op, const secret_key& key) {
  return h.apply(keyring_command{op, key});
}

std::vector<secret_key> saved_keys(fake_file_layer& files) {
  persistence_error err;
  auto ring = decode_keyring_file(files.files.at(path), path, err);
  REQUIRE_MESSAGE(ring, err.message);
  return ring->keys();
}

} // namespace

TEST_CASE("a three-step rotation changes the keyring and its file at each step") {
  fake_file_layer files;
  keyring_holder h{make_keyring({old_key}), path, files};
  auto before = h.current();
  auto installed = run(h, keyring_op::install, new_key);
  CHECK(installed.outcome == keyring_outcome::changed);
  CHECK(installed.keys.size() == 2);
  CHECK(saved_keys(files).size() == 2);
  CHECK(before->keys().size() == 1); // snapshots handed out never change
  CHECK(run(h, keyring_op::install, new_key).outcome == keyring_outcome::unchanged);
  CHECK(run(h, keyring_op::use, new_key).outcome == keyring_outcome::changed);
  CHECK(h.current()->primary() == new_key);
  CHECK(saved_keys(files).front() == new_key);
  auto removed = run(h, keyring_op::remove, old_key);
  CHECK(removed.outcome == keyring_outcome::changed);
  REQUIRE(removed.keys.size() == 1);
  CHECK(removed.keys[0].fingerprint == key_fingerprint(new_key));
  CHECK(saved_keys(files).size() == 1);
}

TEST_CASE("refused changes say why and change nothing") {
  fake_file_layer files;
  keyring_holder h{make_keyring({old_key}), path, files};
  auto primary = run(h, keyring_op::remove, old_key);
  CHECK(primary.outcome == keyring_outcome::primary_refused);
  CHECK(primary.detail.find(key_fingerprint(old_key)) != std::string::npos);
  CHECK(run(h, keyring_op::use, new_key).outcome == keyring_outcome::not_installed);
  CHECK(h.current()->keys().size() == 1);
  CHECK(files.files.count(path) == 0);
}

TEST_CASE("a change the keyring file cannot take is not made") {
  fake_file_layer files;
  files.fail_on = "rename";
  keyring_holder h{make_keyring({old_key}), path, files};
  auto answer = run(h, keyring_op::install, new_key);
  CHECK(answer.outcome == keyring_outcome::failed);
  CHECK(answer.detail.find(path) != std::string::npos);
  CHECK(answer.keys.size() == 1);
  CHECK_FALSE(h.current()->contains(new_key));
}

TEST_CASE("without a file path rotations stay in memory; without keys all fail") {
  fake_file_layer files;
  keyring_holder memory_only{make_keyring({old_key}), "", files};
  CHECK(run(memory_only, keyring_op::install, new_key).outcome
        == keyring_outcome::changed);
  CHECK(files.files.empty());
  keyring_holder none{std::nullopt, path, files};
  CHECK_FALSE(static_cast<bool>(none.current()));
  auto answer = none.apply(keyring_command{keyring_op::list, std::nullopt});
  CHECK(answer.outcome == keyring_outcome::failed);
  CHECK(answer.detail.find("no keyring") != std::string::npos);
}

TEST_CASE("list answers the keys by fingerprint, primary first") {
  fake_file_layer files;
  keyring_holder h{make_keyring({old_key, new_key}), path, files};
  auto answer = h.apply(keyring_command{keyring_op::list, std::nullopt});
  CHECK(answer.outcome == keyring_outcome::unchanged);
  REQUIRE(answer.keys.size() == 2);
  CHECK(answer.keys[0].primary);
  CHECK(answer.keys[0].fingerprint == key_fingerprint(old_key));
}
