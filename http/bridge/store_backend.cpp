#include "http/bridge/store_backend.hpp"

#include "actors/core/consensus_register.hpp"
#include "actors/log.hpp"
#include "http/api/metrics_text.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

namespace onevalue {

/// One write on its way through the bridge.
struct write_job {
  int64_t n = 0;
  /// Set for a conditional write (If-Match).
  std::optional<version> expected;
  write_callback done;
  /// Linearizable mode: the consensus operation (write, cas, add or read); `n` is its
  /// argument. Unset: a write to the local store (eventual mode).
  std::optional<operation_kind> consensus_op;
};

/// Writes handed over by the event loops, waiting for the bridge to take them.
struct write_inbox {
  std::mutex mutex;
  std::vector<write_job> jobs;
  /// Set when the bridge stopped: later writes fail at once instead of queueing.
  bool closed = false;
  /// Bridge only (no lock): writes sent to the store and not answered yet. Kept here,
  /// not in the actor's state, so the bridge's exit handler can still answer them.
  std::unordered_map<uint64_t, write_job> pending;
};

namespace {

/// Maps a failed request to the store to its outcome.
write_outcome failure_of(const caf::error& err, caf::actor_system& sys,
                         caf::timespan timeout) {
  using kind = write_outcome::kind;
  if (err == caf::sec::request_timeout)
    return write_outcome::failure(
        kind::timeout,
        "the store did not answer within "
            + std::to_string(
                std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count())
            + " ms");
  if (err.category() == caf::atom("store")) {
    if (err.code() == static_cast<uint8_t>(store_error::persistence_failed))
      return write_outcome::failure(kind::persistence_failed, sys.render(err));
    if (err.code() == static_cast<uint8_t>(store_error::disk_full))
      return write_outcome::failure(kind::disk_full, sys.render(err));
    if (err.code() == static_cast<uint8_t>(store_error::not_synchronized))
      return write_outcome::failure(kind::not_synchronized, sys.render(err));
  }
  return write_outcome::failure(kind::failed, sys.render(err));
}

/// Reports a failed write to its callback, with a log line unless the node is just
/// not synchronized yet (clients are told to retry).
void report_failure(const write_job& job, const caf::error& err, caf::actor_system& sys,
                    caf::timespan timeout) {
  auto out = failure_of(err, sys, timeout);
  // A consensus operation that outlived the bridge's deadline may have left this node
  // in a proposal: it may still take effect.
  if (job.consensus_op && out.outcome == write_outcome::kind::timeout)
    out.outcome = write_outcome::kind::unknown;
  if (out.outcome == write_outcome::kind::not_synchronized)
    OV_LOG_DEBUG("write of {} refused: not synchronized yet", job.n);
  else if (out.outcome == write_outcome::kind::disk_full)
    // The store logs a full disk once per episode; a line per write would flood.
    OV_LOG_DEBUG("write of {} refused: disk full", job.n);
  else
    OV_LOG_WARN("{}write of {} failed: {}", job.expected ? "conditional " : "", job.n,
                out.message);
  job.done(std::move(out));
}

/// State of the bridge: deadlines of the writes sent to the store.
struct bridge_state {
  static inline const char* name = "onevalue.http-bridge";
  using clock = std::chrono::steady_clock;
  std::shared_ptr<write_inbox> inbox;
  /// (deadline, id) in the order the writes were sent; all share one timeout, so the
  /// front always expires first. Answered writes leave their entry behind until it
  /// reaches the front.
  std::deque<std::pair<clock::time_point, uint64_t>> deadlines;
  uint64_t next_id = 0;
  bool tick_armed = false;
};

using bridge_pointer = caf::stateful_actor<bridge_state>*;

/// Removes write `id` from the pending ones and returns it; nothing if it was already
/// answered or timed out.
std::optional<write_job> take_pending(bridge_state& st, uint64_t id) {
  auto i = st.inbox->pending.find(id);
  if (i == st.inbox->pending.end())
    return std::nullopt;
  auto job = std::move(i->second);
  st.inbox->pending.erase(i);
  return job;
}

/// Delivers the store's answer to write `id`, unless it timed out already.
void answer(bridge_pointer self, uint64_t id, write_outcome out) {
  if (auto job = take_pending(self->state, id))
    job->done(std::move(out));
}

void arm_tick(bridge_pointer self) {
  auto& st = self->state;
  if (st.tick_armed || st.deadlines.empty())
    return;
  st.tick_armed = true;
  auto wait = st.deadlines.front().first - bridge_state::clock::now();
  self->delayed_send(self, std::max<caf::timespan>(wait, std::chrono::milliseconds{5}),
                     tick_atom::value);
}

/// The outcome of a consensus operation, from the consensus actor's reply (see
/// operation_status and failure_reason in consensus_register.hpp).
write_outcome consensus_outcome(uint8_t status, uint8_t reason, versioned_value v) {
  using kind = write_outcome::kind;
  switch (static_cast<operation_status>(status)) {
  case operation_status::ok:
    return write_outcome::success(std::move(v));
  case operation_status::failed:
    if (static_cast<failure_reason>(reason) == failure_reason::version_mismatch)
      return write_outcome::mismatch(std::move(v));
    if (static_cast<failure_reason>(reason) == failure_reason::overflow)
      return {kind::overflow, std::move(v), "int64 overflow"};
    return write_outcome::failure(kind::failed, "the version index is exhausted");
  case operation_status::unknown:
    return write_outcome::failure(kind::unknown, "operation deadline passed");
  case operation_status::unavailable:
    break;
  }
  return write_outcome::failure(kind::unavailable, "no majority of voters answered");
}

/// Sends a consensus job to the consensus actor; answered like a store write.
void send_consensus_job(bridge_pointer self, uint64_t id, operation_kind op, int64_t n,
                        const version& expected,
                        const std::shared_ptr<snapshot_store>& snapshots,
                        const consensus_actor& consensus,
                        std::function<void(const caf::error&)> failed) {
  self->request(consensus, caf::infinite, propose_atom::value, static_cast<uint8_t>(op),
                n, expected)
      .then(
          [=](uint8_t status, uint8_t reason, versioned_value& v) {
            // Read-your-writes on this node: the committed value is at least this new.
            if (status == static_cast<uint8_t>(operation_status::ok)
                || status == static_cast<uint8_t>(operation_status::failed))
              snapshots->publish_value(v);
            answer(self, id, consensus_outcome(status, reason, std::move(v)));
          },
          failed);
}

/// Sends one job to the store. The request itself has no timeout: a timeout per
/// request costs an entry in CAF's clock thread and a wake-up of it, the largest cost
/// per write in a profile at 40k writes/s. The bridge's own deadlines (one timer at a
/// time) bound the wait instead.
void send_job(bridge_pointer self, write_job job,
              std::shared_ptr<snapshot_store> snapshots, store_actor store,
              const consensus_actor& consensus, caf::timespan timeout) {
  auto& st = self->state;
  auto id = st.next_id++;
  auto n = job.n;
  auto expected = job.expected;
  auto consensus_op = job.consensus_op;
  st.inbox->pending.emplace(id, std::move(job));
  st.deadlines.emplace_back(bridge_state::clock::now() + timeout, id);
  arm_tick(self);
  auto failed = [=](const caf::error& err) {
    if (auto failed_job = take_pending(self->state, id))
      report_failure(*failed_job, err, self->system(), timeout);
  };
  if (consensus_op) {
    send_consensus_job(self, id, *consensus_op, n, expected.value_or(version{}),
                       snapshots, consensus, failed);
    return;
  }
  if (!expected) {
    self->request(store, caf::infinite, set_atom::value, n)
        .then(
            [=](versioned_value& result) {
              snapshots->publish_value(result);
              answer(self, id, write_outcome::success(std::move(result)));
            },
            failed);
    return;
  }
  self->request(store, caf::infinite, set_atom::value, n, *expected)
      .then(
          [=](bool written, versioned_value& result) {
            snapshots->publish_value(result);
            answer(self, id,
                   written ? write_outcome::success(std::move(result))
                           : write_outcome::mismatch(std::move(result)));
          },
          failed);
}

/// The bridge between the HTTP loops and the store. The loops append jobs to `inbox`
/// and wake the bridge with one flush_atom per batch; each job becomes one request to
/// the store.
caf::behavior write_bridge(bridge_pointer self, store_actor store,
                           consensus_actor consensus,
                           std::shared_ptr<snapshot_store> snapshots,
                           std::shared_ptr<write_inbox> inbox, caf::timespan timeout) {
  // However the bridge ends (shutdown, or an exception from a callback), every write it
  // holds or that is queued for it is answered, so no HTTP connection waits forever.
  self->state.inbox = inbox;
  self->attach_functor([inbox] {
    std::vector<write_job> orphans;
    {
      std::lock_guard<std::mutex> guard{inbox->mutex};
      inbox->closed = true;
      orphans.swap(inbox->jobs);
    }
    for (auto& [id, job] : inbox->pending)
      orphans.push_back(std::move(job));
    inbox->pending.clear();
    for (auto& job : orphans)
      job.done(write_outcome::failure(write_outcome::kind::failed,
                                      "the node is shutting down"));
  });
  return {
      [=](flush_atom) {
        std::vector<write_job> jobs;
        {
          std::lock_guard<std::mutex> guard{inbox->mutex};
          jobs.swap(inbox->jobs);
        }
        for (auto& job : jobs)
          send_job(self, std::move(job), snapshots, store, consensus, timeout);
      },
      [=](tick_atom) {
        auto& st = self->state;
        st.tick_armed = false;
        auto now = bridge_state::clock::now();
        while (!st.deadlines.empty()) {
          auto [deadline, id] = st.deadlines.front();
          if (deadline > now && st.inbox->pending.count(id) > 0)
            break;
          st.deadlines.pop_front();
          // Nothing to take if it was answered in time.
          if (auto job = take_pending(st, id))
            report_failure(*job, caf::sec::request_timeout, self->system(), timeout);
        }
        arm_tick(self);
      },
  };
}

} // namespace

store_backend::store_backend(caf::actor_system& sys, store_actor store,
                             membership_actor membership,
                             std::shared_ptr<snapshot_store> snapshots,
                             caf::timespan timeout, consensus_actor consensus)
    : sys_(sys), membership_(std::move(membership)), timeout_(timeout),
      snapshots_(snapshots), inbox_(std::make_shared<write_inbox>()),
      linearizable_(consensus != nullptr),
      bridge_(sys.spawn(write_bridge, std::move(store), std::move(consensus),
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
