#pragma once

// Parts of the option table (option_table.cpp) kept in files of their own.

#include "app/config/option_table.hpp"

#include <vector>

namespace onevalue {

/// The rows of `profile`, the cluster keyring (`gossip-keys`, `gossip-keys-file`,
/// `label`, `gossip-verify-*`) and the SWIM protocol's options (defaults per profile),
/// in the order --help and the README list them.
std::vector<node_option_row> protocol_option_rows();

} // namespace onevalue
