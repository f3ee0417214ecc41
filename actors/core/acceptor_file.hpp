#pragma once

// The acceptor's durable state on disk: two slot files, `<data-dir>/acceptor.0` and
// `<data-dir>/acceptor.1`, each `acceptor_slot_size` bytes: the length of the encoded
// state (4 bytes, little endian), the state in the format of consensus_codec.hpp (magic,
// format, ballots, state, CRC-32), zeros. Saves alternate between the slots and rewrite
// one in place at its fixed size, flushed with fdatasync (no truncation, temporary
// file, rename or directory fsync: the slots exist from the start), so a save is one
// data flush without a file-system journal commit on the voter's path (measured in
// tests/bench/README.md). A slot written before this layout (the encoded state alone,
// starting with its magic) is still read. A save torn by a crash
// leaves that slot failing its checksum and the other slot holding the previous state,
// which is what the acceptor last answered from; a voter never answers from a state
// it has not saved (the consensus actor releases replies only after a save returned).
//
//   open: both slots missing -> write the initial state to both, fsync the directory
//         one slot valid        -> recreate or overwrite the other from it
//         both valid            -> the newer state: higher (promised, accepted)
//         none valid            -> error: the node must not start afresh

#include "actors/core/consensus_acceptor.hpp"
#include "actors/core/file_layer.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace onevalue {

/// Size of a slot file: one file-system block, room for the largest encoded state.
constexpr std::size_t acceptor_slot_size = 4096;

/// `<data_dir>/acceptor.<slot>` for slot 0 or 1.
std::string acceptor_slot_path(const std::string& data_dir, int slot);

/// What `open_acceptor_files` found.
struct acceptor_open_result {
  /// The state to start the acceptor from (the initial state for a new voter).
  acceptor_state state;
  /// The slot the next save must overwrite (never the one `state` came from).
  int next_slot = 0;
  /// Set if the voter must not start; names the file and says what to do.
  std::optional<std::string> error;
};

/// Reads both slots of `data_dir` and makes sure both exist durably (see the table
/// above). Fails, with a message naming the files, if neither slot holds a valid state
/// while one exists, or if the slots cannot be created.
acceptor_open_result open_acceptor_files(file_layer& files, const std::string& data_dir);

/// The slot file's bytes for `content` (an encoded acceptor state of at most
/// max_acceptor_file_size bytes): its length, itself, zeros to acceptor_slot_size.
std::string acceptor_slot_bytes(const std::string& content);

/// The decoded state in a slot file's bytes (either layout, see above; the padding must
/// be zeros, so the bytes are canonical); nullopt with the reason in `error` if they
/// hold none.
std::optional<acceptor_state> decode_acceptor_slot(std::string_view bytes,
                                                   std::string& error);

/// Durably overwrites slot `slot` of `data_dir` with `content` (an acceptor state encoded
/// by encode_acceptor_state): open (in place), write the slot's bytes, fdatasync, close.
/// Returns nullopt once all steps succeeded, else a message naming the step and file; the
/// other slot is untouched either way.
std::optional<std::string> save_acceptor_slot(file_layer& files,
                                              const std::string& data_dir, int slot,
                                              const std::string& content);

} // namespace onevalue
