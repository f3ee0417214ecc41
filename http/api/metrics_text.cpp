#include "http/api/metrics_text.hpp"

#include <prometheus/text_serializer.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace onevalue {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

/// One family under construction.
class family_builder {
public:
  family_builder(const char* name, const char* help, MetricType type) {
    f_.name = name;
    f_.help = help;
    f_.type = type;
  }

  family_builder& add(double value, std::vector<ClientMetric::Label> labels = {}) {
    ClientMetric m;
    m.label = std::move(labels);
    if (f_.type == MetricType::Counter)
      m.counter.value = value;
    else
      m.gauge.value = value;
    f_.metric.push_back(std::move(m));
    return *this;
  }

  /// The family; the builder is empty afterwards.
  MetricFamily done() { return std::move(f_); }

private:
  MetricFamily f_;
};

double d(uint64_t x) {
  return static_cast<double>(x);
}

/// Adds one family per direction and unit of the datagram traffic by SWIM kind.
void add_traffic(std::vector<MetricFamily>& out, const char* name, const char* help,
                 const traffic_by_kind& t) {
  family_builder f{name, help, MetricType::Counter};
  for (auto [kind, n] :
       std::initializer_list<std::pair<const char*, uint64_t>>{{"gossip", t.gossip_only},
                                                               {"ping", t.ping},
                                                               {"ack", t.ack},
                                                               {"ping_req", t.ping_req},
                                                               {"nack", t.nack}})
    f.add(d(n), {{"kind", kind}});
  out.push_back(f.done());
}

void add_view(std::vector<MetricFamily>& out, const node_view& view) {
  member_counts counts;
  uint64_t incarnation = 0;
  for (auto& m : view.members) {
    if (m.name == view.node_name)
      incarnation = m.incarnation;
    switch (m.state) {
    case member_state::alive:
      ++counts.alive;
      break;
    case member_state::suspect:
      ++counts.suspect;
      break;
    case member_state::failed:
      ++counts.failed;
      break;
    case member_state::left:
      ++counts.left;
      break;
    }
  }
  out.push_back(family_builder{"onevalue_members",
                               "Members in this node's table by state, itself included",
                               MetricType::Gauge}
                    .add(d(counts.alive), {{"state", "alive"}})
                    .add(d(counts.suspect), {{"state", "suspect"}})
                    .add(d(counts.failed), {{"state", "failed"}})
                    .add(d(counts.left), {{"state", "left"}})
                    .done());
  out.push_back(family_builder{"onevalue_incarnation",
                               "This node's incarnation (raised to refute a suspicion "
                               "and at every restart)",
                               MetricType::Gauge}
                    .add(d(incarnation))
                    .done());
  out.push_back(family_builder{"onevalue_value_version",
                               "Lamport counter of the value's version on this node (0: "
                               "the initial value)",
                               MetricType::Gauge}
                    .add(d(view.value.ver.counter))
                    .done());
  out.push_back(family_builder{"onevalue_synchronized",
                               "1 once this node completed a state exchange with the "
                               "cluster (it then takes writes), else 0",
                               MetricType::Gauge}
                    .add(view.synchronized ? 1 : 0)
                    .done());
}

void add_membership(std::vector<MetricFamily>& out, const membership_metrics& m) {
  const auto& c = m.counters;
  out.push_back(family_builder{"onevalue_health_score",
                               "Lifeguard local health score (0 healthy; higher means "
                               "this node misses acks and slows its probing)",
                               MetricType::Gauge}
                    .add(m.health_score)
                    .done());
  auto counter = [&out](const char* name, const char* help, uint64_t n) {
    out.push_back(family_builder{name, help, MetricType::Counter}.add(d(n)).done());
  };
  counter("onevalue_probes_total", "Direct probes (pings) this node started",
          c.probes_sent);
  counter("onevalue_probes_failed_total",
          "Probes that ended without any ack, direct or relayed", c.probes_failed);
  counter("onevalue_indirect_probes_total", "Indirect probes (ping-reqs) sent to helpers",
          c.indirect_probes_sent);
  counter("onevalue_acks_received_total", "Acks received for this node's probes",
          c.acks_received);
  counter("onevalue_nacks_received_total",
          "Nacks received from helpers of indirect probes", c.nacks_received);
  counter("onevalue_nacks_missed_total",
          "Nacks that helpers of a failed probe were expected to send and did not",
          c.nacks_missed);
  counter("onevalue_suspicions_raised_total", "Members this node began to suspect",
          c.suspicions_raised);
  counter("onevalue_suspicions_refuted_total",
          "Suspicions of this node that it refuted by raising its incarnation",
          c.suspicions_refuted);
  counter("onevalue_members_declared_failed_total",
          "Suspicions confirmed: members this node declared failed", c.members_failed);
  family_builder refused{"onevalue_membership_refusals_total",
                         "Membership input validated and not believed, by reason",
                         MetricType::Counter};
  refused.add(d(c.members_refused_malformed), {{"reason", "malformed_member"}})
      .add(d(c.incarnations_refused), {{"reason", "implausible_incarnation"}})
      .add(d(c.members_refused_table_full), {{"reason", "table_full"}})
      .add(d(c.address_conflicts), {{"reason", "address_conflict"}})
      .add(d(c.dead_reports_suspected), {{"reason", "dead_report_of_unsuspected"}})
      .add(d(c.ping_reqs_refused), {{"reason", "ping_req_refused"}})
      .add(d(c.refutations_exhausted), {{"reason", "refutation_exhausted"}});
  out.push_back(refused.done());
}

/// Datagrams dropped, by reason: the envelope's reasons (not_authentic, replayed,
/// too_large, ...), `malformed_<error>` for authentic datagrams the codec refused, and
/// `unserved_channel`.
MetricFamily datagrams_dropped(const gossip_counters& g) {
  family_builder f{"onevalue_datagrams_dropped_total",
                   "Datagrams received and dropped, by reason", MetricType::Counter};
  for (std::size_t r = 0; r < drop_reason_count; ++r)
    f.add(d(g.datagrams_dropped_by_reason[r]),
          {{"reason", to_string(static_cast<drop_reason>(r))}});
  // wire_error::none (index 0) is never counted.
  for (std::size_t e = 1; e < wire_error_count; ++e)
    f.add(
        d(g.datagrams_malformed_by_error[e]),
        {{"reason", std::string{"malformed_"} + to_string(static_cast<wire_error>(e))}});
  f.add(d(g.datagrams_unserved_channel), {{"reason", "unserved_channel"}});
  return f.done();
}

void add_gossip(std::vector<MetricFamily>& out, const gossip_counters& g) {
  add_traffic(out, "onevalue_datagrams_sent_total",
              "Datagrams sent, by the SWIM message they carry (gossip: none)",
              g.packets_sent_by_kind);
  add_traffic(out, "onevalue_datagram_sent_bytes_total", "Bytes of the datagrams sent",
              g.bytes_sent_by_kind);
  add_traffic(out, "onevalue_datagrams_received_total",
              "Datagrams received and decoded, by the SWIM message they carry",
              g.packets_received_by_kind);
  add_traffic(out, "onevalue_datagram_received_bytes_total",
              "Bytes of the datagrams received and decoded", g.bytes_received_by_kind);
  out.push_back(datagrams_dropped(g));
  out.push_back(family_builder{"onevalue_gossip_items_sent_total",
                               "Items piggybacked on datagrams sent, by item",
                               MetricType::Counter}
                    .add(d(g.member_updates_sent), {{"item", "member_update"}})
                    .add(d(g.values_sent), {{"item", "value"}})
                    .done());
  out.push_back(family_builder{"onevalue_gossip_items_received_total",
                               "Items piggybacked on datagrams received, by item",
                               MetricType::Counter}
                    .add(d(g.member_updates_received), {{"item", "member_update"}})
                    .add(d(g.values_received), {{"item", "value"}})
                    .done());
  out.push_back(family_builder{"onevalue_push_pulls_total",
                               "State exchanges this node started, by result (started "
                               "ones not yet ended are in neither)",
                               MetricType::Counter}
                    .add(d(g.push_pulls_completed), {{"result", "completed"}})
                    .add(d(g.push_pulls_failed), {{"result", "failed"}})
                    .done());
  out.push_back(family_builder{"onevalue_push_pulls_served_total",
                               "State exchanges other members started with this node",
                               MetricType::Counter}
                    .add(d(g.push_pulls_served))
                    .done());
  out.push_back(family_builder{"onevalue_broadcast_queue_depth",
                               "Member updates and values waiting in the broadcast queue "
                               "for piggybacking",
                               MetricType::Gauge}
                    .add(d(g.broadcast_queue_depth))
                    .done());
}

} // namespace

std::string metrics_text(const scrape_input& in, const node_metrics& own) {
  auto out = own.collect();
  if (in.view)
    add_view(out, *in.view);
  family_builder up{"onevalue_scrape_actor_up",
                    "1 if the actor answered this scrape in time, else 0 (its counters "
                    "are then missing from this scrape)",
                    MetricType::Gauge};
  up.add(in.membership ? 1 : 0, {{"actor", "membership"}})
      .add(in.gossip ? 1 : 0, {{"actor", "gossip"}});
  out.push_back(up.done());
  if (in.membership)
    add_membership(out, *in.membership);
  if (in.gossip)
    add_gossip(out, *in.gossip);
  out.push_back(family_builder{"onevalue_http_open_connections",
                               "HTTP connections open right now", MetricType::Gauge}
                    .add(d(in.open_connections))
                    .done());
  out.push_back(family_builder{"onevalue_http_waiting_reads",
                               "Blocking reads (GET /v1/value?index=N) waiting right now",
                               MetricType::Gauge}
                    .add(d(in.waiting_reads))
                    .done());
  out.push_back(family_builder{"onevalue_http_waiting_reads_limit",
                               "Most blocking reads that may wait at once (max-watchers)",
                               MetricType::Gauge}
                    .add(d(in.max_waiting_reads))
                    .done());
  return prometheus::TextSerializer{}.Serialize(out);
}

} // namespace onevalue
