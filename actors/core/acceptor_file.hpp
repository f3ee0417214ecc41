#pragma once

// The acceptor's durable state on disk: `<data-dir>/acceptor`, in the format of
// consensus_codec.hpp (magic, format, ballots, state, CRC-32), replaced atomically on
// every save. A voter must never answer from a state it has not saved: the consensus
// actor calls `save_acceptor_file` on its save worker and releases the acceptor's
// replies only once it returned success.

#include "actors/core/consensus_acceptor.hpp"
#include "actors/core/file_layer.hpp"

#include <optional>
#include <string>

namespace onevalue {

/// `<data_dir>/acceptor`.
std::string acceptor_file_path(const std::string& data_dir);

/// Durably replaces the acceptor file in `data_dir` with `content` (an acceptor state
/// encoded by encode_acceptor_state; the caller encodes it, so the save worker needs
/// only bytes): write a temporary
/// file, fsync it, rename it over the old one, fsync the directory. Returns nullopt
/// once all steps succeeded, else a message naming the step and file; a failure
/// before the rename leaves the old file as it was (the temporary file is removed,
/// best effort), a failed directory fsync counts as a failed save.
std::optional<std::string> save_acceptor_file(file_layer& files, const std::string& data_dir,
                                              const std::string& content);

/// What `load_acceptor_file` found: a new voter (both empty), a state, or an error.
struct acceptor_load_result {
  std::optional<acceptor_state> state;
  std::optional<std::string> error;
};

/// Reads the acceptor file of `data_dir`. A missing file is a new voter. A file that
/// cannot be read or does not decode is an error naming the file: the node must stop,
/// never start the acceptor afresh (it could break promises it made).
acceptor_load_result load_acceptor_file(file_layer& files, const std::string& data_dir);

} // namespace onevalue
