#pragma once

// The process's file descriptor limit, which bounds how many HTTP connections a node
// can hold.

#include <string>

namespace onevalue {

/// Raises this process's soft RLIMIT_NOFILE to its hard limit (systemd and Docker
/// start services with a soft limit of 1024 and a much higher hard limit, and every
/// HTTP connection costs a descriptor). Call once at start, before the HTTP server.
/// Returns a line for the log: the limit now in force, or why it stayed as it was
/// (the process keeps running either way).
std::string raise_descriptor_limit();

} // namespace onevalue
