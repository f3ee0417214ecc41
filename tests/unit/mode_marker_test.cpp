#include "actors/core/mode_marker.hpp"

#include "fake_file_layer.hpp"

#include <doctest/doctest.h>

using namespace onevalue;

TEST_CASE("mode marker: a new data dir records its mode") {
  testing::fake_file_layer files;
  CHECK_FALSE(check_mode_marker(files, "/d", consistency_mode::linearizable, 0));
  CHECK(files.files["/d/mode"] == "linearizable\n");
  CHECK_FALSE(check_mode_marker(files, "/d", consistency_mode::linearizable, 5));
}

TEST_CASE("mode marker: an eventual-mode value refuses linearizable mode") {
  testing::fake_file_layer files;
  // A data dir from before the marker, with a value: written in eventual mode.
  auto err = check_mode_marker(files, "/d", consistency_mode::linearizable, 7);
  REQUIRE(err);
  CHECK(err->find("eventual mode") != std::string::npos);
  CHECK(err->find("counter 7") != std::string::npos);
  CHECK(files.files.count("/d/mode") == 0);
  // With the marker too.
  CHECK_FALSE(check_mode_marker(files, "/d", consistency_mode::eventual, 7));
  CHECK(files.files["/d/mode"] == "eventual\n");
  CHECK(check_mode_marker(files, "/d", consistency_mode::linearizable, 7));
}

TEST_CASE("mode marker: linearizable to eventual is allowed and recorded") {
  testing::fake_file_layer files;
  CHECK_FALSE(check_mode_marker(files, "/d", consistency_mode::linearizable, 0));
  CHECK_FALSE(check_mode_marker(files, "/d", consistency_mode::eventual, 3));
  CHECK(files.files["/d/mode"] == "eventual\n");
}

TEST_CASE("mode marker: a corrupt or unreadable marker is an error naming it") {
  testing::fake_file_layer files;
  files.files["/d/mode"] = "strong\n";
  auto err = check_mode_marker(files, "/d", consistency_mode::eventual, 0);
  REQUIRE(err);
  CHECK(err->find("/d/mode is corrupt") != std::string::npos);
  files.fail_on = "read";
  err = check_mode_marker(files, "/d", consistency_mode::eventual, 0);
  REQUIRE(err);
  CHECK(err->find("cannot read /d/mode") != std::string::npos);
}
