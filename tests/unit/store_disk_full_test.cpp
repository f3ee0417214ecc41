// The store actor on a full disk (issue 16, item 2): writes are refused with
// `disk_full`, reads keep the last acknowledged value, nothing on disk is replaced by
// a partial file, writes resume once space returns, and a start on a full disk serves
// the value it held. The disk is a fake file layer failing with ENOSPC.

#include "actors/store_actor.hpp"
#include "tests/unit/fake_file_layer.hpp"

#include <caf/all.hpp>
#include <doctest/doctest.h>

#include <cerrno>
#include <memory>

using namespace onevalue;
using onevalue::testing::fake_file_layer;

namespace {

struct disk_fixture {
  static caf::actor_system_config& init(caf::actor_system_config& cfg) {
    cfg.set("scheduler.policy", caf::atom("testing"));
    add_message_types(cfg);
    return cfg;
  }

  caf::actor_system_config cfg;
  caf::actor_system sys{init(cfg)};
  caf::scheduler::test_coordinator& sched =
      dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::scoped_actor self{sys};
  std::shared_ptr<fake_file_layer> files = std::make_shared<fake_file_layer>();

  store_open_result open() {
    store_config config;
    config.node = "n1";
    config.data_dir = "/data";
    config.files = files;
    config.detached_saver = false;
    return open_store(std::move(config));
  }

  store_actor spawn_opened(store_open_result opened) {
    REQUIRE_MESSAGE(opened.ok(), opened.error);
    auto hdl = sys.spawn(store, std::move(opened.config));
    sched.run();
    return hdl;
  }

  /// Makes every save fail at `step` as a full file system does.
  void fill_disk(const std::string& step = "write") {
    files->fail_on = step;
    files->fail_errno = ENOSPC;
  }

  void free_disk() { files->fail_on.clear(); }

  durable_state on_disk() { return *load_state(*files, "/data").state; }

  versioned_value get(const store_actor& hdl) {
    versioned_value result;
    auto pending = self->request(hdl, caf::infinite, get_atom::value);
    sched.run();
    pending.receive([&](const versioned_value& v) { result = v; },
                    [&](caf::error& err) { FAIL(sys.render(err)); });
    return result;
  }

  caf::expected<versioned_value> set(const store_actor& hdl, int64_t value) {
    caf::expected<versioned_value> result{caf::sec::none};
    auto pending = self->request(hdl, caf::infinite, set_atom::value, value);
    sched.run();
    pending.receive([&](const versioned_value& v) { result = v; },
                    [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  caf::error set_if_error(const store_actor& hdl, int64_t value, const version& v) {
    caf::error result;
    auto pending = self->request(hdl, caf::infinite, set_atom::value, value, v);
    sched.run();
    pending.receive([&](bool, const versioned_value&) {},
                    [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  store_state& state_of(const store_actor& hdl) {
    auto ptr = caf::actor_cast<caf::abstract_actor*>(hdl);
    return dynamic_cast<caf::stateful_actor<store_state, store_actor::base>&>(*ptr).state;
  }

  void stop(const store_actor& hdl) {
    caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
    sched.run();
  }
};

} // namespace

TEST_CASE_FIXTURE(disk_fixture,
                  "a full disk refuses writes with disk_full and reads keep working") {
  auto hdl = spawn_opened(open());
  auto acked = set(hdl, 5);
  REQUIRE(acked);
  const auto saved_before = on_disk();
  fill_disk();
  for (int i = 0; i < 3; ++i) {
    auto reply = set(hdl, 100 + i);
    REQUIRE_FALSE(reply);
    CHECK(reply.error() == make_error(store_error::disk_full));
    CHECK(get(hdl) == *acked);
  }
  CHECK(set_if_error(hdl, 7, acked->ver) == make_error(store_error::disk_full));
  // The state on disk is the acknowledged one, unchanged (each failed save put the
  // last saved state back into its slot).
  CHECK(on_disk() == saved_before);
  CHECK(on_disk().value == *acked);
  auto& st = state_of(hdl);
  CHECK(st.counters->writes_refused_disk_full == 4);
  CHECK(st.counters->save_failure_episodes == 1);
  CHECK(st.health.disk_full());
  stop(hdl);
}

TEST_CASE_FIXTURE(disk_fixture, "writes resume without a restart once space returns") {
  auto hdl = spawn_opened(open());
  REQUIRE(set(hdl, 5));
  for (std::string step : {"open", "write", "fsync", "close"}) {
    CAPTURE(step);
    fill_disk(step);
    REQUIRE_FALSE(set(hdl, 99));
    free_disk();
    auto reply = set(hdl, 6);
    REQUIRE(reply);
    CHECK(get(hdl) == *reply);
    CHECK(on_disk().value == *reply);
  }
  auto& st = state_of(hdl);
  CHECK_FALSE(st.health.failing());
  CHECK(st.counters->save_failure_episodes == 4);
  stop(hdl);
}

TEST_CASE_FIXTURE(disk_fixture,
                  "another disk error is persistence_failed, not disk_full") {
  auto hdl = spawn_opened(open());
  REQUIRE(set(hdl, 5));
  files->fail_on = "write";
  auto reply = set(hdl, 6);
  REQUIRE_FALSE(reply);
  CHECK(reply.error() == make_error(store_error::persistence_failed));
  stop(hdl);
}

TEST_CASE_FIXTURE(
    disk_fixture,
    "a restart on a full disk serves the value it held and refuses writes") {
  auto first = spawn_opened(open());
  auto acked = set(first, 5);
  REQUIRE(acked);
  stop(first);
  const auto held = on_disk();
  fill_disk("open");
  auto opened = open();
  REQUIRE_MESSAGE(opened.ok(), opened.error);
  CHECK(opened.incarnation == held.incarnation + 1);
  auto hdl = spawn_opened(std::move(opened));
  CHECK(get(hdl) == *acked);
  auto refused = set(hdl, 6);
  REQUIRE_FALSE(refused);
  CHECK(refused.error() == make_error(store_error::disk_full));
  CHECK(on_disk() == held);
  // Space returns: the next write also saves the incarnation raised at start.
  free_disk();
  auto reply = set(hdl, 7);
  REQUIRE(reply);
  CHECK(on_disk().value == *reply);
  CHECK(on_disk().incarnation == held.incarnation + 1);
  stop(hdl);
}

TEST_CASE_FIXTURE(disk_fixture,
                  "a new node on a full disk starts with its initial value") {
  fill_disk("open");
  auto hdl = spawn_opened(open());
  CHECK(get(hdl).value == default_initial_value);
  REQUIRE_FALSE(set(hdl, 3));
  CHECK(files->files.count("/data/state.0") == 0);
  CHECK(files->files.count("/data/state.1") == 0);
  free_disk();
  REQUIRE(set(hdl, 4));
  CHECK(on_disk().value.value == 4);
  CHECK(on_disk().incarnation == 1);
  stop(hdl);
}

TEST_CASE_FIXTURE(disk_fixture, "any other save failure at start still stops the start") {
  files->fail_on = "write";
  auto opened = open();
  CHECK_FALSE(opened.ok());
  CHECK(opened.error.find("/data/state") != std::string::npos);
}
