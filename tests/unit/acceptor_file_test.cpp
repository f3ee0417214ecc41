#include "actors/core/acceptor_file.hpp"

#include "actors/core/consensus_codec.hpp"
#include "fake_file_layer.hpp"

#include <doctest/doctest.h>

using namespace onevalue;

namespace {

acceptor_state sample_state() {
  acceptor_state s;
  s.promised = ballot{4, "n1", 3};
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

} // namespace

TEST_CASE("acceptor file: a missing file is a new voter") {
  testing::fake_file_layer files;
  auto loaded = load_acceptor_file(files, "/d");
  CHECK_FALSE(loaded.state);
  CHECK_FALSE(loaded.error);
}

TEST_CASE("acceptor file: what is saved loads back, through a temporary file") {
  testing::fake_file_layer files;
  auto s = sample_state();
  CHECK_FALSE(save_acceptor_file(files, "/d", encoded(s)));
  CHECK(files.files.count("/d/acceptor") == 1);
  CHECK(files.files.count("/d/acceptor.tmp") == 0);
  CHECK(files.fsync_calls >= 1);
  auto loaded = load_acceptor_file(files, "/d");
  REQUIRE(loaded.state);
  CHECK(*loaded.state == s);
}

TEST_CASE("acceptor file: a failed step is reported and leaves the old file") {
  for (const char* step : {"open", "write", "fsync", "rename", "fsync_dir"}) {
    CAPTURE(step);
    testing::fake_file_layer files;
    auto old_state = sample_state();
    REQUIRE_FALSE(save_acceptor_file(files, "/d", encoded(old_state)));
    files.fail_on = step;
    auto newer = old_state;
    newer.promised = ballot{9, "n2", 1};
    auto err = save_acceptor_file(files, "/d", encoded(newer));
    REQUIRE(err);
    CHECK(err->find("/d/acceptor") != std::string::npos);
    files.fail_on.clear();
    auto loaded = load_acceptor_file(files, "/d");
    REQUIRE(loaded.state);
    // Only a failed directory fsync comes after the rename.
    CHECK(*loaded.state == (std::string{step} == "fsync_dir" ? newer : old_state));
  }
}

TEST_CASE("acceptor file: a corrupt file is an error, never a new voter") {
  testing::fake_file_layer files;
  auto bytes = encoded(sample_state());
  bytes[bytes.size() / 2] ^= 0x40;
  files.files["/d/acceptor"] = bytes;
  auto loaded = load_acceptor_file(files, "/d");
  CHECK_FALSE(loaded.state);
  REQUIRE(loaded.error);
  CHECK(loaded.error->find("corrupt") != std::string::npos);
  files.fail_on = "read";
  loaded = load_acceptor_file(files, "/d");
  REQUIRE(loaded.error);
  CHECK(loaded.error->find("cannot read") != std::string::npos);
}
