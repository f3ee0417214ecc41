#include "actors/core/key_encoding.hpp"
#include "actors/core/keyring_file.hpp"
#include "tests/unit/crypto_test_util.hpp"
#include "tests/unit/fake_file_layer.hpp"
#include "tests/unit/temp_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>

using namespace onevalue;
using namespace onevalue::testing;

namespace {

const auto old_key = filled_key(32, 'o');
const auto new_key = filled_key(16, 'n');
const std::string path = "/data/keyring";

std::string file_with_crc(const std::string& body) {
  char crc[16];
  std::snprintf(crc, sizeof(crc), "%08x", crc32(body.data(), body.size()));
  return body + "crc32=" + crc + "\n";
}

/// The decode error for `content`, after checking it was refused.
std::string refusal(const std::string& content) {
  persistence_error error;
  CHECK_FALSE(decode_keyring_file(content, path, error));
  CHECK(error.message.rfind(path + ": ", 0) == 0);
  return error.message;
}

unsigned mode_of(const std::filesystem::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777u;
}

} // namespace

TEST_CASE("a keyring file lists the keys primary first under a checksum") {
  auto text = encode_keyring_file(make_keyring({old_key, new_key}));
  CHECK(text
        == file_with_crc("onevalue-keyring\nformat=1\nkey=" + format_key(old_key)
                         + "\nkey=" + format_key(new_key) + "\n"));
  persistence_error error;
  auto back = decode_keyring_file(text, path, error);
  REQUIRE_MESSAGE(back, error.message);
  CHECK(back->keys() == std::vector<secret_key>{old_key, new_key});
}

TEST_CASE("a keyring file saved in a real directory is mode 0600 and loads back") {
  temp_dir dir;
  auto files = posix_file_layer();
  auto file = keyring_file_path(dir.str());
  // A leftover temporary file with wide permissions is narrowed before use.
  std::ofstream{file + ".tmp"} << "leftover";
  ::chmod((file + ".tmp").c_str(), 0644);
  REQUIRE_FALSE(save_keyring_file(*files, file, make_keyring({old_key})));
  CHECK(mode_of(file) == 0600u);
  CHECK_FALSE(std::filesystem::exists(file + ".tmp"));
  auto loaded = load_keyring_file(*files, file);
  REQUIRE_FALSE(loaded.error);
  REQUIRE(loaded.keys);
  CHECK(loaded.keys->keys() == std::vector<secret_key>{old_key});
  CHECK(loaded.warnings.empty());
}

TEST_CASE("a keyring file others may read loads with a warning to chmod 600 it") {
  temp_dir dir;
  auto files = posix_file_layer();
  auto file = keyring_file_path(dir.str());
  REQUIRE_FALSE(save_keyring_file(*files, file, make_keyring({old_key})));
  ::chmod(file.c_str(), 0644);
  auto loaded = load_keyring_file(*files, file);
  REQUIRE(loaded.keys);
  REQUIRE(loaded.warnings.size() == 1);
  CHECK(loaded.warnings[0].find("0644") != std::string::npos);
  CHECK(loaded.warnings[0].find("chmod 600 " + file) != std::string::npos);
}

TEST_CASE("a missing keyring file is no keys and no error") {
  fake_file_layer files;
  auto loaded = load_keyring_file(files, path);
  CHECK_FALSE(loaded.keys);
  CHECK_FALSE(loaded.error);
}

TEST_CASE("an unreadable keyring file is an error naming it") {
  fake_file_layer files;
  REQUIRE_FALSE(save_keyring_file(files, path, make_keyring({old_key})));
  files.fail_on = "read";
  auto loaded = load_keyring_file(files, path);
  REQUIRE(loaded.error);
  CHECK(loaded.error->message.find(path) != std::string::npos);
}

TEST_CASE("a truncated keyring file is refused at every length") {
  auto full = encode_keyring_file(make_keyring({old_key, new_key}));
  for (std::size_t keep = 0; keep < full.size(); ++keep) {
    CAPTURE(keep);
    refusal(full.substr(0, keep));
  }
}

TEST_CASE("a flipped bit anywhere in a keyring file is refused") {
  auto full = encode_keyring_file(make_keyring({old_key}));
  for (std::size_t i = 0; i < full.size(); ++i) {
    auto corrupt = full;
    corrupt[i] = static_cast<char>(corrupt[i] ^ 0x04);
    CAPTURE(i);
    refusal(corrupt);
  }
}

TEST_CASE("each defect of a keyring file gets its own message, never quoting a key") {
  const std::string header = "onevalue-keyring\nformat=1\n";
  const std::string good = "key=" + format_key(old_key) + "\n";
  CHECK(refusal("").find("empty") != std::string::npos);
  CHECK(refusal("onevalue-state\nformat=1\n").find("magic") != std::string::npos);
  CHECK(refusal(file_with_crc("onevalue-keyring\nformat=2\n" + good)).find("version 2")
        != std::string::npos);
  CHECK(refusal(file_with_crc(header)).find("at least one key") != std::string::npos);
  CHECK(refusal(file_with_crc(header + good + good)).find("listed twice")
        != std::string::npos);
  auto bad_key = refusal(file_with_crc(header + good + "key=c2VjcmV0c2VjcmV0\n"));
  CHECK(bad_key.find("line 4") != std::string::npos);
  CHECK(bad_key.find("12 bytes") != std::string::npos);
  CHECK(bad_key.find("c2VjcmV0") == std::string::npos);
  CHECK(refusal(file_with_crc(header + "primary=x\n")).find("line 3")
        != std::string::npos);
  CHECK(refusal(file_with_crc(header + "key= " + format_key(old_key) + "\n"))
            .find("whitespace")
        != std::string::npos);
  CHECK(refusal(file_with_crc(header + "key=\n")).find("empty key") != std::string::npos);
  CHECK(refusal(header + good + "crc32=zz\n").find("checksum") != std::string::npos);
  CHECK(refusal(header + good + "crc32=00000000\n").find("checksum mismatch")
        != std::string::npos);
  CHECK(refusal(std::string(max_keyring_file_bytes + 1, 'k')).find("larger than")
        != std::string::npos);
}

TEST_CASE("only the canonical spelling of a checksum and format version is accepted") {
  // Found by fuzzing: an upper-case checksum or a padded version was accepted, so one
  // keyring had several files. `found` is what app/make_keyring.sh writes for the key
  // of bytes 0..31 (tests/integration/test_make_keyring.py checks the same bytes).
  const std::string found =
      "onevalue-keyring\nformat=1\nkey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n";
  persistence_error error;
  REQUIRE(decode_keyring_file(found + "crc32=cf172bba\n", path, error));
  CHECK(refusal(found + "crc32=cf172bBa\n").find("lower-case hex") != std::string::npos);
  CHECK(refusal(found + "crc32=0cf172bba\n").find("lower-case hex") != std::string::npos);
  const std::string good = "key=" + format_key(old_key) + "\n";
  CHECK(refusal(file_with_crc("onevalue-keyring\nformat=01\n" + good)).find("format line")
        != std::string::npos);
}

TEST_CASE(
    "a crash at any step of a save leaves the old or the new keyring, never neither") {
  const auto old_ring = make_keyring({old_key});
  auto new_ring = old_ring;
  REQUIRE(new_ring.install(new_key) == keyring_change::changed);
  for (const char* step : {"open", "write", "fsync", "close", "rename", "fsync_dir"}) {
    CAPTURE(step);
    fake_file_layer files;
    REQUIRE_FALSE(save_keyring_file(files, path, old_ring));
    files.fail_on = step;
    auto failed = save_keyring_file(files, path, new_ring);
    REQUIRE(failed);
    CHECK(failed->message.find(path) != std::string::npos);
    files.fail_on.clear();
    // The restart reads whatever the file system kept.
    auto loaded = load_keyring_file(files, path);
    REQUIRE_FALSE(loaded.error);
    REQUIRE(loaded.keys);
    // Only the directory fsync comes after the rename.
    const auto& expected = std::string{step} == "fsync_dir" ? new_ring : old_ring;
    CHECK(loaded.keys->keys() == expected.keys());
    CHECK(files.modes.at(path) == 0600u);
    CHECK(files.files.count(path + ".tmp") == 0);
  }
}

TEST_CASE(
    "a temporary file left by a crash mid-write neither loads nor blocks the next save") {
  fake_file_layer files;
  REQUIRE_FALSE(save_keyring_file(files, path, make_keyring({old_key})));
  files.files[path + ".tmp"] = "onevalue-keyring\nform"; // power lost mid-write
  auto loaded = load_keyring_file(files, path);
  REQUIRE(loaded.keys);
  CHECK(loaded.keys->keys() == std::vector<secret_key>{old_key});
  REQUIRE_FALSE(save_keyring_file(files, path, make_keyring({new_key})));
  CHECK(load_keyring_file(files, path).keys->keys() == std::vector<secret_key>{new_key});
  CHECK(files.files.count(path + ".tmp") == 0);
}

TEST_CASE("the keyring file is saved next to itself and the directory is synced") {
  fake_file_layer files;
  REQUIRE_FALSE(save_keyring_file(files, "keyring", make_keyring({old_key})));
  CHECK(files.files.count("keyring") == 1);
  CHECK(files.renames == 1);
  CHECK(files.fsync_calls == 2);
}
