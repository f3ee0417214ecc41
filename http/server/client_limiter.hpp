#pragma once

// Counts open HTTP connections per client address so one client cannot take every
// connection slot of the node (as nginx's limit_conn by $binary_remote_addr).

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

struct sockaddr_storage;

namespace onevalue {

/// Open connections per source address, across all event loops of one server.
///
/// Owned by http_server; thread-safe (one short lock per accept and per close).
class client_limiter {
public:
  /// At most `per_client` connections per address; 0 means no limit.
  explicit client_limiter(std::size_t per_client) : per_client_(per_client) {}

  /// Counts a new connection from `client`; false (and nothing counted) if that client
  /// already has `per_client` connections open.
  bool acquire(const std::string& client);

  /// Forgets one connection of `client` (one that `acquire` counted).
  void release(const std::string& client);

  /// Connections counted for `client` right now.
  std::size_t count(const std::string& client) const;

private:
  std::size_t per_client_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> open_;
};

/// The key of a peer address: its raw IPv4 (4 bytes) or IPv6 (16 bytes) address, an
/// IPv4-mapped IPv6 address as the IPv4 one; the port is left out. "" for other
/// families.
std::string client_key(const sockaddr_storage& peer);

/// `key` (from `client_key`) as text for logs: "127.0.0.1" or "::1".
std::string describe_client(const std::string& key);

} // namespace onevalue
