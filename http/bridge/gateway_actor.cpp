#include "http/bridge/gateway_actor.hpp"

#include <caf/all.hpp>

namespace onevalue {

gateway_actor::behavior_type gateway(gateway_actor::pointer,
                                     std::shared_ptr<snapshot_store> snapshots) {
  return {
      [snapshots](update_atom, const versioned_value& value) {
        snapshots->publish_value(value);
      },
      [snapshots](sync_atom) { snapshots->publish_synchronized(); },
      [snapshots](update_atom, const member_list& members) {
        snapshots->publish_members(members);
      },
  };
}

} // namespace onevalue
