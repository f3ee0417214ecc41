#include "http/store_backend.hpp"

#include "actors/log.hpp"

#include <caf/all.hpp>

#include <optional>

namespace onevalue {

namespace {

/// One write on its way through the bridge.
struct write_job {
  int64_t n = 0;
  /// Set for a conditional write (If-Match).
  std::optional<version> expected;
  write_callback done;
};

} // namespace

} // namespace onevalue

// Local messages only: the job carries its callback.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(onevalue::write_job)

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
  if (out.outcome == write_outcome::kind::not_synchronized)
    OV_LOG_DEBUG("write of {} refused: not synchronized yet", job.n);
  else
    OV_LOG_WARN("{}write of {} failed: {}", job.expected ? "conditional " : "", job.n,
                out.message);
  job.done(std::move(out));
}

/// The bridge between the HTTP loops and the store: one request per write job.
caf::behavior write_bridge(caf::event_based_actor* self, store_actor store,
                           std::shared_ptr<snapshot_store> snapshots,
                           caf::timespan timeout) {
  return {
      [=](write_job& job) {
        auto shared = std::make_shared<write_job>(std::move(job));
        auto failed = [=](const caf::error& err) {
          report_failure(*shared, err, self->system(), timeout);
        };
        if (!shared->expected) {
          self->request(store, timeout, set_atom::value, shared->n)
              .then(
                  [=](versioned_value& result) {
                    snapshots->publish_value(result);
                    shared->done(write_outcome::success(std::move(result)));
                  },
                  failed);
          return;
        }
        self->request(store, timeout, set_atom::value, shared->n, *shared->expected)
            .then(
                [=](bool written, versioned_value& result) {
                  snapshots->publish_value(result);
                  shared->done(written ? write_outcome::success(std::move(result))
                                       : write_outcome::mismatch(std::move(result)));
                },
                failed);
      },
  };
}

} // namespace

store_backend::store_backend(caf::actor_system& sys, store_actor store,
                             std::shared_ptr<snapshot_store> snapshots,
                             caf::timespan timeout)
    : snapshots_(snapshots),
      bridge_(sys.spawn(write_bridge, std::move(store), std::move(snapshots), timeout)) {
  // nop
}

store_backend::~store_backend() {
  caf::anon_send_exit(bridge_, caf::exit_reason::user_shutdown);
}

std::shared_ptr<const node_view> store_backend::view() const {
  return snapshots_->load();
}

void store_backend::write(int64_t n, write_callback done) {
  caf::anon_send(bridge_, write_job{n, std::nullopt, std::move(done)});
}

void store_backend::write_if(int64_t n, const version& expected, write_callback done) {
  caf::anon_send(bridge_, write_job{n, expected, std::move(done)});
}

void store_backend::watch(uint64_t index, std::chrono::milliseconds wait,
                          watch_callback done) {
  snapshots_->watch(index, wait, std::move(done));
}

} // namespace onevalue
