#include "actors/core/swim_settings.hpp"

namespace onevalue {

swim_settings lan_profile() {
  return swim_settings{};
}

swim_settings local_profile() {
  swim_settings s;
  s.probe_interval = millis{200};
  s.ack_timeout = millis{100};
  s.gossip_interval = millis{50};
  s.push_pull_interval = millis{5000};
  s.join_retry_interval = millis{250};
  s.failed_probe_interval = millis{1000};
  s.leave_propagation = millis{200};
  return s;
}

} // namespace onevalue
