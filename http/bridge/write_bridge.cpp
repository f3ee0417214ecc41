// The write bridge (see write_bridge.hpp): its state, the requests it sends to the
// store and consensus actors, the mapping of their answers and errors to write
// outcomes, and its deadlines.

#include "http/bridge/write_bridge.hpp"

#include "actors/log.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <deque>
#include <functional>
#include <string>

namespace onevalue {

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

caf::actor spawn_write_bridge(caf::actor_system& sys, store_actor store,
                              consensus_actor consensus,
                              std::shared_ptr<snapshot_store> snapshots,
                              std::shared_ptr<write_inbox> inbox, caf::timespan timeout) {
  return sys.spawn(write_bridge, std::move(store), std::move(consensus),
                   std::move(snapshots), std::move(inbox), timeout);
}

} // namespace onevalue
