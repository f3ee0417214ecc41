#include "http/bridge/store_backend.hpp"

#include <caf/all.hpp>
#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <future>
#include <optional>

using namespace onevalue;

namespace {

// Every fake store takes an argument: CAF 0.17.6 dereferences a null argument tuple
// when spawning a function without arguments (UBSan reports it).

/// A store named `node` that acknowledges every write with counter 11.
store_actor::behavior_type accepting_store(std::string node) {
  return {
      [](get_atom) { return versioned_value{}; },
      [node](set_atom, int64_t n) {
        return versioned_value{n, {11, node}};
      },
      [](merge_atom, const versioned_value&, const std::string&) { return false; },
      [](subscribe_atom, const value_listener_actor&) {},
      [](set_atom, incarnation_atom, uint64_t inc) { return inc; },
      [node](set_atom, int64_t n,
             const version& expected) -> caf::result<bool, versioned_value> {
        // Matches only version {10, node}; otherwise reports {1, {10, node}} as current.
        if (expected == version{10, node})
          return {true, versioned_value{n, {11, node}}};
        return {false, versioned_value{1, {10, node}}};
      },
      [](sync_atom) {},
  };
}

/// A store that refuses every plain write with `err` (e.g. its disk fails) and every
/// conditional one as not synchronized.
store_actor::behavior_type refusing_store(store_error err) {
  return {
      [](get_atom) { return versioned_value{}; },
      [err](set_atom, int64_t) -> caf::result<versioned_value> {
        return make_error(err);
      },
      [](merge_atom, const versioned_value&, const std::string&) { return false; },
      [](subscribe_atom, const value_listener_actor&) {},
      [](set_atom, incarnation_atom, uint64_t inc) { return inc; },
      [](set_atom, int64_t, const version&) -> caf::result<bool, versioned_value> {
        return make_error(store_error::not_synchronized);
      },
      [](sync_atom) {},
  };
}

/// A store that never answers a write (it keeps the promise and drops it later).
store_actor::behavior_type silent_store(store_actor::pointer self, std::string) {
  return {
      [](get_atom) { return versioned_value{}; },
      [self](set_atom, int64_t) -> caf::result<versioned_value> {
        return self->make_response_promise<versioned_value>();
      },
      [](merge_atom, const versioned_value&, const std::string&) { return false; },
      [](subscribe_atom, const value_listener_actor&) {},
      [](set_atom, incarnation_atom, uint64_t inc) { return inc; },
      [](set_atom, int64_t, const version&) -> caf::result<bool, versioned_value> {
        return make_error(store_error::not_synchronized);
      },
      [](sync_atom) {},
  };
}

/// Waits (with a deadline) for the outcome a backend reports through its callback.
write_outcome await_write(const std::function<void(write_callback)>& start) {
  auto promise = std::make_shared<std::promise<write_outcome>>();
  auto future = promise->get_future();
  start([promise](write_outcome out) { promise->set_value(std::move(out)); });
  REQUIRE(future.wait_for(std::chrono::seconds{10}) == std::future_status::ready);
  return future.get();
}

write_outcome write(store_backend& backend, int64_t n) {
  return await_write([&](write_callback done) { backend.write(n, std::move(done)); });
}

write_outcome write_if(store_backend& backend, int64_t n, const version& expected) {
  return await_write(
      [&](write_callback done) { backend.write_if(n, expected, std::move(done)); });
}

/// A membership actor that answers every forced leave with `status` and `member`, or
/// never (keeping the promise) when `silent`; every other message is ignored.
membership_actor::behavior_type fake_membership(membership_actor::pointer self,
                                                force_leave_status status,
                                                member_info member, bool silent) {
  return {
      [](packet_atom, const member_info&, const swim_message&) {},
      [](merge_atom, const std::vector<member_update>&) {},
      [](merge_atom, const member_list&, const std::string&) {},
      [](tick_atom) {},
      [](get_atom) { return member_list{}; },
      [](subscribe_atom, const member_listener_actor&) {},
      [](leave_atom) { return true; },
      [=](leave_atom,
          const std::string&) -> caf::result<force_leave_status, member_info> {
        if (silent)
          return self->make_response_promise<force_leave_status, member_info>();
        return {status, member};
      },
      [](get_atom, metrics_atom) { return membership_metrics{}; },
  };
}

/// Waits (with a deadline) for the outcome of a forced leave through `backend`.
leave_outcome force_leave(store_backend& backend, const std::string& name) {
  auto promise = std::make_shared<std::promise<leave_outcome>>();
  auto future = promise->get_future();
  backend.force_leave(
      name, [promise](leave_outcome out) { promise->set_value(std::move(out)); });
  REQUIRE(future.wait_for(std::chrono::seconds{10}) == std::future_status::ready);
  return future.get();
}

struct backend_fixture {
  static caf::actor_system_config& init(caf::actor_system_config& cfg) {
    add_message_types(cfg);
    cfg.set("scheduler.max-threads", 2);
    return cfg;
  }
  caf::actor_system_config cfg;
  caf::actor_system sys{init(cfg)};
  std::shared_ptr<snapshot_store> snapshots = std::make_shared<snapshot_store>("n1");
  /// No membership: the write tests never force a member out.
  membership_actor membership;
};

} // namespace

TEST_CASE_FIXTURE(backend_fixture,
                  "a successful write returns and publishes the new value") {
  auto store = sys.spawn(accepting_store, "n1");
  store_backend backend{sys, store, membership, snapshots, std::chrono::seconds(5)};
  auto out = write(backend, 5);
  CHECK(out.outcome == write_outcome::kind::ok);
  CHECK(out.value == versioned_value{5, {11, "n1"}});
  CHECK(backend.view()->value == versioned_value{5, {11, "n1"}});
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(backend_fixture, "a persistence failure maps to persistence_failed") {
  auto store = sys.spawn(refusing_store, store_error::persistence_failed);
  store_backend backend{sys, store, membership, snapshots, std::chrono::seconds(5)};
  auto out = write(backend, 5);
  CHECK(out.outcome == write_outcome::kind::persistence_failed);
  CHECK(out.message.find("persistence_failed") != std::string::npos);
  CHECK(backend.view()->value.value == 0);
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(backend_fixture, "a full disk maps to disk_full") {
  auto store = sys.spawn(refusing_store, store_error::disk_full);
  store_backend backend{sys, store, membership, snapshots, std::chrono::seconds(5)};
  auto out = write(backend, 5);
  CHECK(out.outcome == write_outcome::kind::disk_full);
  CHECK(out.message.find("disk_full") != std::string::npos);
  CHECK(backend.view()->value.value == 0);
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(backend_fixture,
                  "a store that does not answer in time maps to timeout") {
  auto store = sys.spawn(silent_store, "n1");
  store_backend backend{sys, store, membership, snapshots, std::chrono::milliseconds(20)};
  auto out = write(backend, 5);
  CHECK(out.outcome == write_outcome::kind::timeout);
  CHECK(out.message.find("20 ms") != std::string::npos);
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(backend_fixture, "a dead store maps to failed") {
  auto store = sys.spawn(accepting_store, "n1");
  caf::anon_send_exit(store, caf::exit_reason::kill);
  {
    caf::scoped_actor self{sys};
    self->wait_for(store);
  }
  store_backend backend{sys, store, membership, snapshots, std::chrono::seconds(5)};
  auto out = write(backend, 5);
  CHECK(out.outcome == write_outcome::kind::failed);
  CHECK_FALSE(out.message.empty());
}

TEST_CASE_FIXTURE(backend_fixture,
                  "a store not yet synchronized maps to not_synchronized") {
  auto store = sys.spawn(refusing_store, store_error::not_synchronized);
  store_backend backend{sys, store, membership, snapshots, std::chrono::seconds(5)};
  CHECK(write(backend, 5).outcome == write_outcome::kind::not_synchronized);
  CHECK(write_if(backend, 5, {0, ""}).outcome == write_outcome::kind::not_synchronized);
  CHECK(backend.view()->value.value == 0);
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(
    backend_fixture,
    "a conditional write returns the new value or the store's current one") {
  auto store = sys.spawn(accepting_store, "n1");
  store_backend backend{sys, store, membership, snapshots, std::chrono::seconds(5)};
  auto mismatch = write_if(backend, 5, {9, "n1"});
  CHECK(mismatch.outcome == write_outcome::kind::precondition_failed);
  CHECK(mismatch.value == versioned_value{1, {10, "n1"}});
  auto written = write_if(backend, 5, {10, "n1"});
  CHECK(written.outcome == write_outcome::kind::ok);
  CHECK(written.value == versioned_value{5, {11, "n1"}});
  CHECK(backend.view()->value == versioned_value{5, {11, "n1"}});
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(backend_fixture,
                  "a blocking read through the backend waits on snapshots") {
  auto store = sys.spawn(accepting_store, "n1");
  store_backend backend{sys, store, membership, snapshots, std::chrono::seconds(5)};
  snapshots->publish_value({3, {4, "n2"}});
  std::optional<watch_result> result;
  backend.watch(4, std::chrono::hours{1}, [&](watch_result r) { result = std::move(r); });
  CHECK_FALSE(result);
  CHECK(snapshots->watchers() == 1);
  snapshots->publish_value({4, {5, "n2"}}); // answers on this thread
  REQUIRE(result);
  CHECK(result->status == watch_status::done);
  CHECK(result->view->value.ver.counter == 5);
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(backend_fixture,
                  "many writes in flight at once are each answered exactly once") {
  auto store = sys.spawn(accepting_store, "n1");
  store_backend backend{sys, store, membership, snapshots, std::chrono::seconds(5)};
  constexpr int writes = 2000;
  auto answered = std::make_shared<std::atomic<int>>(0);
  auto succeeded = std::make_shared<std::atomic<int>>(0);
  auto all_in = std::make_shared<std::promise<void>>();
  for (int i = 0; i < writes; ++i)
    backend.write(i, [=](const write_outcome& out) {
      if (out.outcome == write_outcome::kind::ok)
        ++*succeeded;
      if (++*answered == writes)
        all_in->set_value();
    });
  auto done = all_in->get_future();
  REQUIRE(done.wait_for(std::chrono::seconds{10}) == std::future_status::ready);
  CHECK(*answered == writes);
  CHECK(*succeeded == writes);
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(
    backend_fixture,
    "writes still waiting when the backend goes away are answered as failed") {
  auto store = sys.spawn(silent_store, "n1");
  auto answered = std::make_shared<std::promise<write_outcome>>();
  auto outcome = answered->get_future();
  {
    store_backend backend{sys, store, membership, snapshots, std::chrono::hours(1)};
    backend.write(5,
                  [answered](write_outcome out) { answered->set_value(std::move(out)); });
  }
  REQUIRE(outcome.wait_for(std::chrono::seconds{10}) == std::future_status::ready);
  auto out = outcome.get();
  CHECK(out.outcome == write_outcome::kind::failed);
  CHECK(out.message == "the node is shutting down");
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(backend_fixture,
                  "a forced leave reports membership's answer with the member's entry") {
  auto store = sys.spawn(accepting_store, "n1");
  member_info n3{"n3", "127.0.0.3", 7946, 8080, member_state::left, 2};
  struct status_case {
    force_leave_status status;
    leave_outcome::kind expected;
  };
  const status_case cases[] = {
      {force_leave_status::left, leave_outcome::kind::ok},
      {force_leave_status::already_left, leave_outcome::kind::ok},
      {force_leave_status::unknown, leave_outcome::kind::unknown_member},
      {force_leave_status::not_failed, leave_outcome::kind::not_failed},
      {force_leave_status::self, leave_outcome::kind::self},
  };
  for (const auto& c : cases) {
    CAPTURE(to_string(c.status));
    membership = sys.spawn(fake_membership, c.status, n3, false);
    store_backend backend{sys, store, membership, snapshots, std::chrono::seconds(5)};
    auto out = force_leave(backend, "n3");
    CHECK(out.outcome == c.expected);
    CHECK(out.member == n3);
    caf::anon_send_exit(membership, caf::exit_reason::user_shutdown);
  }
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(backend_fixture,
                  "a forced leave that membership does not answer in time is a timeout") {
  auto store = sys.spawn(accepting_store, "n1");
  membership = sys.spawn(fake_membership, force_leave_status::left, member_info{}, true);
  store_backend backend{sys, store, membership, snapshots, std::chrono::milliseconds(20)};
  auto out = force_leave(backend, "n3");
  CHECK(out.outcome == leave_outcome::kind::timeout);
  CHECK(out.message.find("20 ms") != std::string::npos);
  caf::anon_send_exit(membership, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(backend_fixture, "a forced leave without a live membership is failed") {
  auto store = sys.spawn(accepting_store, "n1");
  membership = sys.spawn(fake_membership, force_leave_status::left, member_info{}, false);
  caf::anon_send_exit(membership, caf::exit_reason::kill);
  {
    caf::scoped_actor self{sys};
    self->wait_for(membership);
  }
  store_backend backend{sys, store, membership, snapshots, std::chrono::seconds(5)};
  auto out = force_leave(backend, "n3");
  CHECK(out.outcome == leave_outcome::kind::failed);
  CHECK_FALSE(out.message.empty());
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
}
