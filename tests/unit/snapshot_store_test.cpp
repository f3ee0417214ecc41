#include "http/api/snapshot_store.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <ostream> // doctest prints the shared_ptrs it compares
#include <thread>
#include <vector>

using namespace onevalue;

TEST_CASE("a new snapshot store serves the initial value, no members and its name") {
  snapshot_store store{"n1"};
  auto view = store.load();
  REQUIRE(view != nullptr);
  CHECK(view->node_name == "n1");
  CHECK(view->value == versioned_value{});
  CHECK(view->members.empty());
}

TEST_CASE("publishing a newer value replaces it and keeps the members") {
  snapshot_store store{"n1"};
  store.publish_members({{"n1", "127.0.0.1", 7946, 8080, member_state::alive, 0}});
  CHECK(store.publish_value({5, {1, "n1"}}));
  auto view = store.load();
  CHECK(view->value == versioned_value{5, {1, "n1"}});
  CHECK(view->members.size() == 1);
  CHECK(view->node_name == "n1");
}

TEST_CASE("a published value records when it was applied; members keep that time") {
  snapshot_store store{"n1"};
  auto before = std::chrono::steady_clock::now();
  store.publish_value({5, {1, "n1"}});
  auto applied = store.load()->applied_at;
  CHECK(applied >= before);
  CHECK(applied <= std::chrono::steady_clock::now());
  store.publish_members({});
  CHECK(store.load()->applied_at == applied);
}

TEST_CASE("an older or equal version never replaces a newer published value") {
  snapshot_store store{"n1"};
  CHECK(store.publish_value({7, {5, "n2"}}));
  CHECK_FALSE(store.publish_value({3, {4, "n9"}}));
  CHECK_FALSE(store.publish_value({8, {5, "n2"}}));
  CHECK_FALSE(store.publish_value({9, {5, "n1"}}));
  CHECK(store.publish_value({9, {5, "n3"}}));
  CHECK(store.load()->value == versioned_value{9, {5, "n3"}});
}

TEST_CASE("a loaded view stays unchanged while newer ones are published") {
  snapshot_store store{"n1"};
  store.publish_value({1, {1, "n1"}});
  auto old = store.load();
  store.publish_value({2, {2, "n1"}});
  store.publish_members({{"n2", "", 0, 0, member_state::failed, 3}});
  CHECK(old->value.value == 1);
  CHECK(old->members.empty());
  CHECK(store.load()->value.value == 2);
  CHECK(store.load()->members.size() == 1);
}

TEST_CASE("concurrent readers always see a complete view while a writer publishes") {
  snapshot_store store{"n1"};
  constexpr int writes = 2000;
  std::atomic<bool> torn{false};
  std::thread reader{[&] {
    int64_t last = 0;
    while (last < writes) {
      auto view = store.load();
      // Each write publishes value == counter; a mismatch would be a torn view.
      if (static_cast<uint64_t>(view->value.value) != view->value.ver.counter
          || view->value.value < last)
        torn = true;
      last = view->value.value;
    }
  }};
  for (int i = 1; i <= writes; ++i)
    store.publish_value({i, {static_cast<uint64_t>(i), "n1"}});
  reader.join();
  CHECK_FALSE(torn);
  CHECK(store.load()->value.value == writes);
}

namespace {

/// Collects the results of blocking reads, from whichever thread answers them.
struct watch_log {
  std::mutex mutex;
  std::condition_variable answered;
  std::vector<watch_result> results;

  watch_callback callback() {
    return [this](watch_result r) {
      std::lock_guard<std::mutex> guard{mutex};
      results.push_back(std::move(r));
      answered.notify_all();
    };
  }

  std::size_t size() {
    std::lock_guard<std::mutex> guard{mutex};
    return results.size();
  }

  /// Waits (on a condition, with a generous deadline) until `n` reads were answered.
  bool wait_for(std::size_t n) {
    std::unique_lock<std::mutex> lock{mutex};
    return answered.wait_for(lock, std::chrono::seconds{10},
                             [&] { return results.size() >= n; });
  }
};

} // namespace

TEST_CASE("a new snapshot store is not synchronized until told so") {
  snapshot_store store{"n1"};
  CHECK_FALSE(store.load()->synchronized);
  store.publish_value({5, {1, "n1"}});
  store.publish_synchronized();
  CHECK(store.load()->synchronized);
  CHECK(store.load()->value.value == 5);
  store.publish_members({});
  CHECK(store.load()->synchronized);
}

TEST_CASE("a blocking read whose index is already passed is answered at once") {
  watch_log log;
  snapshot_store store{"n1", 1};
  store.publish_value({5, {3, "n1"}});
  store.watch(2, std::chrono::hours{1}, log.callback());
  REQUIRE(log.size() == 1);
  CHECK(log.results[0].status == watch_status::done);
  CHECK(log.results[0].view->value.ver.counter == 3);
  CHECK(store.watchers() == 0);
}

TEST_CASE("a blocking read with no wait is answered at once with the unchanged view") {
  watch_log log;
  snapshot_store store{"n1", 1};
  store.publish_value({5, {3, "n1"}});
  store.watch(3, std::chrono::milliseconds{0}, log.callback());
  REQUIRE(log.size() == 1);
  CHECK(log.results[0].status == watch_status::done);
  CHECK(log.results[0].view->value.ver.counter == 3);
}

TEST_CASE("a blocking read expires after its wait with the unchanged view") {
  watch_log log;
  snapshot_store store{"n1", 4};
  store.publish_value({5, {3, "n1"}});
  store.watch(3, std::chrono::hours{1}, log.callback());
  store.watch(3, std::chrono::milliseconds{20}, log.callback());
  REQUIRE(log.wait_for(1));
  CHECK(store.watchers() == 1); // the hour-long one still waits
  std::lock_guard<std::mutex> guard{log.mutex};
  REQUIRE(log.results.size() == 1);
  CHECK(log.results[0].status == watch_status::done);
  CHECK(log.results[0].view->value.ver.counter == 3);
  log.results.clear();
}

TEST_CASE("a newer value wakes every blocking read waiting below its counter") {
  watch_log log;
  snapshot_store store{"n1", 4};
  for (int i = 0; i < 3; ++i)
    store.watch(0, std::chrono::hours{1}, log.callback());
  CHECK(store.watchers() == 3);
  CHECK(log.size() == 0);
  store.publish_value({9, {1, "n2"}});
  REQUIRE(log.size() == 3);
  for (auto& r : log.results) {
    CHECK(r.status == watch_status::done);
    CHECK(r.view->value == versioned_value{9, {1, "n2"}});
  }
  CHECK(store.watchers() == 0);
}

TEST_CASE("a value at or below the index does not wake a blocking read") {
  watch_log log;
  snapshot_store store{"n1", 1};
  store.publish_value({1, {5, "n1"}});
  store.watch(6, std::chrono::hours{1}, log.callback());
  store.publish_value({2, {6, "n9"}}); // counter 6 is not above index 6
  store.publish_members({});
  CHECK(store.watchers() == 1);
  CHECK(log.size() == 0);
  store.publish_value({3, {7, "n1"}});
  REQUIRE(log.size() == 1);
  CHECK(log.results[0].view->value.ver.counter == 7);
}

TEST_CASE("past max_watchers a blocking read is refused without waiting") {
  watch_log first;
  watch_log second;
  snapshot_store store{"n1", 1};
  store.watch(0, std::chrono::hours{1}, first.callback());
  store.watch(0, std::chrono::hours{1}, second.callback());
  REQUIRE(second.size() == 1);
  CHECK(second.results[0].status == watch_status::too_many_watchers);
  REQUIRE(second.results[0].view != nullptr);
  store.publish_value({1, {1, "n1"}});
  REQUIRE(first.size() == 1);
  CHECK(first.results[0].status == watch_status::done);
}

TEST_CASE("stop_watchers answers every blocking read and later ones at once") {
  watch_log log;
  snapshot_store store{"n1", 8};
  for (int i = 0; i < 4; ++i)
    store.watch(0, std::chrono::hours{1}, log.callback());
  store.stop_watchers();
  CHECK(log.size() == 4);
  CHECK(store.watchers() == 0);
  store.watch(0, std::chrono::hours{1}, log.callback());
  CHECK(log.size() == 5);
}

TEST_CASE("destroying the store answers the reads still waiting") {
  watch_log log;
  {
    snapshot_store store{"n1", 8};
    store.watch(0, std::chrono::hours{1}, log.callback());
    store.watch(0, std::chrono::milliseconds{1}, log.callback());
  }
  CHECK(log.size() == 2);
}

TEST_CASE("a callback may start another blocking read on the same store") {
  watch_log log;
  snapshot_store store{"n1", 8};
  store.watch(0, std::chrono::hours{1}, [&](const watch_result& r) {
    store.watch(r.view->value.ver.counter, std::chrono::hours{1}, log.callback());
  });
  store.publish_value({1, {1, "n1"}});
  CHECK(store.watchers() == 1);
  store.publish_value({2, {2, "n1"}});
  REQUIRE(log.size() == 1);
  CHECK(log.results[0].view->value.ver.counter == 2);
}

TEST_CASE(
    "the first published value is taken even at version 0, later ones only if newer") {
  snapshot_store store{"n1"};
  CHECK(store.publish_value({42, {0, ""}}));
  CHECK(store.load()->value.value == 42);
  CHECK_FALSE(store.publish_value({7, {0, ""}}));
  CHECK(store.load()->value.value == 42);
}

TEST_CASE("a member's state_since moves only when its state changes") {
  snapshot_store store{"n1"};
  using clock = std::chrono::system_clock;
  auto t0 = clock::time_point{} + std::chrono::hours{1000};
  auto t1 = t0 + std::chrono::seconds{5};
  auto t2 = t1 + std::chrono::seconds{5};
  member_info n1{"n1", "127.0.0.1", 7946, 8080, member_state::alive, 0};
  member_info n2{"n2", "127.0.0.2", 7946, 8080, member_state::alive, 0};
  store.publish_members({n1, n2}, t0);
  n2.incarnation = 1; // a refutation: same state
  store.publish_members({n1, n2}, t1);
  CHECK(store.load()->state_since.at("n2") == t0);
  n2.state = member_state::failed;
  store.publish_members({n1, n2}, t2);
  auto view = store.load();
  CHECK(view->state_since.at("n1") == t0);
  CHECK(view->state_since.at("n2") == t2);
  store.publish_members({n1}, t2);
  CHECK(store.load()->state_since.count("n2") == 0);
}
