// store_backend (see store_backend.hpp): the gateway backend's writes, which it hands
// to the write bridge, its consistent reads, metrics scrape, watches, forced leaves
// and keyring requests.

#include "http/bridge/store_backend.hpp"

#include "http/api/metrics_text.hpp"
#include "http/bridge/write_bridge.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace onevalue {

store_backend::store_backend(caf::actor_system& sys, store_actor store,
                             membership_actor membership,
                             std::shared_ptr<snapshot_store> snapshots,
                             caf::timespan timeout, consensus_actor consensus)
    : sys_(sys), membership_(std::move(membership)), timeout_(timeout),
      snapshots_(snapshots), inbox_(std::make_shared<write_inbox>()),
      linearizable_(consensus != nullptr),
      bridge_(spawn_write_bridge(sys, std::move(store), std::move(consensus),
                                 std::move(snapshots), inbox_, timeout)) {
  // nop
}

store_backend::~store_backend() {
  caf::anon_send_exit(bridge_, caf::exit_reason::user_shutdown);
}

std::shared_ptr<const node_view> store_backend::view() const {
  return snapshots_->load();
}

void store_backend::enqueue(write_job job) {
  bool first = false;
  {
    std::unique_lock<std::mutex> guard{inbox_->mutex};
    if (inbox_->closed) {
      guard.unlock();
      job.done(write_outcome::failure(write_outcome::kind::failed,
                                      "the node is shutting down"));
      return;
    }
    first = inbox_->jobs.empty();
    inbox_->jobs.push_back(std::move(job));
  }
  // One message per batch: writes that arrive before the bridge takes the batch ride
  // along without waking it again.
  if (first)
    caf::anon_send(bridge_, flush_atom::value);
}

namespace {

/// How long a scrape waits for each actor's counters.
constexpr auto scrape_timeout = std::chrono::seconds{1};

write_result result_of(write_outcome::kind k) {
  using kind = write_outcome::kind;
  switch (k) {
  case kind::ok:
    return write_result::ok;
  case kind::precondition_failed:
    return write_result::precondition_failed;
  case kind::not_synchronized:
    return write_result::not_synchronized;
  case kind::persistence_failed:
    return write_result::not_durable;
  case kind::disk_full:
    return write_result::disk_full;
  case kind::timeout:
    return write_result::timeout;
  case kind::overflow:
    return write_result::overflow;
  case kind::unavailable:
    return write_result::no_quorum;
  case kind::unknown:
    return write_result::outcome_unknown;
  case kind::failed:
    break;
  }
  return write_result::failed;
}

/// `done`, counting the outcome in `metrics` first (if metrics are on).
write_callback counted(write_callback done,
                       const std::shared_ptr<node_metrics>& metrics) {
  if (!metrics)
    return done;
  return [done = std::move(done), metrics](write_outcome out) {
    metrics->count_write(result_of(out.outcome));
    done(std::move(out));
  };
}

} // namespace

// The analyzer reports the counted callback (a std::function holding a heap functor)
// as leaked once it is moved into the inbox with its job; the inbox owns it and runs or
// destroys it (ASan's leak check on the unit tests, which write through here, finds no
// leak). NOLINTBEGIN(clang-analyzer-cplusplus.NewDeleteLeaks)
void store_backend::write(int64_t n, write_callback done) {
  write_job job{n, std::nullopt, counted(std::move(done), metrics_), std::nullopt};
  if (linearizable_)
    job.consensus_op = operation_kind::write;
  enqueue(std::move(job));
}

void store_backend::write_if(int64_t n, const version& expected, write_callback done) {
  write_job job{n, expected, counted(std::move(done), metrics_), std::nullopt};
  if (linearizable_)
    job.consensus_op = operation_kind::cas;
  enqueue(std::move(job));
}

void store_backend::add(int64_t delta, write_callback done) {
  if (!linearizable_) {
    gateway_backend::add(delta, std::move(done));
    return;
  }
  write_job job{delta, std::nullopt, counted(std::move(done), metrics_),
                operation_kind::add};
  enqueue(std::move(job));
}

// NOLINTEND(clang-analyzer-cplusplus.NewDeleteLeaks)

void store_backend::read_consistent(write_callback done) {
  if (!linearizable_) {
    gateway_backend::read_consistent(std::move(done));
    return;
  }
  enqueue(write_job{0, std::nullopt, std::move(done), operation_kind::read});
}

void store_backend::enable_metrics(std::shared_ptr<node_metrics> metrics,
                                   gossip_actor gossip,
                                   std::function<std::size_t()> open_connections) {
  metrics_ = std::move(metrics);
  gossip_ = std::move(gossip);
  open_connections_ = std::move(open_connections);
}

void store_backend::scrape(scrape_callback done) {
  if (!metrics_) {
    done(std::nullopt);
    return;
  }
  auto input = std::make_shared<scrape_input>();
  input->view = snapshots_->load();
  input->open_connections = open_connections_ ? open_connections_() : 0;
  input->waiting_reads = snapshots_->watchers();
  input->max_waiting_reads = snapshots_->max_watchers();
  // Asked, not shared: the counters stay the actors' own (single-threaded, no atomics
  // on their hot paths) and cost nothing until someone scrapes.
  auto ask = [done = std::move(done), input, metrics = metrics_, membership = membership_,
              gossip = gossip_](caf::event_based_actor* self, int) {
    auto finish = [done, input, metrics] { done(metrics_text(*input, *metrics)); };
    auto ask_gossip = [self, gossip, input, finish] {
      self->request(gossip, scrape_timeout, get_atom::value, metrics_atom::value)
          .then(
              [input, finish](gossip_counters& g) {
                input->gossip = g;
                finish();
              },
              [finish](const caf::error&) { finish(); });
    };
    self->request(membership, scrape_timeout, get_atom::value, metrics_atom::value)
        .then(
            [input, ask_gossip](membership_metrics& m) {
              input->membership = m;
              ask_gossip();
            },
            [ask_gossip](const caf::error&) { ask_gossip(); });
  };
  // An argument, as for force_leave: CAF 0.17.6 dereferences a null argument tuple.
  sys_.spawn(std::move(ask), 0);
}

void store_backend::watch(uint64_t index, std::chrono::milliseconds wait,
                          watch_callback done) {
  snapshots_->watch(index, wait, std::move(done));
}

void store_backend::force_leave(const std::string& name, leave_callback done) {
  using kind = leave_outcome::kind;
  // The name travels as the actor's argument: CAF 0.17.6 dereferences a null argument
  // tuple when it spawns a function without arguments (UBSan reports it).
  auto ask = [done = std::move(done), membership = membership_,
              timeout = timeout_](caf::event_based_actor* self, const std::string& name) {
    self->request(membership, timeout, leave_atom::value, name)
        .then(
            [done](force_leave_status status, member_info& member) {
              leave_outcome out;
              out.member = std::move(member);
              switch (status) {
              case force_leave_status::left:
              case force_leave_status::already_left:
                out.outcome = kind::ok;
                break;
              case force_leave_status::unknown:
                out.outcome = kind::unknown_member;
                break;
              case force_leave_status::not_failed:
                out.outcome = kind::not_failed;
                break;
              case force_leave_status::self:
                out.outcome = kind::self;
                break;
              }
              done(std::move(out));
            },
            [done, self, timeout](const caf::error& err) {
              leave_outcome out;
              out.outcome =
                  err == caf::sec::request_timeout ? kind::timeout : kind::failed;
              out.message =
                  err == caf::sec::request_timeout
                      ? "membership did not answer within "
                            + std::to_string(
                                std::chrono::duration_cast<std::chrono::milliseconds>(
                                    timeout)
                                    .count())
                            + " ms"
                      : self->system().render(err);
              done(std::move(out));
            });
  };
  sys_.spawn(std::move(ask), name);
}

void store_backend::attach_keyring(gossip_actor gossip, bool encrypted) {
  gossip_ = std::move(gossip);
  encrypted_ = encrypted;
}

void store_backend::keyring(const keyring_command& command, keyring_callback done) {
  using kind = keyring_result::kind;
  if (!gossip_) {
    done(keyring_result{kind::failed, {}, "this node serves no keyring"});
    return;
  }
  auto timeout = std::max<caf::timespan>(timeout_, min_keyring_timeout);
  auto ask = [done = std::move(done), gossip = gossip_,
              timeout](caf::event_based_actor* self, const keyring_command& command) {
    self->request(gossip, timeout, keyring_atom::value, command)
        .then(
            [done](keyring_report& report) {
              keyring_result out;
              out.outcome = report.refusal.empty() ? kind::ok : kind::refused;
              out.message = report.refusal;
              out.report = std::move(report);
              done(std::move(out));
            },
            [done, self](const caf::error& err) {
              keyring_result out;
              out.outcome =
                  err == caf::sec::request_timeout ? kind::timeout : kind::failed;
              out.message = self->system().render(err);
              done(std::move(out));
            });
  };
  sys_.spawn(std::move(ask), command);
}

} // namespace onevalue
