#pragma once

// The consistency mode a data dir was written in: `<data-dir>/mode`, one line,
// "eventual" or "linearizable". In linearizable mode versions are commit indices, ordered
// like the consensus ballots; a data dir written in eventual mode can hold Lamport
// counters far above them, and such a value would win every last-writer-wins merge
// against newer committed values. So a node refuses to start in linearizable mode on a
// data dir that holds a value written in eventual mode. (The other way is safe: eventual
// writes continue above the commit indices.)

#include "actors/core/cluster_mode.hpp"
#include "actors/core/file_layer.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace onevalue {

/// `<data_dir>/mode`.
std::string mode_marker_path(const std::string& data_dir);

/// Checks the mode marker of `data_dir` against `mode` and records `mode` in it (file,
/// fsync, directory fsync) if it is missing or differs. `stored_counter` is the version
/// counter of the value in the state file (0 for a new node). Returns an error for the
/// operator if the dir holds a value written in eventual mode (a marker saying so, or no
/// marker and a counter above 0) and `mode` is linearizable, or if the marker cannot be
/// read, parsed or written.
std::optional<std::string> check_mode_marker(file_layer& files,
                                             const std::string& data_dir,
                                             consistency_mode mode,
                                             uint64_t stored_counter);

} // namespace onevalue
