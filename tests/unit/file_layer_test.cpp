#include "actors/core/file_layer.hpp"
#include "tests/unit/temp_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>

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

TEST_CASE(
    "a private file is mode 0600, even where a wider file stood, whatever the umask") {
  temp_dir dir;
  auto files = posix_file_layer();
  auto path = (dir.path / "secret").string();
  std::ofstream{path} << "old";
  std::filesystem::permissions(path, std::filesystem::perms::all);
  auto old_umask = ::umask(0);
  int fd = -1;
  auto ec = files->open_private_for_write(path, fd);
  ::umask(old_umask);
  REQUIRE_FALSE(ec);
  CHECK_FALSE(files->write(fd, "new", 3));
  CHECK_FALSE(files->close(fd));
  unsigned mode = 0;
  REQUIRE_FALSE(files->permissions(path, mode));
  CHECK(mode == 0600u);
  std::string content;
  REQUIRE_FALSE(files->read_all(path, content));
  CHECK(content == "new");
}

TEST_CASE(
    "open_for_overwrite rewrites a file in place from its start, keeping its tail") {
  temp_dir dir;
  auto files = posix_file_layer();
  auto path = (dir.path / "slot").string();
  int fd = -1;
  REQUIRE_FALSE(files->open_for_overwrite(path, fd)); // creates it
  REQUIRE_FALSE(files->write(fd, "abcdef", 6));
  CHECK_FALSE(files->sync_data(fd));
  CHECK_FALSE(files->close(fd));
  REQUIRE_FALSE(files->open_for_overwrite(path, fd));
  REQUIRE_FALSE(files->write(fd, "XY", 2));
  CHECK_FALSE(files->sync_data(fd));
  CHECK_FALSE(files->close(fd));
  std::string content;
  REQUIRE_FALSE(files->read_all(path, content));
  CHECK(content == "XYcdef");
  CHECK(files->open_for_overwrite((dir.path / "no" / "dir").string(), fd)
        == std::make_error_code(std::errc::no_such_file_or_directory));
}

TEST_CASE("permissions reports the mode bits, and a missing file as ENOENT") {
  temp_dir dir;
  auto files = posix_file_layer();
  auto path = (dir.path / "plain").string();
  int fd = -1;
  REQUIRE_FALSE(files->open_for_write(path, fd));
  CHECK_FALSE(files->close(fd));
  std::filesystem::permissions(path, std::filesystem::perms::owner_read
                                         | std::filesystem::perms::group_read);
  unsigned mode = 0;
  REQUIRE_FALSE(files->permissions(path, mode));
  CHECK(mode == 0440u);
  CHECK(files->permissions((dir.path / "missing").string(), mode)
        == std::make_error_code(std::errc::no_such_file_or_directory));
}
