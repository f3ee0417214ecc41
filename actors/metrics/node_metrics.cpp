#include "actors/metrics/node_metrics.hpp"

#include <prometheus/gauge.h>

namespace onevalue {

namespace {

prometheus::MetricFamily family(const char* name, const char* help,
                                prometheus::MetricType type) {
  prometheus::MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  return f;
}

prometheus::ClientMetric
histogram_metric(const atomic_histogram& h,
                 std::vector<prometheus::ClientMetric::Label> labels) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  m.histogram = h.collect();
  return m;
}

/// A histogram family of one unlabelled histogram.
prometheus::MetricFamily histogram_family(const char* name, const char* help,
                                          const atomic_histogram& h) {
  auto f = family(name, help, prometheus::MetricType::Histogram);
  f.metric.push_back(histogram_metric(h, {}));
  return f;
}

/// Registers an unlabelled counter in `registry`; the pointer stays valid with it.
prometheus::Counter* unlabelled_counter(prometheus::Registry& registry, const char* name,
                                        const char* help) {
  return &prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add({});
}

} // namespace

const char* route_label(http_route r) {
  switch (r) {
  case http_route::get:
    return "/get";
  case http_route::set:
    return "/set/{n}";
  case http_route::value:
    return "/v1/value";
  case http_route::value_add:
    return "/v1/value/add";
  case http_route::members:
    return "/v1/members";
  case http_route::member_leave:
    return "/v1/members/{name}/leave";
  case http_route::health:
    return "/health";
  case http_route::keyring:
    return "/v1/keyring";
  case http_route::metrics:
    return "/metrics";
  case http_route::ui:
    return "/ui";
  case http_route::ui_asset:
    return "/ui/{file}";
  case http_route::unknown:
    break;
  }
  return "other";
}

http_method method_of(std::string_view method) {
  if (method == "GET")
    return http_method::get;
  if (method == "HEAD")
    return http_method::head;
  if (method == "PUT")
    return http_method::put;
  if (method == "POST")
    return http_method::post;
  if (method == "OPTIONS")
    return http_method::options;
  return http_method::other;
}

const char* method_label(http_method m) {
  switch (m) {
  case http_method::get:
    return "GET";
  case http_method::head:
    return "HEAD";
  case http_method::put:
    return "PUT";
  case http_method::post:
    return "POST";
  case http_method::options:
    return "OPTIONS";
  case http_method::other:
    break;
  }
  return "other";
}

const char* write_result_label(write_result r) {
  switch (r) {
  case write_result::ok:
    return "ok";
  case write_result::precondition_failed:
    return "precondition_failed";
  case write_result::not_synchronized:
    return "not_synchronized";
  case write_result::not_durable:
    return "not_durable";
  case write_result::timeout:
    return "timeout";
  case write_result::overflow:
    return "overflow";
  case write_result::no_quorum:
    return "no_quorum";
  case write_result::outcome_unknown:
    return "outcome_unknown";
  case write_result::disk_full:
    return "disk_full";
  case write_result::failed:
    break;
  }
  return "failed";
}

node_metrics::node_metrics(const std::string& version, const std::string& caf_version)
    : registry_(std::make_shared<prometheus::Registry>()),
      // 100 us .. ~3.3 s: an fsync on SSD takes a few ms, on a loaded disk hundreds.
      save_seconds_(exponential_bounds(0.0001, 2, 16), 1e-9),
      // 1 .. 1024 writes per batch: group commit's whole point is batches above 1.
      batch_writes_(exponential_bounds(1, 2, 11), 1),
      // 1 ms .. ~33 s: a push reaches a member in ms, a lost one waits for push-pull.
      applied_delay_(exponential_bounds(0.001, 2, 16), 1e-6),
      // 1 ms .. ~8 s: a connect and one round trip, up to the 5 s push-pull timeout.
      push_pull_completed_(exponential_bounds(0.001, 2, 14), 1e-6),
      push_pull_failed_(exponential_bounds(0.001, 2, 14), 1e-6),
      // 100 us .. ~3.3 s: a round trip to the voters and their fsync; retries after a
      // lost duel or a 200 ms round timeout land in the upper buckets.
      consensus_commit_seconds_(exponential_bounds(0.0001, 2, 16), 1e-9),
      // 1 .. 4096 operations: max_batch_operations.
      consensus_batch_operations_(exponential_bounds(1, 2, 13), 1),
      // Like the store's saves: one fdatasync of a small file.
      acceptor_save_seconds_(exponential_bounds(0.0001, 2, 16), 1e-9) {
  prometheus::BuildGauge()
      .Name("onevalue_build_info")
      .Help("Always 1; the labels say which build runs (version of onevalue and of CAF)")
      .Register(*registry_)
      .Add({{"version", version}, {"caf_version", caf_version}})
      .Set(1);
  auto& writes = prometheus::BuildCounter()
                     .Name("onevalue_writes_total")
                     .Help("Writes through HTTP taken by this node, by how they ended")
                     .Register(*registry_);
  for (std::size_t i = 0; i < write_result_count; ++i)
    writes_[i] =
        &writes.Add({{"result", write_result_label(static_cast<write_result>(i))}});
  consensus_failed_attempts_ = unlabelled_counter(
      *registry_, "onevalue_consensus_failed_attempts_total",
      "Linearizable mode: attempts (a prepare or an accept phase) of this node's "
      "proposer that failed (lost to a higher ballot, answered with malformed states, "
      "or no majority within the round timeout); each is normally retried with a "
      "higher ballot");
  consensus_widened_accepts_ = unlabelled_counter(
      *registry_, "onevalue_consensus_widened_accepts_total",
      "Linearizable mode: accepts of this node's proposer that went on to every voter "
      "because the majority asked first did not answer within the widening wait or "
      "refused (thrifty accepts); a steady rise means a slow or failing voter");
  acceptor_save_failures_ = unlabelled_counter(
      *registry_, "onevalue_acceptor_save_failures_total",
      "Linearizable mode, on a voter with a data dir: acceptor saves that failed (the "
      "replies waiting for them are dropped; their proposers time out and retry)");
  for (std::size_t i = 0; i < http_route_count; ++i)
    // 50 us .. ~1.6 s; blocking reads last up to their wait and land in +Inf.
    request_seconds_.push_back(
        std::make_unique<atomic_histogram>(exponential_bounds(0.00005, 2, 16), 1e-9));
}

std::size_t node_metrics::status_slot(int status) {
  for (std::size_t i = 0; i < known_statuses.size(); ++i)
    if (known_statuses[i] == status)
      return i;
  return known_statuses.size();
}

void node_metrics::count_request(http_method method, http_route route, int status,
                                 double seconds) {
  auto m = static_cast<std::size_t>(method);
  auto r = static_cast<std::size_t>(route);
  requests_[(m * http_route_count + r) * status_slots + status_slot(status)].fetch_add(
      1, std::memory_order_relaxed);
  request_seconds_[r]->observe(seconds);
}

void node_metrics::count_write(write_result result) {
  writes_[static_cast<std::size_t>(result)]->Increment();
}

void node_metrics::observe_save(double seconds, std::size_t writes) {
  save_seconds_.observe(seconds);
  batch_writes_.observe(static_cast<double>(writes));
}

void node_metrics::observe_applied_delay(double seconds) {
  applied_delay_.observe(seconds);
}

void node_metrics::observe_push_pull(double seconds, bool completed) {
  (completed ? push_pull_completed_ : push_pull_failed_).observe(seconds);
}

void node_metrics::observe_consensus_commit(double seconds, std::size_t operations) {
  consensus_commit_seconds_.observe(seconds);
  consensus_batch_operations_.observe(static_cast<double>(operations));
}

void node_metrics::count_consensus_failed_attempts(uint64_t attempts) {
  consensus_failed_attempts_->Increment(static_cast<double>(attempts));
}

void node_metrics::count_consensus_widened_accepts(uint64_t accepts) {
  consensus_widened_accepts_->Increment(static_cast<double>(accepts));
}

void node_metrics::observe_acceptor_save(double seconds, bool ok) {
  acceptor_save_seconds_.observe(seconds);
  if (!ok)
    count_acceptor_save_failure();
}

void node_metrics::count_acceptor_save_failure() {
  acceptor_save_failures_->Increment();
}

std::vector<prometheus::MetricFamily> node_metrics::collect() const {
  auto out = registry_->Collect();
  using prometheus::MetricType;
  auto requests = family("onevalue_http_requests_total",
                         "HTTP requests answered by the API, by method, route template "
                         "and status (only combinations seen so far)",
                         MetricType::Counter);
  for (std::size_t m = 0; m < http_method_count; ++m)
    for (std::size_t r = 0; r < http_route_count; ++r)
      for (std::size_t s = 0; s < status_slots; ++s) {
        auto n = requests_[(m * http_route_count + r) * status_slots + s].load(
            std::memory_order_relaxed);
        if (n == 0)
          continue;
        prometheus::ClientMetric metric;
        metric.label = {{"method", method_label(static_cast<http_method>(m))},
                        {"route", route_label(static_cast<http_route>(r))},
                        {"status", s < known_statuses.size()
                                       ? std::to_string(known_statuses[s])
                                       : std::string{"other"}}};
        metric.counter.value = static_cast<double>(n);
        requests.metric.push_back(std::move(metric));
      }
  out.push_back(std::move(requests));
  auto durations = family("onevalue_http_request_duration_seconds",
                          "Time from a request's dispatch to its response, by route "
                          "template (blocking reads include their wait)",
                          MetricType::Histogram);
  for (std::size_t r = 0; r < http_route_count; ++r)
    durations.metric.push_back(histogram_metric(
        *request_seconds_[r], {{"route", route_label(static_cast<http_route>(r))}}));
  out.push_back(std::move(durations));
  out.push_back(histogram_family(
      "onevalue_store_save_duration_seconds",
      "Time to write and fdatasync one batch of the state (one slot file; in "
      "linearizable mode most saves skip the fdatasync)",
      save_seconds_));
  out.push_back(histogram_family("onevalue_store_commit_batch_writes",
                                 "Local writes made durable by one save (group commit)",
                                 batch_writes_));
  out.push_back(histogram_family(
      "onevalue_value_applied_delay_seconds",
      "Time from the writer accepting a value to this node applying it, by the two "
      "hosts' wall clocks (includes their skew)",
      applied_delay_));
  auto push_pulls = family("onevalue_push_pull_duration_seconds",
                           "Time of the state exchanges this node started, from connect "
                           "to merged answer or failure, by result",
                           MetricType::Histogram);
  push_pulls.metric.push_back(
      histogram_metric(push_pull_completed_, {{"result", "completed"}}));
  push_pulls.metric.push_back(
      histogram_metric(push_pull_failed_, {{"result", "failed"}}));
  out.push_back(std::move(push_pulls));
  out.push_back(histogram_family(
      "onevalue_consensus_commit_duration_seconds",
      "Linearizable mode, on the proposing node: time from a batch's first prepare or "
      "accept to a majority of voters accepting it (retries included)",
      consensus_commit_seconds_));
  out.push_back(histogram_family(
      "onevalue_consensus_batch_operations",
      "Linearizable mode, on the proposing node: operations answered by one committed "
      "consensus round (batching)",
      consensus_batch_operations_));
  out.push_back(histogram_family(
      "onevalue_acceptor_save_duration_seconds",
      "Linearizable mode, on a voter with a data dir: time from the acceptor asking for "
      "its state to be saved (write and fdatasync) to the answer",
      acceptor_save_seconds_));
  return out;
}

} // namespace onevalue
