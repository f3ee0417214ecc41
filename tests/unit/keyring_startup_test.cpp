#include "actors/core/key_encoding.hpp"
#include "actors/core/keyring_file.hpp"
#include "actors/core/keyring_startup.hpp"
#include "tests/unit/crypto_test_util.hpp"
#include "tests/unit/fake_file_layer.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using namespace onevalue::testing;

namespace {

const auto option_key = filled_key(32, 'c');
const auto rotated_key = filled_key(32, 'r');
const std::string path = "/data/keyring";

std::vector<std::string> option(std::vector<secret_key> keys) {
  std::vector<std::string> texts;
  for (const auto& k : keys)
    texts.push_back(format_key(k));
  return texts;
}

bool mentions(const std::vector<std::string>& warnings, const std::string& text) {
  for (const auto& w : warnings)
    if (w.find(text) != std::string::npos)
      return true;
  return false;
}

} // namespace

TEST_CASE(
    "first start with gossip-keys: the option's keys, written to the keyring file") {
  fake_file_layer files;
  auto start = choose_startup_keyring(option({option_key}), path, files);
  REQUIRE_FALSE(start.error);
  CHECK(start.source == keyring_source::option);
  REQUIRE(start.keys);
  CHECK(start.keys->keys() == std::vector<secret_key>{option_key});
  CHECK(start.warnings.empty());
  CHECK(load_keyring_file(files, path).keys->keys()
        == std::vector<secret_key>{option_key});
  CHECK(files.modes.at(path) == 0600u);
}

TEST_CASE(
    "once the file exists it wins over gossip-keys, with a warning if they differ") {
  fake_file_layer files;
  auto rotated = make_keyring({rotated_key, option_key});
  REQUIRE_FALSE(save_keyring_file(files, path, rotated));
  auto start = choose_startup_keyring(option({option_key}), path, files);
  REQUIRE_FALSE(start.error);
  CHECK(start.source == keyring_source::file);
  CHECK(start.keys->keys() == rotated.keys());
  CHECK(mentions(start.warnings, "gossip-keys differs from the keyring file " + path));
  // The option and file agreeing is the normal case: no warning.
  auto same = choose_startup_keyring(option({rotated_key, option_key}), path, files);
  CHECK(same.source == keyring_source::file);
  CHECK(same.warnings.empty());
}

TEST_CASE("removing gossip-keys from the config does not turn encryption off") {
  fake_file_layer files;
  REQUIRE_FALSE(save_keyring_file(files, path, make_keyring({option_key})));
  auto start = choose_startup_keyring({}, path, files);
  CHECK(start.source == keyring_source::file);
  REQUIRE(start.keys);
}

TEST_CASE("rotations survive a restart with the original config") {
  fake_file_layer files;
  auto first = choose_startup_keyring(option({option_key}), path, files);
  REQUIRE(first.keys);
  auto ring = *first.keys;
  // What the keyring's owner does per step: change a copy, save it, then use it.
  REQUIRE(ring.install(rotated_key) == keyring_change::changed);
  REQUIRE_FALSE(save_keyring_file(files, path, ring));
  REQUIRE(ring.use(rotated_key) == keyring_change::changed);
  REQUIRE_FALSE(save_keyring_file(files, path, ring));
  REQUIRE(ring.remove(option_key) == keyring_change::changed);
  REQUIRE_FALSE(save_keyring_file(files, path, ring));
  auto restarted = choose_startup_keyring(option({option_key}), path, files);
  REQUIRE(restarted.keys);
  CHECK(restarted.keys->keys() == std::vector<secret_key>{rotated_key});
}

TEST_CASE(
    "a corrupt keyring file stops the start, naming the file, even with gossip-keys") {
  fake_file_layer files;
  files.files[path] = "onevalue-keyring\nformat=1\nkey=";
  auto start = choose_startup_keyring(option({option_key}), path, files);
  REQUIRE(start.error);
  CHECK(start.error->find(path) != std::string::npos);
  CHECK(start.error->find("remove it") != std::string::npos);
  CHECK_FALSE(start.keys);
  CHECK(files.files[path] == "onevalue-keyring\nformat=1\nkey="); // left for inspection
}

TEST_CASE("an unreadable keyring file stops the start") {
  fake_file_layer files;
  files.fail_on = "read";
  auto start = choose_startup_keyring(option({option_key}), path, files);
  REQUIRE(start.error);
  CHECK(start.error->find(path) != std::string::npos);
}

TEST_CASE("no keys anywhere: plaintext, and no file is written") {
  fake_file_layer files;
  auto start = choose_startup_keyring({}, path, files);
  CHECK_FALSE(start.error);
  CHECK(start.source == keyring_source::none);
  CHECK_FALSE(start.keys);
  CHECK(files.files.empty());
}

TEST_CASE("gossip-keys without a data dir works but warns that rotations are lost") {
  fake_file_layer files;
  auto start = choose_startup_keyring(option({option_key}), "", files);
  REQUIRE_FALSE(start.error);
  CHECK(start.source == keyring_source::option);
  CHECK(mentions(start.warnings, "lost at restart"));
  CHECK(files.files.empty());
}

TEST_CASE("an invalid gossip-keys entry is an error naming its position, not the key") {
  fake_file_layer files;
  auto keys = option({option_key});
  keys.push_back("c2VjcmV0c2VjcmV0");
  auto start = choose_startup_keyring(keys, path, files);
  REQUIRE(start.error);
  CHECK(start.error->find("gossip-keys: entry 2") != std::string::npos);
  CHECK(start.error->find("c2VjcmV0") == std::string::npos);
  auto twice = choose_startup_keyring(option({option_key, option_key}), path, files);
  REQUIRE(twice.error);
  CHECK(twice.error->find("listed twice") != std::string::npos);
  CHECK(files.files.empty());
}

TEST_CASE("a keyring file that cannot be written at first start stops the start") {
  fake_file_layer files;
  files.fail_on = "fsync";
  auto start = choose_startup_keyring(option({option_key}), path, files);
  REQUIRE(start.error);
  CHECK(start.error->find("cannot save the keyring to " + path) != std::string::npos);
  CHECK_FALSE(start.keys);
}

TEST_CASE("a keyring file others may read still loads, with the permission warning") {
  fake_file_layer files;
  REQUIRE_FALSE(save_keyring_file(files, path, make_keyring({option_key})));
  files.modes[path] = 0640;
  auto start = choose_startup_keyring({}, path, files);
  REQUIRE(start.keys);
  CHECK(mentions(start.warnings, "chmod 600"));
}
