#pragma once

// The settings of CAF's own sections that a onevalue node changes from CAF's defaults.

#include <caf/config_value.hpp>
#include <caf/fwd.hpp>

#include <string>
#include <vector>

namespace onevalue::config {

/// One CAF setting onevalue sets unless the file or the command line did.
struct caf_default {
  std::string key;
  caf::config_value value;
  /// Another key that, when set, also keeps this default out ("" if none).
  std::string unless;
};

/// Every CAF setting onevalue relies on, with its value on this machine (the scheduler
/// size depends on the cores). The reason for each value is at its definition.
std::vector<caf_default> caf_defaults();

/// Stores each of caf_defaults() into `cfg.content` unless the user set it.
void apply_caf_defaults(caf::actor_system_config& cfg);

} // namespace onevalue::config
