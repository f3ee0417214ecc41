#include "actors/store_actor.hpp"
#include "tests/unit/fake_file_layer.hpp"

#include <caf/all.hpp>
#include <doctest/doctest.h>

#include <filesystem>
#include <limits>
#include <memory>
#include <vector>

using namespace onevalue;
using onevalue::testing::fake_file_layer;

namespace {

/// Everything a test listener has received, shared with the test body.
using received_values = std::shared_ptr<std::vector<versioned_value>>;

value_listener_actor::behavior_type recording_listener(received_values into) {
  return {[into](update_atom, const versioned_value& v) { into->push_back(v); },
          [](sync_atom) {}};
}

struct store_fixture {
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

  /// Opens and spawns a durable store over the fake files in "/data".
  /// With `unflushed_window`, saves of merged values may skip fdatasync within it.
  store_actor spawn_durable(const std::string& node = "n1",
                            std::chrono::milliseconds unflushed_window = {}) {
    store_config config;
    config.node = node;
    config.data_dir = "/data";
    config.files = files;
    config.detached_saver = false;
    config.unflushed_window = unflushed_window;
    auto opened = open_store(std::move(config));
    REQUIRE_MESSAGE(opened.ok(), opened.error);
    auto hdl = sys.spawn(store, std::move(opened.config));
    sched.run();
    return hdl;
  }

  /// A durable store that waits for the cluster before taking writes.
  store_actor spawn_unsynchronized() {
    store_config config;
    config.node = "n1";
    config.data_dir = "/data";
    config.files = files;
    config.detached_saver = false;
    config.synchronized = false;
    auto opened = open_store(std::move(config));
    REQUIRE_MESSAGE(opened.ok(), opened.error);
    auto hdl = sys.spawn(store, std::move(opened.config));
    sched.run();
    return hdl;
  }

  /// Sends a conditional set and runs everything; returns (written, value) or error.
  caf::expected<std::pair<bool, versioned_value>>
  set_if(const store_actor& hdl, int64_t value, const version& expected) {
    caf::expected<std::pair<bool, versioned_value>> result{caf::sec::none};
    auto pending = self->request(hdl, caf::infinite, set_atom::value, value, expected);
    sched.run();
    pending.receive(
        [&](bool written, const versioned_value& v) {
          result = std::make_pair(written, v);
        },
        [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  store_actor spawn_in_memory() {
    store_config config;
    config.node = "n1";
    auto hdl = sys.spawn(store, open_store(std::move(config)).config);
    sched.run();
    return hdl;
  }

  versioned_value get(const store_actor& hdl) {
    versioned_value result;
    auto pending = self->request(hdl, caf::infinite, get_atom::value);
    sched.run();
    pending.receive([&](const versioned_value& v) { result = v; },
                    [&](caf::error& err) { FAIL(sys.render(err)); });
    return result;
  }

  /// Sends a set and runs everything; returns the reply or the error.
  caf::expected<versioned_value> set(const store_actor& hdl, int64_t value) {
    caf::expected<versioned_value> result{caf::sec::none};
    auto pending = self->request(hdl, caf::infinite, set_atom::value, value);
    sched.run();
    pending.receive([&](const versioned_value& v) { result = v; },
                    [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  bool merge(const store_actor& hdl, const versioned_value& v) {
    bool result = false;
    auto pending =
        self->request(hdl, caf::infinite, merge_atom::value, v, std::string{"n3"});
    sched.run();
    pending.receive([&](bool accepted) { result = accepted; },
                    [&](caf::error& err) { FAIL(sys.render(err)); });
    return result;
  }

  group_commit& core_of(const store_actor& hdl) {
    auto ptr = caf::actor_cast<caf::abstract_actor*>(hdl);
    return *dynamic_cast<caf::stateful_actor<store_state, store_actor::base>&>(*ptr)
                .state.commit;
  }

  /// Spawns a listener from `behaviour(args...)`, subscribes it to `hdl` and runs
  /// everything (the subscription's first update included); stop it with anon_send_exit.
  template <class Behaviour, class... Ts>
  value_listener_actor subscribe(const store_actor& hdl, Behaviour behaviour,
                                 Ts... args) {
    auto listener = sys.spawn(behaviour, std::move(args)...);
    caf::anon_send(hdl, subscribe_atom::value, value_listener_actor{listener});
    sched.run();
    return listener;
  }

  /// A push-pull's end as the gossip actor reports it: the peer's value merged, then the
  /// sync announcement right behind it (before the merge's save has finished); runs
  /// everything.
  void merge_then_sync(const store_actor& hdl, const versioned_value& v) {
    caf::anon_send(hdl, merge_atom::value, v, std::string{"n1"});
    caf::anon_send(hdl, sync_atom::value);
    sched.run();
  }

  void stop(const store_actor& hdl) {
    caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
    sched.run();
  }
};

} // namespace

TEST_CASE_FIXTURE(store_fixture, "a new store serves the blog's initial value 42") {
  auto hdl = spawn_in_memory();
  CHECK(get(hdl) == versioned_value{42, {0, ""}});
  stop(hdl);
}

TEST_CASE_FIXTURE(store_fixture, "the first set replies with counter 1 and is on disk") {
  auto hdl = spawn_durable();
  auto reply = set(hdl, 5);
  REQUIRE(reply);
  CHECK(*reply == versioned_value{5, {1, "n1"}});
  CHECK(get(hdl) == *reply);
  CHECK(load_state(*files, "/data").state->value == *reply);
  stop(hdl);
}

TEST_CASE_FIXTURE(store_fixture, "without a data dir a set is acknowledged at once") {
  auto hdl = spawn_in_memory();
  auto reply = set(hdl, 7);
  REQUIRE(reply);
  CHECK(*reply == versioned_value{7, {1, "n1"}});
  CHECK(files->files.empty());
  stop(hdl);
}

TEST_CASE_FIXTURE(store_fixture,
                  "an older remote value is rejected and changes nothing") {
  auto hdl = spawn_durable();
  REQUIRE(set(hdl, 5));
  REQUIRE(set(hdl, 6));
  CHECK_FALSE(merge(hdl, {9, {1, "n2"}}));
  CHECK(get(hdl).value == 6);
  stop(hdl);
}

TEST_CASE_FIXTURE(store_fixture,
                  "a newer remote value reaches every listener and advances the clock") {
  auto hdl = spawn_durable();
  auto seen = std::make_shared<std::vector<versioned_value>>();
  auto listener = sys.spawn(recording_listener, seen);
  caf::anon_send(hdl, subscribe_atom::value, listener);
  sched.run();
  REQUIRE(seen->size() == 1);
  CHECK(seen->back().value == 42);
  CHECK(merge(hdl, {9, {5, "n2"}}));
  REQUIRE(seen->size() == 2);
  CHECK(seen->back() == versioned_value{9, {5, "n2"}});
  CHECK(load_state(*files, "/data").state->value.value == 9);
  auto reply = set(hdl, 10);
  REQUIRE(reply);
  CHECK(reply->ver.counter == 6);
  REQUIRE(seen->size() == 3);
  CHECK(seen->back() == *reply);
  caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
  stop(hdl);
}

TEST_CASE_FIXTURE(store_fixture,
                  "a remote value reaches listeners and reads only once saved") {
  auto hdl = spawn_durable();
  auto read = std::make_shared<std::vector<versioned_value>>();
  auto reader = sys.spawn(recording_listener, read);
  caf::anon_send(hdl, subscribe_atom::value, reader);
  sched.run();
  // The save holding the remote value does not complete (as if the node were killed
  // before it did): no reader may see the value, since a restart would not have it.
  files->fail_on = "fsync";
  const auto files_before = files->files;
  const versioned_value remote{9, {5, "n2"}};
  CHECK(merge(hdl, remote));
  CHECK(read->size() == 1);
  CHECK(read->back().value == 42);
  CHECK(get(hdl).value == 42);
  CHECK(load_state(*files, "/data").state->value.value == 42);
  CHECK(files->files == files_before);
  // Space and disk are back: the next remote value's save holds it, and readers see it.
  files->fail_on.clear();
  const versioned_value newer{10, {6, "n2"}};
  CHECK(merge(hdl, newer));
  REQUIRE(read->size() == 2);
  CHECK(read->back() == newer);
  CHECK(get(hdl) == newer);
  CHECK(load_state(*files, "/data").state->value == newer);
  caf::anon_send_exit(reader, caf::exit_reason::user_shutdown);
  stop(hdl);
}

TEST_CASE_FIXTURE(store_fixture,
                  "without a data dir a remote value is readable at once") {
  auto hdl = spawn_in_memory();
  auto read = std::make_shared<std::vector<versioned_value>>();
  auto reader = sys.spawn(recording_listener, read);
  caf::anon_send(hdl, subscribe_atom::value, reader);
  sched.run();
  const versioned_value remote{9, {5, "n2"}};
  CHECK(merge(hdl, remote));
  REQUIRE(read->size() == 2);
  CHECK(read->back() == remote);
  CHECK(get(hdl) == remote);
  caf::anon_send_exit(reader, caf::exit_reason::user_shutdown);
  stop(hdl);
}

TEST_CASE_FIXTURE(store_fixture,
                  "a failing disk fails the set and leaves the value unchanged") {
  auto hdl = spawn_durable();
  REQUIRE(set(hdl, 5));
  for (std::string step : {"open", "write", "fsync", "close"}) {
    CAPTURE(step);
    files->fail_on = step;
    auto reply = set(hdl, 99);
    REQUIRE_FALSE(reply);
    CHECK(reply.error() == make_error(store_error::persistence_failed));
    CHECK(get(hdl) == versioned_value{5, {1, "n1"}});
  }
  files->fail_on.clear();
  auto reply = set(hdl, 6);
  REQUIRE(reply);
  CHECK(reply->ver.counter > 1);
  CHECK(get(hdl).value == 6);
  stop(hdl);
}

TEST_CASE_FIXTURE(store_fixture, "writes arriving during a save share one fsync") {
  auto hdl = spawn_durable();
  const auto fsyncs_before = files->fsync_calls;
  const auto renames_before = files->renames;
  std::vector<decltype(self->request(hdl, caf::infinite, set_atom::value, int64_t{0}))>
      pending;
  for (int64_t i = 1; i <= 5; ++i)
    pending.push_back(self->request(hdl, caf::infinite, set_atom::value, i));
  sched.run();
  std::vector<uint64_t> counters;
  for (auto& p : pending)
    p.receive([&](const versioned_value& v) { counters.push_back(v.ver.counter); },
              [&](caf::error& err) { FAIL(sys.render(err)); });
  CHECK(counters == std::vector<uint64_t>{1, 2, 3, 4, 5});
  // The first write starts a save alone; the other four queue behind it and share the
  // second one. Each save costs one fdatasync (a slot rewritten in place).
  CHECK(files->fsync_calls - fsyncs_before == 2);
  CHECK(files->renames == renames_before);
  CHECK(get(hdl).value == 5);
  stop(hdl);
}

TEST_CASE_FIXTURE(store_fixture,
                  "a restarted store reloads value and clock and bumps the incarnation") {
  auto first = spawn_durable();
  REQUIRE(set(first, 5));
  REQUIRE(merge(first, {8, {20, "n2"}}));
  stop(first);
  auto second = spawn_durable();
  CHECK(get(second) == versioned_value{8, {20, "n2"}});
  CHECK(core_of(second).clock() == 20);
  CHECK(core_of(second).durable().incarnation == 2);
  auto reply = set(second, 9);
  REQUIRE(reply);
  CHECK(reply->ver == version{21, "n1"});
  stop(second);
}

TEST_CASE_FIXTURE(store_fixture, "a second store on a locked data dir is refused") {
  auto first = spawn_durable();
  store_config config;
  config.node = "n1";
  config.data_dir = "/data";
  config.files = files;
  auto opened = open_store(config);
  CHECK_FALSE(opened.ok());
  CHECK(opened.error.find("/data") != std::string::npos);
  CHECK(opened.error.find("another onevalue process") != std::string::npos);
  stop(first);
}

TEST_CASE_FIXTURE(store_fixture,
                  "a corrupt state file stops the start unless reset is asked for") {
  files->files["/data/state"] = "onevalue-state\nformat=1\nvalue=5\n";
  store_config config;
  config.node = "n1";
  config.data_dir = "/data";
  config.files = files;
  auto refused = open_store(config);
  CHECK_FALSE(refused.ok());
  CHECK(refused.error.find("/data/state") != std::string::npos);
  refused = {};
  auto reset = open_store(config, true);
  REQUIRE(reset.ok());
  CHECK(reset.config.restored->value.value == 42);
  CHECK(files->files.count("/data/state.corrupt") == 1);
}

TEST_CASE_FIXTURE(store_fixture,
                  "two corrupt state slots stop the start unless reset is asked for") {
  store_config config;
  config.node = "n1";
  config.data_dir = "/data";
  config.files = files;
  auto opened = open_store(config);
  REQUIRE(opened.ok());
  opened = {}; // releases the data dir's lock
  files->files["/data/state.0"][3] = 'X';
  files->files["/data/state.1"][3] = 'X';
  auto refused = open_store(config);
  CHECK_FALSE(refused.ok());
  CHECK(refused.error.find("/data/state.0") != std::string::npos);
  CHECK(refused.error.find("/data/state.1") != std::string::npos);
  refused = {};
  auto reset = open_store(config, true);
  REQUIRE(reset.ok());
  CHECK(reset.config.restored->value.value == 42);
  CHECK(files->files.count("/data/state.0.corrupt") == 1);
  CHECK(files->files.count("/data/state.1.corrupt") == 1);
  // Then the marker, which said the state was in the slots, moved aside too; a new
  // one is written.
  CHECK(files->files["/data/state.corrupt"] == state_moved_marker);
  CHECK(files->files["/data/state"] == state_moved_marker);
  CHECK(load_state(*files, "/data").state->incarnation == 1);
  // A second reset keeps what the first moved aside.
  reset = {};
  files->files["/data/state.0"][3] = 'X';
  files->files["/data/state.1"][3] = 'X';
  REQUIRE(open_store(config, true).ok());
  CHECK(files->files.count("/data/state.0.corrupt.2") == 1);
  CHECK(files->files.count("/data/state.1.corrupt.2") == 1);
  CHECK(files->files.count("/data/state.corrupt.2") == 1);
}

TEST_CASE_FIXTURE(store_fixture,
                  "reset-state after a first start cut short uses the intact old file") {
  // An upgrade's first start died while creating the slots: state.0 holds garbage, the
  // old layout's file is intact. Reset moves the slot aside and starts from that file.
  files->files["/data/state"] = *encode_state({{5, {7, "n2"}}, 9, 3});
  files->files["/data/state.0"] = "garbage";
  store_config config;
  config.node = "n1";
  config.data_dir = "/data";
  config.files = files;
  auto refused = open_store(config);
  CHECK_FALSE(refused.ok());
  CHECK(refused.error.find("is intact") != std::string::npos);
  refused = {};
  auto reset = open_store(config, true);
  REQUIRE_MESSAGE(reset.ok(), reset.error);
  CHECK(reset.config.restored->value.value == 5);
  CHECK(reset.config.restored->incarnation == 4);
  CHECK(files->files.count("/data/state.0.corrupt") == 1);
  CHECK(files->files["/data/state"] == state_moved_marker);
}

TEST_CASE_FIXTURE(store_fixture,
                  "with an unflushed window, merged values are saved without fdatasync "
                  "and writes and incarnations with it") {
  auto hdl = spawn_durable("n1", std::chrono::hours{1});
  const auto before = files->fsync_calls;
  CHECK(merge(hdl, {5, {10, "n2"}})); // the first save since the start is flushed
  CHECK(files->fsync_calls == before + 1);
  CHECK(merge(hdl, {6, {11, "n2"}}));
  CHECK(merge(hdl, {7, {12, "n2"}}));
  CHECK(files->fsync_calls == before + 1); // within the hour: written, not flushed
  CHECK(get(hdl).value == 7);              // readable once written
  CHECK(load_state(*files, "/data").state->value.value == 7); // in its slot file
  // A raised incarnation is waited for: flushed.
  auto pending = self->request(hdl, caf::infinite, set_atom::value,
                               incarnation_atom::value, uint64_t{9});
  sched.run();
  pending.receive([](uint64_t inc) { CHECK(inc == 9); },
                  [&](caf::error& err) { FAIL(sys.render(err)); });
  CHECK(files->fsync_calls == before + 2);
  // So is a local write (acknowledged on the store's own save).
  REQUIRE(set(hdl, 8));
  CHECK(files->fsync_calls == before + 3);
  CHECK(merge(hdl, {9, {20, "n2"}}));
  CHECK(files->fsync_calls == before + 3);
  stop(hdl);
}

TEST_CASE_FIXTURE(store_fixture, "after a failed save the next save is flushed") {
  auto hdl = spawn_durable("n1", std::chrono::hours{1});
  CHECK(merge(hdl, {5, {10, "n2"}})); // flushed: the first
  CHECK(merge(hdl, {6, {11, "n2"}})); // unflushed
  files->fail_on = "write";
  CHECK(merge(hdl, {7, {12, "n2"}})); // accepted into the register; its save fails
  files->fail_on.clear();
  const auto before = files->fsync_calls;
  CHECK(merge(hdl, {8, {13, "n2"}}));
  // Flushed although within the hour: a failed save does not count as the last flush.
  CHECK(files->fsync_calls == before + 1);
  CHECK(get(hdl).value == 8);
  CHECK(load_state(*files, "/data").state->value.value == 8);
  stop(hdl);
}

TEST_CASE_FIXTURE(store_fixture, "without an unflushed window every save is flushed") {
  auto hdl = spawn_durable();
  const auto before = files->fsync_calls;
  CHECK(merge(hdl, {5, {10, "n2"}}));
  CHECK(merge(hdl, {6, {11, "n2"}}));
  CHECK(files->fsync_calls == before + 2);
  stop(hdl);
}

TEST_CASE_FIXTURE(store_fixture, "a raised incarnation is persisted before the reply") {
  auto hdl = spawn_durable();
  uint64_t durable = 0;
  auto pending = self->request(hdl, caf::infinite, set_atom::value,
                               incarnation_atom::value, uint64_t{7});
  sched.run();
  pending.receive([&](uint64_t inc) { durable = inc; },
                  [&](caf::error& err) { FAIL(sys.render(err)); });
  CHECK(durable == 7);
  CHECK(load_state(*files, "/data").state->incarnation == 7);
  stop(hdl);
}

TEST_CASE(
    "with the real scheduler a detached saver persists writes to a real directory") {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "onevalue-store-XXXXXX").string();
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  const std::string data_dir = pattern + "/data"; // open_store creates it
  {
    caf::actor_system_config cfg;
    add_message_types(cfg);
    caf::actor_system sys{cfg};
    store_config config;
    config.node = "n1";
    config.data_dir = data_dir;
    auto opened = open_store(std::move(config));
    REQUIRE_MESSAGE(opened.ok(), opened.error);
    CHECK(opened.incarnation == 1);
    auto hdl = sys.spawn(store, std::move(opened.config));
    caf::scoped_actor self{sys};
    for (int64_t i = 1; i <= 3; ++i)
      self->request(hdl, std::chrono::seconds(10), set_atom::value, i)
          .receive(
              [&](const versioned_value& v) {
                CHECK(v.ver.counter == static_cast<uint64_t>(i));
              },
              [&](caf::error& err) { FAIL(sys.render(err)); });
    self->send_exit(hdl, caf::exit_reason::user_shutdown);
    self->wait_for(hdl);
  }
  auto loaded = load_state(*posix_file_layer(), data_dir);
  REQUIRE(loaded.state);
  CHECK(loaded.state->value == versioned_value{3, {3, "n1"}});
  std::filesystem::remove_all(pattern);
}

namespace {

/// Counts the sync announcements a listener received.
value_listener_actor::behavior_type sync_counter(std::shared_ptr<int> syncs) {
  return {[](update_atom, const versioned_value&) {}, [syncs](sync_atom) { ++*syncs; }};
}

bool is_store_error(const caf::error& err, store_error code) {
  return err.category() == caf::atom("store") && err.code() == static_cast<uint8_t>(code);
}

} // namespace

TEST_CASE_FIXTURE(
    store_fixture,
    "before synchronizing the store refuses writes but merges remote values") {
  auto hdl = spawn_unsynchronized();
  auto reply = set(hdl, 5);
  REQUIRE_FALSE(reply);
  CHECK(is_store_error(reply.error(), store_error::not_synchronized));
  auto conditional = set_if(hdl, 5, {0, ""});
  REQUIRE_FALSE(conditional);
  CHECK(is_store_error(conditional.error(), store_error::not_synchronized));
  CHECK(merge(hdl, {8, {20, "n2"}}));
  CHECK(get(hdl) == versioned_value{8, {20, "n2"}});
  stop(hdl);
}

TEST_CASE_FIXTURE(store_fixture,
                  "after the sync announcement a write is ordered after merged values") {
  auto hdl = spawn_unsynchronized();
  auto syncs = std::make_shared<int>(0);
  auto listener = subscribe(hdl, sync_counter, syncs);
  CHECK(*syncs == 0);
  REQUIRE(merge(hdl, {8, {20, "n2"}}));
  caf::anon_send(hdl, sync_atom::value);
  caf::anon_send(hdl, sync_atom::value); // a second one changes nothing
  sched.run();
  CHECK(*syncs == 1);
  auto reply = set(hdl, 9);
  REQUIRE(reply);
  CHECK(reply->ver == version{21, "n1"});
  caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
  stop(hdl);
}

namespace {

/// Records what a listener hears, in order: "value N" or "sync".
value_listener_actor::behavior_type
event_recorder(std::shared_ptr<std::vector<std::string>> events) {
  return {[events](update_atom, const versioned_value& v) {
            events->push_back("value " + std::to_string(v.value));
          },
          [events](sync_atom) { events->push_back("sync"); }};
}

} // namespace

TEST_CASE_FIXTURE(store_fixture,
                  "a sync that arrives while its value is being saved waits for it") {
  // A push-pull merges the cluster's value and announces the sync at once; the value is
  // readable only once saved. The node must not say it is synchronized (health 200)
  // while it still serves the value from before the sync.
  auto hdl = spawn_unsynchronized();
  auto events = std::make_shared<std::vector<std::string>>();
  auto listener = subscribe(hdl, event_recorder, events);
  events->clear();
  merge_then_sync(hdl, {365, {65, "n3"}});
  CHECK(*events == std::vector<std::string>{"value 365", "sync"});
  auto reply = set(hdl, 9);
  REQUIRE(reply);
  CHECK(reply->ver == version{66, "n1"});
  caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
  stop(hdl);
}

TEST_CASE_FIXTURE(store_fixture,
                  "a sync waiting for a save that fails takes effect, and writes retry") {
  auto hdl = spawn_unsynchronized();
  auto syncs = std::make_shared<int>(0);
  auto listener = subscribe(hdl, sync_counter, syncs);
  files->fail_on = "fsync";
  files->fail_errno = ENOSPC;
  merge_then_sync(hdl, {365, {65, "n3"}});
  CHECK(*syncs == 1); // synchronized, serving its durable value
  CHECK(get(hdl).value == 42);
  files->fail_on.clear(); // space is back: the next write saves both
  auto reply = set(hdl, 9);
  REQUIRE(reply);
  CHECK(reply->ver == version{66, "n1"});
  caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
  stop(hdl);
}

TEST_CASE_FIXTURE(store_fixture,
                  "a listener subscribing after the sync hears of it at once") {
  auto hdl = spawn_durable(); // synchronized by default: alone by configuration
  auto syncs = std::make_shared<int>(0);
  auto listener = subscribe(hdl, sync_counter, syncs);
  CHECK(*syncs == 1);
  caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
  stop(hdl);
}

TEST_CASE_FIXTURE(store_fixture,
                  "a conditional write with the current version is durable") {
  auto hdl = spawn_durable();
  auto first = set(hdl, 5);
  REQUIRE(first);
  auto reply = set_if(hdl, 6, first->ver);
  REQUIRE(reply);
  CHECK(reply->first);
  CHECK(reply->second == versioned_value{6, {2, "n1"}});
  CHECK(load_state(*files, "/data").state->value == reply->second);
  stop(hdl);
}

TEST_CASE_FIXTURE(
    store_fixture,
    "a conditional write with a stale version writes nothing and says why") {
  auto hdl = spawn_durable();
  REQUIRE(set(hdl, 5));
  REQUIRE(merge(hdl, {7, {4, "n2"}}));
  const auto fsyncs_before = files->fsync_calls;
  auto reply = set_if(hdl, 6, {1, "n1"});
  REQUIRE(reply);
  CHECK_FALSE(reply->first);
  CHECK(reply->second == versioned_value{7, {4, "n2"}});
  CHECK(get(hdl).value == 7);
  CHECK(files->fsync_calls == fsyncs_before);
  stop(hdl);
}

TEST_CASE_FIXTURE(
    store_fixture,
    "of two conditional writes on the same version only the first succeeds") {
  auto hdl = spawn_durable();
  auto base = set(hdl, 5);
  REQUIRE(base);
  // Both arrive before the first one's save finishes: the check must see the
  // staged write, not only the visible value.
  auto a = self->request(hdl, caf::infinite, set_atom::value, int64_t{10}, base->ver);
  auto b = self->request(hdl, caf::infinite, set_atom::value, int64_t{20}, base->ver);
  sched.run();
  std::vector<std::pair<bool, int64_t>> replies;
  for (auto* p : {&a, &b})
    p->receive([&](bool written,
                   const versioned_value& v) { replies.emplace_back(written, v.value); },
               [&](caf::error& err) { FAIL(sys.render(err)); });
  REQUIRE(replies.size() == 2);
  CHECK(replies[0] == std::make_pair(true, int64_t{10}));
  CHECK_FALSE(replies[1].first);
  CHECK(get(hdl).value == 10);
  stop(hdl);
}

TEST_CASE_FIXTURE(
    store_fixture,
    "a write at counter 2^64-1 is refused as version_exhausted, nothing saved") {
  constexpr uint64_t top = std::numeric_limits<uint64_t>::max();
  files->files["/data/state"] = *encode_state({{5, {top, "n2"}}, top, 3});
  auto hdl = spawn_durable();
  const auto on_disk = files->files;
  auto reply = set(hdl, 6);
  REQUIRE_FALSE(reply);
  CHECK(is_store_error(reply.error(), store_error::version_exhausted));
  auto conditional = set_if(hdl, 6, {top, "n2"});
  REQUIRE_FALSE(conditional);
  CHECK(is_store_error(conditional.error(), store_error::version_exhausted));
  CHECK(get(hdl) == versioned_value{5, {top, "n2"}});
  CHECK(files->files == on_disk);
  stop(hdl);
}

TEST_CASE_FIXTURE(
    store_fixture,
    "after a forged value at 2^64-1 every write is still the value it says") {
  auto hdl = spawn_durable();
  CHECK_FALSE(merge(hdl, {666, {std::numeric_limits<uint64_t>::max(), "evil"}}));
  CHECK(get(hdl).value == 42);
  for (int64_t n : {5, 6}) {
    auto reply = set(hdl, n);
    REQUIRE(reply);
    CHECK(reply->ver.counter > counter_free_range);
    CHECK(get(hdl) == *reply);
  }
  stop(hdl);
}

TEST_CASE_FIXTURE(store_fixture, "a remote value with a malformed writer is refused") {
  auto hdl = spawn_durable();
  CHECK_FALSE(merge(hdl, {1, {5, "n2\r\nX-Injected: 1"}}));
  CHECK_FALSE(merge(hdl, {1, {0, "n2"}}));
  CHECK(get(hdl) == versioned_value{42, {0, ""}});
  CHECK(set(hdl, 3)->ver.counter == 1);
  stop(hdl);
}

TEST_CASE("open_store refuses a node name that is not valid") {
  store_config config;
  config.node = "n1\r\nX: y";
  auto opened = open_store(std::move(config));
  CHECK_FALSE(opened.ok());
  CHECK(opened.error.find("node name") != std::string::npos);
}
