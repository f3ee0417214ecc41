#pragma once

#include <caf/actor_system_config.hpp>

namespace onevalue {

/// The node's CAF application config: CAF's own sections (`[middleman]`,
/// `[scheduler]`, ...) plus every `[onevalue]` option of node_option_table(), which
/// CAF parses but does not check (the loader does, see app/config/node_loader.hpp).
///
/// Owned by `main`, which fills it with `load_node_options` and then creates the
/// `caf::actor_system` from it; it must outlive the actor system. Touched by the main
/// thread only.
class node_config : public caf::actor_system_config {
public:
  /// Registers every option and loads CAF's middleman module (so `[middleman]`
  /// options are known while parsing).
  node_config();

  node_config(const node_config&) = delete;
  node_config& operator=(const node_config&) = delete;

  /// All options known to CAF, including the `onevalue` group.
  const caf::config_option_set& option_set() const { return custom_options_; }
};

} // namespace onevalue
