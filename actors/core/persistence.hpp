#pragma once

// The durable state of a node and its on-disk format: one small text file,
// `<data-dir>/state`, replaced atomically on every save, plus a `LOCK` file that keeps
// a second process off the same data dir.
//
// File format, version 1 (text, so an operator can `cat` it):
//
//   onevalue-state            <- magic line
//   format=1                  <- format version; other versions are refused
//   value=5
//   counter=7
//   node=n2                   <- writer (a valid node name; empty for counter 0)
//   clock=9
//   incarnation=3
//   crc32=89abcdef            <- CRC-32 (IEEE) of every byte before this line
//
// The format is append-only: a new field means a new format version.

#include "actors/core/file_layer.hpp"
#include "actors/core/version.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace onevalue {

/// Everything a node must remember across restarts.
struct durable_state {
  /// The value with its version.
  versioned_value value;
  /// The Lamport clock; never below `value.ver.counter`.
  uint64_t clock = 0;
  /// The node's SWIM incarnation; a restarted node rejoins above it.
  uint64_t incarnation = 0;
};

inline bool operator==(const durable_state& a, const durable_state& b) {
  return a.value == b.value && a.clock == b.clock && a.incarnation == b.incarnation;
}
inline bool operator!=(const durable_state& a, const durable_state& b) {
  return !(a == b);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, durable_state& x) {
  return f(x.value, x.clock, x.incarnation);
}

/// A failed persistence step; `message` names the file and the cause.
struct persistence_error {
  std::string message;
  /// True when the file system had no room (ENOSPC, or EDQUOT: the quota is used up):
  /// a condition that passes once space is freed, unlike a broken or read-only disk.
  bool no_space = false;
};

/// True for the errors that mean "no space left" (ENOSPC, EDQUOT).
bool is_no_space(const std::error_code& ec);

/// The format version this build writes and the only one it reads.
constexpr uint32_t state_format_version = 1;

/// CRC-32 (IEEE 802.3, reflected, as in zlib) of `size` bytes at `data`.
uint32_t crc32(const char* data, std::size_t size);

/// Path of the state file inside `data_dir`.
std::string state_file_path(const std::string& data_dir);

/// Path of the lock file inside `data_dir`.
std::string lock_file_path(const std::string& data_dir);

/// Renders `state` in the file format above. Fails (returns nullopt) only if the
/// value's version is not valid (`valid_version`: e.g. a writer's name with a newline),
/// which no state this node accepted can hold.
std::optional<std::string> encode_state(const durable_state& state);

/// Parses a state file's contents. On any defect (bad magic, unknown format version,
/// truncation, checksum mismatch, malformed field, a writer's name that is no valid
/// node name, a clock behind the value's counter, an incarnation of 2^64-1 that a
/// restart could not raise) returns an error whose message starts with `path` and
/// says what is wrong.
std::optional<durable_state> decode_state(const std::string& content,
                                          const std::string& path,
                                          persistence_error& error);

/// Durably replaces the state file in `data_dir` with `state`: write a temporary file,
/// fsync it, rename it over the old one, fsync the directory.
///
/// Returns nullopt once all four steps succeeded. On failure returns the error and the
/// caller must not acknowledge the write. A failure before the rename leaves the old
/// file untouched (the temporary file is removed, best effort). A failure of the
/// directory fsync comes after the rename: the file then holds the complete new state,
/// but whether the rename survives a crash is unknown, so the save still counts as
/// failed.
std::optional<persistence_error>
save_state(file_layer& files, const std::string& data_dir, const durable_state& state);

/// The result of `load_state`: exactly one of "new node" (both empty), a state, or an
/// error.
struct state_load_result {
  std::optional<durable_state> state;
  std::optional<persistence_error> error;
};

/// Reads the state file in `data_dir`. A missing file means a new node (empty result).
/// An unreadable or corrupt file is an error naming the file, never a silent reset.
state_load_result load_state(file_layer& files, const std::string& data_dir);

/// An exclusive lock on a data dir, held until destruction.
///
/// Owned (through shared pointers) by the store's configuration, so the lock lives as
/// long as the store actor. Not thread-safe; created and destroyed once.
class data_dir_lock {
public:
  /// Takes the lock on `<data_dir>/LOCK`. On failure returns nullptr and sets `error`;
  /// when another process (or another open in this one) holds it, the message names
  /// the dir and says so.
  static std::shared_ptr<data_dir_lock> acquire(std::shared_ptr<file_layer> files,
                                                const std::string& data_dir,
                                                persistence_error& error);

  data_dir_lock(std::shared_ptr<file_layer> files, int fd);
  ~data_dir_lock();
  data_dir_lock(const data_dir_lock&) = delete;
  data_dir_lock& operator=(const data_dir_lock&) = delete;

private:
  std::shared_ptr<file_layer> files_;
  int fd_;
};

} // namespace onevalue
