#pragma once

// The durable state of a node and its text format, plus the `LOCK` file that keeps a
// second process off the same data dir. Where the text lives on disk (two slot files
// rewritten in place) is state_slots.hpp.
//
// Format, version 1 (text, so an operator can `cat` it):
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

/// Path of the lock file inside `data_dir`.
std::string lock_file_path(const std::string& data_dir);

/// Renders `state` in the file format above. Fails (returns nullopt) only if the
/// value's version is not valid (`valid_version`: e.g. a writer's name with a newline),
/// which no state this node accepted can hold.
std::optional<std::string> encode_state(const durable_state& state);

/// Parses a state's text. On any defect (bad magic, unknown format version,
/// truncation, checksum mismatch, malformed field, a writer's name that is no valid
/// node name, a clock behind the value's counter, an incarnation of 2^64-1 that a
/// restart could not raise) returns an error whose message starts with `path` and
/// says what is wrong.
std::optional<durable_state> decode_state(const std::string& content,
                                          const std::string& path,
                                          persistence_error& error);

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
