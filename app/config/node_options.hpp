#pragma once

#include "actors/core/event_handler_spec.hpp"
#include "actors/core/swim_settings.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace onevalue {

/// A peer to join through: `host` (name or IPv4 address) and its cluster port.
struct peer_address {
  std::string host;
  uint16_t port = 0;
};

inline bool operator==(const peer_address& a, const peer_address& b) {
  return a.host == b.host && a.port == b.port;
}

/// The validated settings of one node, built by the loader (app/config/node_loader.hpp)
/// from the config file, the environment and the command line. Each field is an option
/// of app/config/option_table.cpp, where its meaning, unit, range and default are
/// declared; a default-constructed node_options is not a valid configuration.
struct node_options {
  std::string name;
  std::string bind;
  std::string advertise;
  uint16_t cluster_port = 0;
  /// 0 when plain HTTP is off.
  uint16_t http_port = 0;
  /// 0 when HTTPS is off.
  uint16_t https_port = 0;
  std::string https_cert;
  std::string https_key;
  std::string https_client_ca;
  std::vector<std::string> acl_read_tokens;
  std::vector<std::string> acl_write_tokens;
  std::vector<std::string> acl_admin_tokens;
  bool allow_get_writes = true;
  std::vector<peer_address> seeds;
  std::string data_dir;
  std::string log_level;
  millis status_interval{};
  int http_threads = 0;
  std::size_t max_body_bytes = 0;
  std::size_t max_connections = 0;
  millis keep_alive_timeout{};
  millis request_header_timeout{};
  std::size_t max_connections_per_client = 0;
  millis request_timeout{};
  std::size_t max_watchers = 0;
  bool reset_state = false;
  std::string profile;
  /// Base64 AES keys, primary first (`gossip-keys`); seeds the keyring file.
  std::vector<std::string> gossip_keys;
  /// The keyring file (`gossip-keys-file`); "" without a data dir.
  std::string gossip_keys_file;
  /// The cluster label authenticated with every sealed message (`label`).
  std::string label;
  /// With keys: refuse plaintext input (`gossip-verify-incoming`).
  bool gossip_verify_incoming = true;
  /// With keys: seal output (`gossip-verify-outgoing`).
  bool gossip_verify_outgoing = true;
  /// "eventual" or "linearizable" (actors/core/cluster_mode.hpp).
  std::string consistency;
  /// The voters of the linearizable mode; empty in eventual mode.
  std::vector<std::string> voters;
  swim_settings swim;
  std::vector<event_handler_spec> event_handlers;
  int event_handler_concurrency = 0;
  millis event_handler_timeout{};
  millis event_coalesce_period{};
  millis event_quiescent_period{};
  std::size_t event_queue_limit = 0;
  /// Not an option: the config file the options came from ("" when none).
  std::string config_file;

  /// Whether the cluster runs the linearizable mode (`consistency`).
  bool linearizable() const { return consistency == "linearizable"; }
};

} // namespace onevalue
