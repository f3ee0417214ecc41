#include "http/store_backend.hpp"

#include "actors/log.hpp"

#include <caf/all.hpp>

namespace onevalue {

store_backend::store_backend(caf::actor_system& sys, store_actor store,
                             std::shared_ptr<snapshot_store> snapshots,
                             caf::timespan timeout)
    : sys_(sys), store_(std::move(store)), snapshots_(std::move(snapshots)),
      timeout_(timeout) {
  // nop
}

std::shared_ptr<const node_view> store_backend::view() const {
  return snapshots_->load();
}

write_outcome store_backend::failure_of(const caf::error& err) const {
  using kind = write_outcome::kind;
  if (err == caf::sec::request_timeout)
    return write_outcome::failure(
        kind::timeout,
        "the store did not answer within "
            + std::to_string(
                std::chrono::duration_cast<std::chrono::milliseconds>(timeout_).count())
            + " ms");
  if (err.category() == caf::atom("store")) {
    if (err.code() == static_cast<uint8_t>(store_error::persistence_failed))
      return write_outcome::failure(kind::persistence_failed, sys_.render(err));
    if (err.code() == static_cast<uint8_t>(store_error::not_synchronized))
      return write_outcome::failure(kind::not_synchronized, sys_.render(err));
  }
  return write_outcome::failure(kind::failed, sys_.render(err));
}

write_outcome store_backend::write(int64_t n) {
  write_outcome out = write_outcome::failure(write_outcome::kind::failed, "no reply");
  caf::scoped_actor self{sys_};
  self->request(store_, timeout_, set_atom::value, n)
      .receive(
          [&](versioned_value& result) {
            snapshots_->publish_value(result);
            out = write_outcome::success(std::move(result));
          },
          [&](caf::error& err) {
            out = failure_of(err);
            if (out.outcome == write_outcome::kind::not_synchronized)
              OV_LOG_DEBUG("write of {} refused: not synchronized yet", n);
            else
              OV_LOG_WARN("write of {} failed: {}", n, out.message);
          });
  return out;
}

write_outcome store_backend::write_if(int64_t n, const version& expected) {
  write_outcome out = write_outcome::failure(write_outcome::kind::failed, "no reply");
  caf::scoped_actor self{sys_};
  self->request(store_, timeout_, set_atom::value, n, expected)
      .receive(
          [&](bool written, versioned_value& result) {
            snapshots_->publish_value(result);
            out = written ? write_outcome::success(std::move(result))
                          : write_outcome::mismatch(std::move(result));
          },
          [&](caf::error& err) {
            out = failure_of(err);
            OV_LOG_WARN("conditional write of {} failed: {}", n, out.message);
          });
  return out;
}

watch_result store_backend::watch(uint64_t index, std::chrono::milliseconds wait) {
  return snapshots_->wait_for_index(index, wait);
}

} // namespace onevalue
