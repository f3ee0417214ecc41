#include "actors/core/file_layer.hpp"

#include <cerrno>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace onevalue {

file_layer::~file_layer() = default;

namespace {

std::error_code last_error() {
  return {errno, std::generic_category()};
}

/// The real file system. Stateless, so any thread may use it.
class posix_layer final : public file_layer {
public:
  std::error_code open_for_write(const std::string& path, int& fd) override {
    auto result = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (result < 0)
      return last_error();
    fd = result;
    return {};
  }

  std::error_code open_private_for_write(const std::string& path, int& fd) override {
    auto result = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (result < 0)
      return last_error();
    // The mode given to open applies only to a file it creates; a leftover file with
    // wider permissions is narrowed before any secret is written to it.
    if (::fchmod(result, 0600) != 0) {
      auto err = last_error();
      ::close(result);
      return err;
    }
    fd = result;
    return {};
  }

  std::error_code open_for_overwrite(const std::string& path, int& fd) override {
    auto result = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (result < 0)
      return last_error();
    fd = result;
    return {};
  }

  std::error_code write(int fd, const char* data, std::size_t size) override {
    while (size > 0) {
      auto written = ::write(fd, data, size);
      if (written < 0) {
        if (errno == EINTR)
          continue;
        return last_error();
      }
      data += written;
      size -= static_cast<std::size_t>(written);
    }
    return {};
  }

  std::error_code fsync(int fd) override {
    // Not retried on EINTR or EIO: after a failed fsync the page cache state is
    // unknown, so the caller must treat the whole save as failed.
    return ::fsync(fd) == 0 ? std::error_code{} : last_error();
  }

  std::error_code sync_data(int fd) override {
    // As fsync: a failure is not retried, the save it belongs to has failed.
    return ::fdatasync(fd) == 0 ? std::error_code{} : last_error();
  }

  std::error_code close(int fd) override {
    return ::close(fd) == 0 ? std::error_code{} : last_error();
  }

  std::error_code rename(const std::string& from, const std::string& to) override {
    return ::rename(from.c_str(), to.c_str()) == 0 ? std::error_code{} : last_error();
  }

  std::error_code fsync_dir(const std::string& dir) override {
    auto fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
      return last_error();
    std::error_code result;
    if (::fsync(fd) != 0)
      result = last_error();
    ::close(fd);
    return result;
  }

  std::error_code remove(const std::string& path) override {
    return ::unlink(path.c_str()) == 0 ? std::error_code{} : last_error();
  }

  std::error_code read_all(const std::string& path, std::string& out) override {
    auto fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return last_error();
    std::string content;
    char buf[4096];
    for (;;) {
      auto n = ::read(fd, buf, sizeof(buf));
      if (n < 0) {
        if (errno == EINTR)
          continue;
        auto err = last_error();
        ::close(fd);
        return err;
      }
      if (n == 0)
        break;
      content.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    out = std::move(content);
    return {};
  }

  std::error_code permissions(const std::string& path, unsigned& mode) override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
      return last_error();
    mode = static_cast<unsigned>(st.st_mode) & 07777u;
    return {};
  }

  std::error_code make_dir(const std::string& dir) override {
    // Every prefix ending before a '/', then the whole path: "a/b/c" makes a, a/b, a/b/c.
    for (std::size_t end = dir.find('/', 1);; end = dir.find('/', end + 1)) {
      auto prefix = dir.substr(0, end);
      if (!prefix.empty() && prefix.back() != '/' && prefix != ".") {
        if (::mkdir(prefix.c_str(), 0755) == 0) {
          auto slash = prefix.find_last_of('/');
          auto parent = slash == std::string::npos ? std::string{"."}
                        : slash == 0               ? std::string{"/"}
                                                   : prefix.substr(0, slash);
          if (auto ec = fsync_dir(parent))
            return ec;
        } else if (errno != EEXIST) {
          return last_error();
        } else {
          struct stat st {};
          if (::stat(prefix.c_str(), &st) != 0)
            return last_error();
          if (!S_ISDIR(st.st_mode))
            return std::make_error_code(std::errc::not_a_directory);
        }
      }
      if (end == std::string::npos)
        return {};
    }
  }

  std::error_code lock(const std::string& path, int& fd) override {
    auto result = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (result < 0)
      return last_error();
    // flock locks belong to the open file description, so a second open of the same
    // file conflicts even inside one process.
    if (::flock(result, LOCK_EX | LOCK_NB) != 0) {
      auto err = last_error();
      ::close(result);
      return err;
    }
    fd = result;
    return {};
  }

  void unlock(int fd) override {
    ::flock(fd, LOCK_UN);
    ::close(fd);
  }
};

} // namespace

std::shared_ptr<file_layer> posix_file_layer() {
  return std::make_shared<posix_layer>();
}

} // namespace onevalue
