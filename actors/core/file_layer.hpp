#pragma once

// The file-system calls persistence and the keyring file make, behind an interface so
// tests can inject a layer that fails at any step (write, fsync, rename, directory fsync,
// lock).

#include <cstddef>
#include <memory>
#include <string>
#include <system_error>

namespace onevalue {

/// The file-system operations the state file needs, each returning an error code.
///
/// Owned through a `std::shared_ptr` by whoever persists state (the store's save worker
/// and `open_store`). The POSIX implementation is stateless and safe from any thread;
/// test fakes document their own rules. File descriptors are plain ints that only mean
/// something to the layer that returned them.
class file_layer {
public:
  virtual ~file_layer();

  /// Creates or truncates `path` for writing (mode 0644) and stores its descriptor in
  /// `fd`. On failure `fd` is untouched and the error says why.
  virtual std::error_code open_for_write(const std::string& path, int& fd) = 0;

  /// Like `open_for_write`, but the file is readable and writable by its owner only
  /// (mode 0600, even if it existed with wider permissions): for files that hold
  /// secrets, such as the keyring file.
  virtual std::error_code open_private_for_write(const std::string& path, int& fd) = 0;

  /// Opens `path` for writing from its start without truncating it (created with mode
  /// 0644 if missing): for files rewritten in place at one size, whose saves then need
  /// no metadata change (see `sync_data`).
  virtual std::error_code open_for_overwrite(const std::string& path, int& fd) = 0;
  /// Writes all `size` bytes of `data` to `fd`, retrying short writes. On failure part
  /// of the data may have been written.
  virtual std::error_code write(int fd, const char* data, std::size_t size) = 0;

  /// Flushes the contents of `fd` to stable storage.
  virtual std::error_code fsync(int fd) = 0;
  /// Flushes the data of `fd` and the metadata needed to read it back (its size), but
  /// not its timestamps (fdatasync): a file rewritten in place at one size is then made
  /// durable without a file-system journal commit.
  virtual std::error_code sync_data(int fd) = 0;

  /// Closes `fd`; the descriptor is gone even when an error is returned.
  virtual std::error_code close(int fd) = 0;

  /// Atomically replaces `to` with `from`. On failure both files stay as they were.
  virtual std::error_code rename(const std::string& from, const std::string& to) = 0;

  /// Flushes the directory entry changes (creations, renames) of `dir` to stable storage.
  virtual std::error_code fsync_dir(const std::string& dir) = 0;

  /// Removes `path`; a missing file is reported as `errc::no_such_file_or_directory`.
  virtual std::error_code remove(const std::string& path) = 0;

  /// Reads the whole file `path` into `out`. A missing file is reported as
  /// `errc::no_such_file_or_directory` so callers can tell "new" from "unreadable".
  virtual std::error_code read_all(const std::string& path, std::string& out) = 0;

  /// Stores the permission bits of `path` (e.g. 0600) in `mode`. A missing file is
  /// reported as `errc::no_such_file_or_directory`.
  virtual std::error_code permissions(const std::string& path, unsigned& mode) = 0;

  /// Creates directory `dir` and any missing parents (like `mkdir -p`); each directory
  /// it creates is made durable in its parent (fsync). An existing directory is fine;
  /// a path component that exists but is not a directory is ENOTDIR.
  virtual std::error_code make_dir(const std::string& dir) = 0;

  /// Takes an exclusive, non-blocking lock on `path` (created if missing) and stores
  /// the lock's descriptor in `fd`. If another holder has it, returns
  /// `errc::resource_unavailable_try_again` (EWOULDBLOCK).
  virtual std::error_code lock(const std::string& path, int& fd) = 0;

  /// Releases a lock taken by `lock`. Never fails visibly.
  virtual void unlock(int fd) = 0;
};

/// Returns the real file system (open/write/fsync/rename/flock from POSIX).
std::shared_ptr<file_layer> posix_file_layer();

} // namespace onevalue
