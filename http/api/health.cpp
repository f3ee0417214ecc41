#include "http/api/health.hpp"

namespace onevalue {

const char* to_string(health_status status) {
  switch (status) {
  case health_status::ok:
    return "ok";
  case health_status::syncing:
    return "syncing";
  case health_status::alone:
    return "alone";
  case health_status::leaving:
    return "leaving";
  }
  return "unknown";
}

health_report assess_health(const node_view& view) {
  health_report report;
  bool self_left = false;
  // Other members that still take part in the protocol, and those declared failed.
  int live_peers = 0;
  int failed_peers = 0;
  for (const auto& m : view.members) {
    bool self = m.name == view.node_name;
    switch (m.state) {
    case member_state::alive:
      ++report.members.alive;
      live_peers += self ? 0 : 1;
      break;
    case member_state::suspect:
      ++report.members.suspect;
      live_peers += self ? 0 : 1;
      break;
    case member_state::failed:
      ++report.members.failed;
      failed_peers += self ? 0 : 1;
      break;
    case member_state::left:
      ++report.members.left;
      self_left = self_left || self;
      break;
    }
  }
  if (self_left) {
    report.status = health_status::leaving;
    report.reason = "this node is leaving the cluster (shutting down)";
  } else if (!view.synchronized) {
    report.status = health_status::syncing;
    report.reason =
        "not synchronized with the cluster yet: no state exchange with a live "
        "member has completed, so writes are refused (reads are served)";
  } else if (failed_peers > 0 && live_peers == 0) {
    report.status = health_status::alone;
    report.reason = "every other member (" + std::to_string(failed_peers)
                    + ") is failed: writes here reach no one until one returns; force "
                      "members that will not return to leave with POST "
                      "/v1/members/{name}/leave";
  }
  return report;
}

int health_http_status(health_probe probe, health_status status) {
  if (probe == health_probe::live || status == health_status::ok)
    return 200;
  return 503;
}

} // namespace onevalue
