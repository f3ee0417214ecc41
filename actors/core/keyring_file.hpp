#pragma once

// The keyring file (option `gossip-keys-file`, by default `<data-dir>/keyring`): the
// node's keys as last rotated, so a rotation survives a restart. Replaced atomically on
// every change (temporary file, fsync, rename, directory fsync), mode 0600.
//
// File format, version 1 (text, like the state file; app/make_keyring.sh writes it):
//
//   onevalue-keyring          <- magic line
//   format=1                  <- other versions are refused
//   key=<base64>              <- the primary key: seals what the node sends
//   key=<base64>              <- further keys (at most 16 in all): open only
//   crc32=89abcdef            <- CRC-32 (IEEE) of every byte before this line
//
// Which keys a node starts with, the file or the option: keyring_startup.hpp.

#include "actors/core/file_layer.hpp"
#include "actors/core/keyring.hpp"
#include "actors/core/persistence.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onevalue {

/// The format version this build writes and the only one it reads.
constexpr uint32_t keyring_file_format_version = 1;

/// A keyring file longer than this is refused unread: 16 keys need under 1 KiB.
constexpr std::size_t max_keyring_file_bytes = 4096;

/// Default keyring file inside `data_dir`: `<data_dir>/keyring`.
std::string keyring_file_path(const std::string& data_dir);

/// Renders `keys` in the file format above.
std::string encode_keyring_file(const keyring& keys);

/// Parses a keyring file's contents. On any defect (bad magic, unknown version,
/// truncation, checksum mismatch, a malformed or invalid key, no keys, a duplicate)
/// returns nullopt and an error whose message starts with `path`, says what is wrong
/// and never quotes a key.
std::optional<keyring> decode_keyring_file(std::string_view content,
                                           const std::string& path,
                                           persistence_error& error);

/// Durably replaces the keyring file at `path` with `keys`, mode 0600: write
/// `<path>.tmp`, fsync, rename over `path`, fsync the directory.
///
/// Returns nullopt once every step succeeded. On failure returns an error naming the
/// file and step; the caller must then keep its previous keyring (the change did not
/// happen). A failure before the rename leaves the old file as it was; after the
/// rename (directory fsync) the file holds the new keys but may revert after a crash.
std::optional<persistence_error>
save_keyring_file(file_layer& files, const std::string& path, const keyring& keys);

/// The result of `load_keyring_file`: "no file" (keys and error both empty), a
/// keyring, or an error; warnings either way.
struct keyring_file_load {
  std::optional<keyring> keys;
  std::optional<persistence_error> error;
  /// E.g. that the file is readable by group or others.
  std::vector<std::string> warnings;
};

/// Reads the keyring file at `path`. A missing file is not an error; an unreadable,
/// oversized or corrupt one is, naming the file. A file readable or writable by group
/// or others loads with a warning saying to `chmod 600` it.
keyring_file_load load_keyring_file(file_layer& files, const std::string& path);

} // namespace onevalue
