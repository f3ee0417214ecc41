#include "actors/core/persistence.hpp"
#include "tests/unit/temp_dir.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

using namespace onevalue;
using onevalue::testing::temp_dir;

namespace {

const durable_state old_state{{5, {7, "n2"}}, 9, 3};

} // namespace

TEST_CASE("crc32 matches the IEEE check value") {
  const std::string check = "123456789";
  CHECK(crc32(check.data(), check.size()) == 0xCBF43926u);
  CHECK(crc32("", 0) == 0u);
}

TEST_CASE("extreme values and the initial version survive the round trip") {
  // The highest incarnation a file may hold is 2^64-2: a restart raises it by one.
  for (const auto& extreme :
       {durable_state{{INT64_MIN, {UINT64_MAX, "n1"}}, UINT64_MAX, UINT64_MAX - 1},
        durable_state{{INT64_MAX, {0, ""}}, 0, 0}}) {
    auto text = encode_state(extreme);
    REQUIRE(text);
    persistence_error error;
    auto back = decode_state(*text, "x", error);
    REQUIRE(back);
    CHECK(*back == extreme);
  }
}

namespace {

/// A state file with the given fields and a correct checksum, so that only the fields
/// can be wrong.
std::string state_file(const std::string& node, const std::string& counter = "7",
                       const std::string& incarnation = "3") {
  std::string body = "onevalue-state\nformat=1\nvalue=5\ncounter=" + counter
                     + "\nnode=" + node + "\nclock=9\nincarnation=" + incarnation + "\n";
  char crc[9];
  std::snprintf(crc, sizeof(crc), "%08x", crc32(body.data(), body.size()));
  return body + "crc32=" + crc + "\n";
}

} // namespace

TEST_CASE("a state file whose writer is no valid node name is refused") {
  persistence_error error;
  REQUIRE(decode_state(state_file("n2"), "/d/state", error));
  for (std::string bad :
       {std::string{"n2\r"}, std::string{"n 2"}, std::string{}, std::string(65, 'a'),
        std::string{"n2\x01"}, std::string{"\xc3\xa9"}}) {
    CAPTURE(bad);
    error = {};
    CHECK_FALSE(decode_state(state_file(bad), "/d/state", error));
    CHECK(error.message.find("/d/state: node field") == 0);
  }
}

TEST_CASE(
    "a state file with a writer but counter 0, or an incarnation of 2^64-1, is refused") {
  persistence_error error;
  CHECK_FALSE(decode_state(state_file("n2", "0"), "/d/state", error));
  CHECK(error.message.find("counter 0") != std::string::npos);
  CHECK_FALSE(
      decode_state(state_file("n2", "7", "18446744073709551615"), "/d/state", error));
  CHECK(error.message.find("incarnation") != std::string::npos);
  CHECK(decode_state(state_file("n2", "7", "18446744073709551614"), "/d/state", error));
}

TEST_CASE("a flipped byte is caught by the checksum") {
  auto text = *encode_state(old_state);
  auto pos = text.find("value=5");
  REQUIRE(pos != std::string::npos);
  text[pos + 6] = '6';
  persistence_error error;
  CHECK_FALSE(decode_state(text, "/data/state", error));
  CHECK(error.message.find("/data/state") == 0);
  CHECK(error.message.find("checksum") != std::string::npos);
}

TEST_CASE("an unknown format version is refused, not guessed at") {
  auto text = *encode_state(old_state);
  text.replace(text.find("format=1"), 8, "format=2");
  persistence_error error;
  CHECK_FALSE(decode_state(text, "/data/state", error));
  CHECK(error.message.find("/data/state") == 0);
  CHECK(error.message.find("version 2") != std::string::npos);
}

TEST_CASE("a file that is not a state file is refused") {
  persistence_error error;
  CHECK_FALSE(decode_state("hello\nworld\n", "/data/state", error));
  CHECK(error.message.find("bad magic") != std::string::npos);
}

TEST_CASE("a quota that is used up counts as no space; an I/O error or a read-only disk "
          "does not") {
  CHECK(is_no_space({ENOSPC, std::generic_category()}));
  CHECK(is_no_space({EDQUOT, std::system_category()}));
  CHECK_FALSE(is_no_space({EIO, std::generic_category()}));
  CHECK_FALSE(is_no_space({EROFS, std::generic_category()}));
}

TEST_CASE("a state whose writer is no valid node name cannot be encoded") {
  for (std::string bad : {"n1\nvalue=9", "n1\r\nX: y", "has space"})
    CHECK_FALSE(encode_state(durable_state{{1, {1, bad}}, 1, 1}));
}

TEST_CASE("a data dir locked once cannot be locked again until released") {
  temp_dir dir;
  auto files = posix_file_layer();
  persistence_error error;
  auto first = data_dir_lock::acquire(files, dir.str(), error);
  REQUIRE(first);
  auto second = data_dir_lock::acquire(files, dir.str(), error);
  CHECK_FALSE(second);
  CHECK(error.message.find(dir.str()) != std::string::npos);
  CHECK(error.message.find("another onevalue process") != std::string::npos);
  first.reset();
  CHECK(data_dir_lock::acquire(files, dir.str(), error));
}
