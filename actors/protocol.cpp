#include "actors/protocol.hpp"

#include <caf/all.hpp>

namespace onevalue {

const char* to_string(store_error x) {
  switch (x) {
  case store_error::none:
    return "none";
  case store_error::persistence_failed:
    return "persistence_failed";
  case store_error::not_synchronized:
    return "not_synchronized";
  case store_error::version_exhausted:
    return "version_exhausted";
  case store_error::disk_full:
    return "disk_full";
  }
  return "unknown";
}

caf::error make_error(store_error x) {
  return {static_cast<uint8_t>(x), caf::atom("store")};
}

void add_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<version>("onevalue::version");
  cfg.add_message_type<versioned_value>("onevalue::versioned_value");
  cfg.add_message_type<member_state>("onevalue::member_state");
  cfg.add_message_type<member_info>("onevalue::member_info");
  cfg.add_message_type<force_leave_status>("onevalue::force_leave_status");
  cfg.add_message_type<member_list>("onevalue::member_list");
  cfg.add_message_type<member_delta>("onevalue::member_delta");
  cfg.add_message_type<std::vector<member_delta>>("onevalue::member_deltas");
  cfg.add_message_type<swim_message>("onevalue::swim_message");
  cfg.add_message_type<member_update>("onevalue::member_update");
  cfg.add_message_type<std::vector<member_update>>("onevalue::member_updates");
  cfg.add_message_type<cluster_state>("onevalue::cluster_state");
  cfg.add_message_type<value_listener_actor>("onevalue::value_listener_actor");
  cfg.add_message_type<member_listener_actor>("onevalue::member_listener_actor");
  cfg.add_message_type<membership_actor>("onevalue::membership_actor");
  cfg.add_message_type<membership_metrics>("onevalue::membership_metrics");
  cfg.add_message_type<gossip_counters>("onevalue::gossip_counters");
  cfg.add_error_category(caf::atom("store"), [](uint8_t code, caf::atom_value,
                                                const caf::message&) {
    return std::string{"store_error("} + to_string(static_cast<store_error>(code)) + ")";
  });
}

} // namespace onevalue
