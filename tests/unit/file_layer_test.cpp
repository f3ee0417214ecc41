#include "actors/core/file_layer.hpp"
#include "tests/unit/temp_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace onevalue;
using onevalue::testing::temp_dir;

TEST_CASE("make_dir creates a data dir together with its missing parents") {
  temp_dir dir;
  auto files = posix_file_layer();
  auto nested = dir.path / "data" / "node1";
  CHECK_FALSE(files->make_dir(nested.string()));
  CHECK(std::filesystem::is_directory(nested));
  // Again, and with a trailing slash: an existing directory is fine.
  CHECK_FALSE(files->make_dir(nested.string()));
  CHECK_FALSE(files->make_dir(nested.string() + "/"));
}

TEST_CASE("make_dir takes a relative path as run_local_cluster's configs give it") {
  temp_dir dir;
  auto files = posix_file_layer();
  auto previous = std::filesystem::current_path();
  std::filesystem::current_path(dir.path);
  auto ec = files->make_dir("./data/node1");
  std::filesystem::current_path(previous);
  CHECK_FALSE(ec);
  CHECK(std::filesystem::is_directory(dir.path / "data" / "node1"));
}

TEST_CASE("make_dir refuses a path through a regular file with ENOTDIR") {
  temp_dir dir;
  auto files = posix_file_layer();
  std::ofstream{dir.path / "file"} << "x";
  auto ec = files->make_dir((dir.path / "file" / "sub").string());
  CHECK(ec == std::make_error_code(std::errc::not_a_directory));
  ec = files->make_dir((dir.path / "file").string());
  CHECK(ec == std::make_error_code(std::errc::not_a_directory));
}
