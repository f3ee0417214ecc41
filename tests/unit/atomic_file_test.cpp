// replace_file: a file is replaced whole or not at all, at every failing step.

#include "actors/core/atomic_file.hpp"
#include "tests/unit/fake_file_layer.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using namespace onevalue::testing;

TEST_CASE("replace_file puts the new contents in place and leaves no temporary file") {
  fake_file_layer files;
  REQUIRE_FALSE(replace_file(files, "/d/f", "/d", "old"));
  REQUIRE_FALSE(replace_file(files, "/d/f", "/d", "new"));
  CHECK(files.files.at("/d/f") == "new");
  CHECK(files.files.count("/d/f.tmp") == 0);
  CHECK(files.modes.at("/d/f") == 0644u);
  CHECK(files.renames == 2);
}

TEST_CASE("a private file is written with mode 0600") {
  fake_file_layer files;
  REQUIRE_FALSE(replace_file(files, "/d/k", "/d", "secret", file_access::private_));
  CHECK(files.modes.at("/d/k") == 0600u);
}

TEST_CASE("a failure at any step names it and keeps the old file whole") {
  for (std::string step : {"open", "write", "fsync", "close", "rename", "fsync_dir"}) {
    CAPTURE(step);
    fake_file_layer files;
    REQUIRE_FALSE(replace_file(files, "/d/f", "/d", "old"));
    files.fail_on = step;
    auto failure = replace_file(files, "/d/f", "/d", "new contents");
    REQUIRE(failure);
    CHECK(static_cast<bool>(failure->error));
    if (step == "fsync_dir") {
      // After the rename: the new file is in place, its durability unknown.
      CHECK(failure->step == "fsync directory");
      CHECK(failure->file == "/d");
      CHECK(files.files.at("/d/f") == "new contents");
    } else {
      CHECK(failure->step == step);
      CHECK(failure->file == "/d/f.tmp");
      CHECK(files.files.at("/d/f") == "old");
      CHECK(files.files.count("/d/f.tmp") == 0);
    }
  }
}
