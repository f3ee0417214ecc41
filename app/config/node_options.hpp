#pragma once

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

/// The validated settings of one node, built from the config file, the environment
/// and the command line (see app/config/node_config.hpp for each option's meaning).
struct node_options {
  std::string name;
  std::string bind = "0.0.0.0";
  std::string advertise;
  uint16_t cluster_port = 7946;
  uint16_t http_port = 8080;
  std::vector<peer_address> seeds;
  std::string data_dir;
  std::string log_level = "info";
  millis status_interval{10000};
  int http_threads = 2;
  std::size_t max_body_bytes = 4096;
  std::size_t max_connections = 10000;
  millis keep_alive_timeout{30000};
  millis request_timeout{2000};
  std::size_t max_watchers = 64;
  /// Command-line flag: move a corrupt state file aside and start as a new node.
  bool reset_state = false;
  std::string profile = "lan";
  swim_settings swim;
  /// The config file the options came from ("" when none), for error messages.
  std::string config_file;
};

}  // namespace onevalue
