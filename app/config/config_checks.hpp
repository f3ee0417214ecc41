#pragma once

// Small pure helpers behind config validation: address syntax, seed parsing,
// and "did you mean" suggestions. No CAF, no I/O.

#include "app/config/node_options.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace onevalue::config {

/// The cluster port a seed without `:port` is contacted on.
constexpr uint16_t default_cluster_port = 7946;

/// Returns true if `text` is a dotted-quad IPv4 address such as "127.0.0.2".
bool is_ipv4_address(const std::string& text);

/// Returns true if `text` is a syntactically valid host name (RFC 1123 labels of
/// letters, digits, '-' and '_', separated by dots) or an IPv4 address. Does not resolve.
bool is_host(const std::string& text);

/// Parses a seed `host` or `host:port`; a missing port becomes `default_port`.
/// On failure returns nullopt and stores the reason in `why` (e.g. "port 0 is out
/// of range 1..65535").
std::optional<peer_address> parse_peer_address(const std::string& text,
                                               uint16_t default_port, std::string& why);

/// Splits `text` at `separator`, trims blanks around each piece and drops empty pieces.
std::vector<std::string> split_list(const std::string& text, char separator);

/// Returns the candidate closest to `name` by edit distance when it is close enough
/// to be a likely typo (distance <= max(2, size/3)), else "".
std::string nearest_name(const std::string& name,
                         const std::vector<std::string>& candidates);

} // namespace onevalue::config
