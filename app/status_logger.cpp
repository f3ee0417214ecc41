#include "app/status_logger.hpp"

#include "actors/log.hpp"
#include "http/api/health.hpp"

namespace onevalue {

namespace {

/// Logs the protocol and traffic counters (one line, `key=value` pairs, for the
/// benchmark and for operators). Skipped if an actor does not answer within 1 s.
void log_traffic(caf::actor_system& sys, const membership_actor& membership,
                 const gossip_actor& gossip, spdlog::level::level_enum level) {
  caf::scoped_actor self{sys};
  membership_metrics m;
  gossip_counters g;
  bool ok = true;
  self->request(membership, std::chrono::seconds(1), get_atom::value, metrics_atom::value)
      .receive([&](membership_metrics& x) { m = x; }, [&](caf::error&) { ok = false; });
  self->request(gossip, std::chrono::seconds(1), get_atom::value, metrics_atom::value)
      .receive([&](gossip_counters& x) { g = x; }, [&](caf::error&) { ok = false; });
  if (!ok)
    return;
  auto& s = g.packets_sent_by_kind;
  spdlog::log(
      level,
      "traffic: packets_sent={} bytes_sent={} packets_received={} bytes_received={} "
      "sent_ping={} sent_ack={} sent_ping_req={} sent_nack={} sent_gossip={} "
      "updates_sent={} values_sent={} push_pulls={} probes={} probes_failed={} "
      "suspicions={} refuted={} health={} dropped={} replayed={} malformed={}",
      g.packets_sent, g.bytes_sent, g.packets_received, g.bytes_received, s.ping, s.ack,
      s.ping_req, s.nack, s.gossip_only, g.member_updates_sent, g.values_sent,
      g.push_pulls_started, m.counters.probes_sent, m.counters.probes_failed,
      m.counters.suspicions_raised, m.counters.suspicions_refuted, m.health_score,
      g.datagrams_dropped, g.datagrams_replayed, g.datagrams_malformed);
}

} // namespace

std::string status_line(const snapshot_store& snapshots) {
  auto view = snapshots.load();
  if (!view)
    return {};
  auto report = assess_health(*view);
  const auto& c = report.members;
  return fmt::format("status: {}; {} members ({} alive, {} suspect, {} failed, {} left); "
                     "value {} (counter {}, from {})",
                     to_string(report.status), view->members.size(), c.alive, c.suspect,
                     c.failed, c.left, view->value.value, view->value.ver.counter,
                     view->value.ver.node.empty() ? "initial" : view->value.ver.node);
}

void status_logger::tick(caf::actor_system& sys, const snapshot_store& snapshots,
                         const membership_actor& membership, const gossip_actor& gossip) {
  auto line = status_line(snapshots);
  auto now = clock::now();
  bool due = line != last_line_ || now - last_logged_ >= repeat_after;
  if (due && !line.empty()) {
    OV_LOG_INFO("{}", line);
    last_line_ = std::move(line);
    last_logged_ = now;
  }
  auto level = due ? spdlog::level::info : spdlog::level::debug;
  if (spdlog::should_log(level))
    log_traffic(sys, membership, gossip, level);
}

} // namespace onevalue
