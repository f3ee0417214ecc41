#include "http/api/metrics_text.hpp"

#include <doctest/doctest.h>

#include <regex>
#include <set>
#include <sstream>

using namespace onevalue;

namespace {

std::shared_ptr<node_view> sample_view() {
  auto v = std::make_shared<node_view>();
  v->node_name = "n1";
  v->value = {5, {9, "n2"}};
  v->synchronized = true;
  v->members = {{"n1", "127.0.0.1", 7946, 8080, member_state::alive, 4},
                {"n2", "127.0.0.2", 7946, 8080, member_state::alive, 1},
                {"n3", "127.0.0.3", 7946, 8080, member_state::failed, 2}};
  return v;
}

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in{text};
  for (std::string l; std::getline(in, l);)
    if (l == line)
      return true;
  return false;
}

} // namespace

TEST_CASE("a scrape reports members, value, actors' counters and gauges by Prometheus "
          "rules") {
  node_metrics own{"0.2.0", "1706"};
  scrape_input in;
  in.view = sample_view();
  membership_metrics m;
  m.counters.probes_sent = 12;
  m.counters.members_failed = 1;
  m.health_score = 2;
  in.membership = m;
  gossip_counters g;
  g.packets_sent_by_kind.ping = 7;
  g.datagrams_dropped_by_reason[static_cast<std::size_t>(drop_reason::replayed)] = 3;
  g.datagrams_malformed_by_error[static_cast<std::size_t>(wire_error::truncated)] = 5;
  g.broadcast_queue_depth = 4;
  in.gossip = g;
  in.open_connections = 2;
  in.waiting_reads = 1;
  in.max_waiting_reads = 64;
  auto text = metrics_text(in, own);
  CHECK(has_line(text, "onevalue_members{state=\"alive\"} 2"));
  CHECK(has_line(text, "onevalue_members{state=\"failed\"} 1"));
  CHECK(has_line(text, "onevalue_incarnation 4"));
  CHECK(has_line(text, "onevalue_value_version 9"));
  CHECK(has_line(text, "onevalue_synchronized 1"));
  CHECK(has_line(text, "onevalue_health_score 2"));
  CHECK(has_line(text, "onevalue_probes_total 12"));
  CHECK(has_line(text, "onevalue_members_declared_failed_total 1"));
  CHECK(has_line(text, "onevalue_datagrams_sent_total{kind=\"ping\"} 7"));
  CHECK(has_line(text, "onevalue_datagrams_dropped_total{reason=\"replayed\"} 3"));
  CHECK(has_line(text, "onevalue_datagrams_dropped_total{reason=\"not_authentic\"} 0"));
  CHECK(has_line(text,
                 "onevalue_datagrams_dropped_total{reason=\"malformed_truncated\"} 5"));
  CHECK(
      has_line(text, "onevalue_datagrams_dropped_total{reason=\"unserved_channel\"} 0"));
  CHECK(has_line(text, "onevalue_broadcast_queue_depth 4"));
  CHECK(has_line(text, "onevalue_http_open_connections 2"));
  CHECK(has_line(text, "onevalue_http_waiting_reads 1"));
  CHECK(has_line(text, "onevalue_build_info{caf_version=\"1706\",version=\"0.2.0\"} 1"));
  CHECK(has_line(text, "onevalue_writes_total{result=\"not_durable\"} 0"));
  CHECK(has_line(text, "# TYPE onevalue_probes_total counter"));
  CHECK(has_line(text, "# TYPE onevalue_store_save_duration_seconds histogram"));
  // Every counter family ends in _total, every name starts with onevalue_, and each
  // family is declared once.
  std::regex type_line{"# TYPE (\\S+) (\\S+)"};
  std::set<std::string> names;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), type_line);
       it != std::sregex_iterator(); ++it) {
    auto name = (*it)[1].str();
    CHECK(name.rfind("onevalue_", 0) == 0);
    if ((*it)[2] == "counter")
      CHECK(name.size() > 6);
    if ((*it)[2] == "counter")
      CHECK(name.substr(name.size() - 6) == "_total");
    CHECK(names.insert(name).second);
  }
}

TEST_CASE("an actor that did not answer is reported down and its counters left out") {
  node_metrics own{"0.2.0", "1706"};
  scrape_input in;
  in.view = sample_view();
  auto text = metrics_text(in, own);
  CHECK(has_line(text, "onevalue_scrape_actor_up{actor=\"membership\"} 0"));
  CHECK(has_line(text, "onevalue_scrape_actor_up{actor=\"gossip\"} 0"));
  CHECK(text.find("onevalue_probes_total") == std::string::npos);
  CHECK(text.find("onevalue_datagrams_sent_total") == std::string::npos);
  CHECK(has_line(text, "onevalue_members{state=\"alive\"} 2"));
}

TEST_CASE("node metrics count requests by method, route template and status") {
  node_metrics own{"0.2.0", "1706"};
  own.count_request(http_method::put, http_route::set, 200, 0.001);
  own.count_request(http_method::put, http_route::set, 200, 0.002);
  own.count_request(http_method::get, http_route::unknown, 404, 0.0001);
  own.count_request(http_method::other, http_route::get, 599, 0.0001);
  own.count_write(write_result::ok);
  own.count_write(write_result::precondition_failed);
  own.count_write(write_result::disk_full);
  own.count_request(http_method::put, http_route::set, 507, 0.0001);
  own.observe_save(0.004, 3);
  own.observe_applied_delay(0.02);
  own.observe_push_pull(0.01, true);
  auto text = metrics_text({}, own);
  CHECK(has_line(text, "onevalue_http_requests_total{method=\"PUT\",route=\"/set/{n}\","
                       "status=\"200\"} 2"));
  CHECK(has_line(text, "onevalue_http_requests_total{method=\"GET\",route=\"other\","
                       "status=\"404\"} 1"));
  CHECK(has_line(text, "onevalue_http_requests_total{method=\"other\",route=\"/get\","
                       "status=\"other\"} 1"));
  CHECK(has_line(text,
                 "onevalue_http_request_duration_seconds_count{route=\"/set/{n}\"} 3"));
  CHECK(has_line(text, "onevalue_writes_total{result=\"ok\"} 1"));
  CHECK(has_line(text, "onevalue_writes_total{result=\"precondition_failed\"} 1"));
  // A full disk has a label and a status slot of its own, not "failed"/"other".
  CHECK(has_line(text, "onevalue_writes_total{result=\"disk_full\"} 1"));
  CHECK(has_line(text, "onevalue_http_requests_total{method=\"PUT\",route=\"/set/{n}\","
                       "status=\"507\"} 1"));
  CHECK(has_line(text, "onevalue_store_save_duration_seconds_count 1"));
  CHECK(has_line(text, "onevalue_store_commit_batch_writes_sum 3"));
  CHECK(has_line(text, "onevalue_value_applied_delay_seconds_count 1"));
  CHECK(has_line(text,
                 "onevalue_push_pull_duration_seconds_count{result=\"completed\"} 1"));
  CHECK(has_line(text, "onevalue_push_pull_duration_seconds_count{result=\"failed\"} 0"));
  CHECK(own.applied_count() == 1);
}

TEST_CASE("node metrics count consensus commits, retries and acceptor saves") {
  node_metrics own{"0.2.0", "1706"};
  auto text = metrics_text({}, own);
  // Present before anything happened (and in eventual mode), at zero.
  CHECK(has_line(text, "onevalue_consensus_commit_duration_seconds_count 0"));
  CHECK(has_line(text, "onevalue_consensus_failed_attempts_total 0"));
  CHECK(has_line(text, "onevalue_consensus_widened_accepts_total 0"));
  CHECK(has_line(text, "onevalue_acceptor_save_failures_total 0"));
  own.observe_consensus_commit(0.0008, 32);
  own.observe_consensus_commit(0.0012, 30);
  own.count_consensus_failed_attempts(2);
  own.count_consensus_widened_accepts(3);
  own.observe_acceptor_save(0.0002, true);
  own.observe_acceptor_save(0.0300, false);
  own.count_acceptor_save_failure(); // one that could not even be asked for
  text = metrics_text({}, own);
  CHECK(has_line(text, "onevalue_consensus_commit_duration_seconds_count 2"));
  CHECK(has_line(text, "onevalue_consensus_batch_operations_sum 62"));
  CHECK(has_line(text, "onevalue_consensus_batch_operations_bucket{le=\"32\"} 2"));
  CHECK(has_line(text, "onevalue_consensus_batch_operations_bucket{le=\"16\"} 0"));
  CHECK(has_line(text, "onevalue_consensus_failed_attempts_total 2"));
  CHECK(has_line(text, "onevalue_consensus_widened_accepts_total 3"));
  CHECK(has_line(text, "onevalue_acceptor_save_duration_seconds_count 2"));
  CHECK(has_line(text, "onevalue_acceptor_save_failures_total 2"));
}
