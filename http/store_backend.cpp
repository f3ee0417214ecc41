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
            if (err == caf::sec::request_timeout) {
              out = write_outcome::failure(
                  write_outcome::kind::timeout,
                  "the store did not answer within "
                      + std::to_string(
                          std::chrono::duration_cast<std::chrono::milliseconds>(timeout_)
                              .count())
                      + " ms");
            } else if (err.category() == caf::atom("store")
                       && err.code()
                              == static_cast<uint8_t>(store_error::persistence_failed)) {
              out = write_outcome::failure(write_outcome::kind::persistence_failed,
                                           sys_.render(err));
            } else {
              out = write_outcome::failure(write_outcome::kind::failed, sys_.render(err));
            }
            OV_LOG_WARN("write of {} failed: {}", n, out.message);
          });
  return out;
}

} // namespace onevalue
