#include "actors/core/acceptor_file.hpp"

#include "actors/core/consensus_codec.hpp"
#include "fake_file_layer.hpp"

#include <doctest/doctest.h>

using namespace onevalue;

namespace {

acceptor_state sample_state(uint64_t promised = 4) {
  acceptor_state s;
  s.promised = ballot{promised, "n1", 3};
  s.accepted = ballot{3, "n1", 3};
  s.state = initial_register_state(42);
  s.state.current = {43, {1, "n1"}};
  s.state.proposers.push_back({"n1", 3, 1, 1});
  return s;
}

std::string encoded(const acceptor_state& s) {
  auto bytes = encode_acceptor_state(s);
  REQUIRE(bytes);
  return *bytes;
}

const std::string slot0 = "/d/acceptor.0";
const std::string slot1 = "/d/acceptor.1";

} // namespace

TEST_CASE(
    "acceptor files: a new voter gets both slots, durably, with the initial state") {
  testing::fake_file_layer files;
  auto opened = open_acceptor_files(files, "/d");
  REQUIRE_FALSE(opened.error);
  CHECK(opened.state == acceptor_state{});
  CHECK(files.files.count(slot0) == 1);
  CHECK(files.files.count(slot1) == 1);
  CHECK(files.fsync_calls == 3); // each slot, then the directory
  CHECK(opened.next_slot == 0);
}

TEST_CASE("acceptor files: saves alternate and the newer state wins on open") {
  testing::fake_file_layer files;
  REQUIRE_FALSE(open_acceptor_files(files, "/d").error);
  CHECK_FALSE(save_acceptor_slot(files, "/d", 0, encoded(sample_state(4))));
  CHECK_FALSE(save_acceptor_slot(files, "/d", 1, encoded(sample_state(5))));
  auto opened = open_acceptor_files(files, "/d");
  REQUIRE_FALSE(opened.error);
  CHECK(opened.state == sample_state(5));
  CHECK(opened.next_slot == 0);
  // Opening made the older slot a copy of the newer one.
  CHECK(files.files[slot0] == files.files[slot1]);
}

TEST_CASE("acceptor files: a save costs one fsync and no rename") {
  testing::fake_file_layer files;
  REQUIRE_FALSE(open_acceptor_files(files, "/d").error);
  auto fsyncs = files.fsync_calls;
  auto renames = files.renames;
  CHECK_FALSE(save_acceptor_slot(files, "/d", 1, encoded(sample_state())));
  CHECK(files.fsync_calls == fsyncs + 1);
  CHECK(files.renames == renames);
}

TEST_CASE("acceptor files: a torn slot falls back to the other one") {
  testing::fake_file_layer files;
  REQUIRE_FALSE(open_acceptor_files(files, "/d").error);
  CHECK_FALSE(save_acceptor_slot(files, "/d", 0, encoded(sample_state(4))));
  CHECK_FALSE(save_acceptor_slot(files, "/d", 1, encoded(sample_state(5))));
  files.files[slot1][40] ^= 0x40; // a sector of the last save never reached the disk
  auto opened = open_acceptor_files(files, "/d");
  REQUIRE_FALSE(opened.error);
  CHECK(opened.state == sample_state(4));
  CHECK(opened.next_slot == 1);
}

TEST_CASE("acceptor files: a failed step names the file and leaves the other slot") {
  for (const char* step : {"open", "write", "fsync"}) {
    CAPTURE(step);
    testing::fake_file_layer files;
    REQUIRE_FALSE(open_acceptor_files(files, "/d").error);
    CHECK_FALSE(save_acceptor_slot(files, "/d", 0, encoded(sample_state(4))));
    files.fail_on = step;
    auto err = save_acceptor_slot(files, "/d", 1, encoded(sample_state(5)));
    REQUIRE(err);
    CHECK(err->find(slot1) != std::string::npos);
    files.fail_on.clear();
    CHECK(files.files[slot0] == acceptor_slot_bytes(encoded(sample_state(4))));
  }
}

TEST_CASE(
    "acceptor files: a slot is one block rewritten in place, flushed by fdatasync") {
  testing::fake_file_layer files;
  REQUIRE_FALSE(open_acceptor_files(files, "/d").error);
  CHECK_FALSE(save_acceptor_slot(files, "/d", 0, encoded(sample_state(4))));
  const auto& bytes = files.files[slot0];
  REQUIRE(bytes.size() == acceptor_slot_size);
  auto content = encoded(sample_state(4));
  CHECK(static_cast<uint8_t>(bytes[0]) == content.size()); // length, little endian
  CHECK(bytes.substr(4, content.size()) == content);
  CHECK(bytes.find_first_not_of('\0', 4 + content.size()) == std::string::npos);
  // A shorter state later leaves no tail of the longer one behind.
  auto small = acceptor_state{};
  CHECK_FALSE(save_acceptor_slot(files, "/d", 0, encoded(small)));
  CHECK(files.files[slot0] == acceptor_slot_bytes(encoded(small)));
}

TEST_CASE("acceptor files: slots written before fixed-size slots are still read") {
  testing::fake_file_layer files;
  files.files[slot0] = encoded(sample_state(4)); // the earlier layout: the state alone
  files.files[slot1] = encoded(sample_state(5));
  auto opened = open_acceptor_files(files, "/d");
  REQUIRE_FALSE(opened.error);
  CHECK(opened.state == sample_state(5));
  CHECK(opened.next_slot == 0);
  CHECK(files.files[slot0] == acceptor_slot_bytes(encoded(sample_state(5))));
}

TEST_CASE("acceptor files: a slot of the wrong size, length or padding is refused") {
  std::string error;
  auto good = acceptor_slot_bytes(encoded(sample_state()));
  REQUIRE(decode_acceptor_slot(good, error) == sample_state());
  CHECK_FALSE(decode_acceptor_slot(good.substr(0, 100), error));
  CHECK(error.find("expected 4096") != std::string::npos);
  auto long_length = good;
  long_length[0] = '\xff';
  long_length[1] = '\x0f';
  CHECK_FALSE(decode_acceptor_slot(long_length, error));
  CHECK(error.find("exceeds the slot") != std::string::npos);
  auto dirty = good;
  dirty.back() = 'x';
  CHECK_FALSE(decode_acceptor_slot(dirty, error));
  CHECK(error.find("padding") != std::string::npos);
  CHECK_FALSE(decode_acceptor_slot("", error));
  CHECK_FALSE(decode_acceptor_slot(std::string(acceptor_slot_size, '\0'), error));
}

TEST_CASE("acceptor files: no valid slot is an error, never a new voter") {
  testing::fake_file_layer files;
  auto bytes = encoded(sample_state());
  bytes[bytes.size() / 2] ^= 0x40;
  files.files[slot0] = bytes;
  auto opened = open_acceptor_files(files, "/d");
  REQUIRE(opened.error);
  CHECK(opened.error->find("corrupt") != std::string::npos);
  CHECK(opened.error->find("must not start afresh") != std::string::npos);
  files.files[slot1] = bytes;
  CHECK(open_acceptor_files(files, "/d").error);
  files.fail_on = "read";
  opened = open_acceptor_files(files, "/d");
  REQUIRE(opened.error);
  CHECK(opened.error->find("cannot read") != std::string::npos);
}
