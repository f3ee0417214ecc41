#pragma once

// `onevalue acceptor-info DATA_DIR`: prints what a voter's acceptor files hold, for the
// stop-the-cluster voter change (README): the files to copy to the new voters are those
// of the old voter with the highest accepted ballot among a majority.

#include <iosfwd>
#include <string>

namespace onevalue::cli {

/// Reads the acceptor slot files of `data_dir` without changing them and prints the
/// newest valid state as one JSON object (promised and accepted ballots, value,
/// version). Returns 0, or 1 with a message on `err` if no slot is valid.
int print_acceptor_info(const std::string& data_dir, std::ostream& out,
                        std::ostream& err);

} // namespace onevalue::cli
