#pragma once

// An in-memory file layer for unit tests that can fail at any named step.

#include "actors/core/file_layer.hpp"

#include <cerrno>
#include <map>
#include <set>
#include <string>

namespace onevalue::testing {

/// In-memory files with fault injection, for tests only.
///
/// Owned by a test through a shared pointer; single-threaded (the store tests spawn
/// the save worker on the test coordinator, never detached). Set `fail_on` to one of
/// "open" (also for private and overwritten files), "write", "fsync" (also sync_data),
/// "close", "rename", "fsync_dir", "read", "lock" to make that step return `fail_errno`
/// (EIO unless set; EWOULDBLOCK for "lock") until cleared; ENOSPC in `fail_errno` plays a
/// full disk. A failing write still writes half its bytes, as a real short write before
/// an error would.
class fake_file_layer : public file_layer {
public:
  std::map<std::string, std::string> files;
  std::set<std::string> held_locks;
  /// Permission bits of each file: 0644 from `open_for_write`, 0600 from
  /// `open_private_for_write`; a test may widen them.
  std::map<std::string, unsigned> modes;
  std::string fail_on;
  /// The errno a failing step returns (not for "lock").
  int fail_errno = EIO;
  /// Reading this one file fails with EIO (whatever `fail_on` says).
  std::string unreadable;
  int fsync_calls = 0;
  int renames = 0;

  std::error_code open_for_write(const std::string& path, int& fd) override {
    if (fail_on == "open")
      return io_error();
    files[path].clear();
    modes[path] = 0644;
    fd = next_fd_++;
    open_[fd] = path;
    offset_[fd] = 0;
    return {};
  }

  std::error_code open_for_overwrite(const std::string& path, int& fd) override {
    if (fail_on == "open")
      return io_error();
    if (!files.count(path))
      modes[path] = 0644;
    files[path]; // created if missing, kept otherwise
    fd = next_fd_++;
    open_[fd] = path;
    offset_[fd] = 0;
    return {};
  }

  std::error_code open_private_for_write(const std::string& path, int& fd) override {
    auto ec = open_for_write(path, fd);
    if (!ec)
      modes[path] = 0600;
    return ec;
  }

  std::error_code write(int fd, const char* data, std::size_t size) override {
    auto& content = files[open_.at(fd)];
    auto& at = offset_[fd];
    auto n = fail_on == "write" ? size / 2 : size;
    if (content.size() < at + n)
      content.resize(at + n);
    content.replace(at, n, data, n);
    at += n;
    return fail_on == "write" ? io_error() : std::error_code{};
  }

  std::error_code fsync(int) override {
    ++fsync_calls;
    return fail_on == "fsync" ? io_error() : std::error_code{};
  }

  std::error_code sync_data(int) override {
    ++fsync_calls;
    return fail_on == "fsync" ? io_error() : std::error_code{};
  }

  std::error_code close(int fd) override {
    open_.erase(fd);
    offset_.erase(fd);
    return fail_on == "close" ? io_error() : std::error_code{};
  }

  std::error_code rename(const std::string& from, const std::string& to) override {
    if (fail_on == "rename")
      return io_error();
    auto i = files.find(from);
    if (i == files.end())
      return std::make_error_code(std::errc::no_such_file_or_directory);
    files[to] = i->second;
    files.erase(from);
    modes[to] = modes[from];
    modes.erase(from);
    ++renames;
    return {};
  }

  std::error_code fsync_dir(const std::string&) override {
    ++fsync_calls;
    return fail_on == "fsync_dir" ? io_error() : std::error_code{};
  }

  std::error_code remove(const std::string& path) override {
    modes.erase(path);
    return files.erase(path) ? std::error_code{}
                             : std::make_error_code(std::errc::no_such_file_or_directory);
  }

  std::error_code read_all(const std::string& path, std::string& out) override {
    if (fail_on == "read")
      return io_error();
    if (path == unreadable)
      return {EIO, std::generic_category()};
    auto i = files.find(path);
    if (i == files.end())
      return std::make_error_code(std::errc::no_such_file_or_directory);
    out = i->second;
    return {};
  }

  std::error_code permissions(const std::string& path, unsigned& mode) override {
    auto i = modes.find(path);
    if (i == modes.end())
      return std::make_error_code(std::errc::no_such_file_or_directory);
    mode = i->second;
    return {};
  }

  std::error_code make_dir(const std::string&) override { return {}; }

  std::error_code lock(const std::string& path, int& fd) override {
    if (fail_on == "lock" || held_locks.count(path))
      return std::make_error_code(std::errc::resource_unavailable_try_again);
    held_locks.insert(path);
    fd = next_fd_++;
    open_[fd] = path;
    return {};
  }

  void unlock(int fd) override {
    held_locks.erase(open_.at(fd));
    open_.erase(fd);
  }

private:
  std::error_code io_error() const { return {fail_errno, std::generic_category()}; }

  int next_fd_ = 100;
  std::map<int, std::string> open_;
  /// Where the next write to each open descriptor lands.
  std::map<int, std::size_t> offset_;
};

} // namespace onevalue::testing
