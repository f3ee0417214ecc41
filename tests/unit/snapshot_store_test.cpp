#include "http/snapshot_store.hpp"

#include <doctest/doctest.h>

#include <atomic>
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

/// Spins (yielding) until `store` has `n` blocking reads waiting: a condition check,
/// not a sleep.
void wait_for_watchers(const snapshot_store& store, std::size_t n) {
  while (store.watchers() != n)
    std::this_thread::yield();
}

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

TEST_CASE("a blocking read whose index is already passed returns at once") {
  snapshot_store store{"n1", 1};
  store.publish_value({5, {3, "n1"}});
  auto result = store.wait_for_index(2, std::chrono::hours{1});
  CHECK(result.status == watch_status::done);
  CHECK(result.view->value.ver.counter == 3);
  CHECK(store.watchers() == 0);
}

TEST_CASE("a blocking read times out with the unchanged view") {
  snapshot_store store{"n1", 1};
  store.publish_value({5, {3, "n1"}});
  auto result = store.wait_for_index(3, std::chrono::milliseconds{0});
  CHECK(result.status == watch_status::done);
  CHECK(result.view->value.ver.counter == 3);
}

TEST_CASE("a newer value wakes every blocking read waiting below its counter") {
  snapshot_store store{"n1", 4};
  std::vector<watch_result> results(3);
  std::vector<std::thread> readers;
  for (std::size_t i = 0; i < results.size(); ++i)
    readers.emplace_back(
        [&, i] { results[i] = store.wait_for_index(0, std::chrono::hours{1}); });
  wait_for_watchers(store, 3);
  store.publish_value({9, {1, "n2"}});
  for (auto& t : readers)
    t.join();
  for (auto& r : results) {
    CHECK(r.status == watch_status::done);
    CHECK(r.view->value == versioned_value{9, {1, "n2"}});
  }
  CHECK(store.watchers() == 0);
}

TEST_CASE("a value at or below the index does not wake a blocking read") {
  snapshot_store store{"n1", 1};
  store.publish_value({1, {5, "n1"}});
  watch_result result;
  std::thread reader{[&] { result = store.wait_for_index(6, std::chrono::hours{1}); }};
  wait_for_watchers(store, 1);
  store.publish_value({2, {6, "n9"}}); // counter 6 is not above index 6
  store.publish_members({});
  CHECK(store.watchers() == 1);
  store.publish_value({3, {7, "n1"}});
  reader.join();
  CHECK(result.view->value.ver.counter == 7);
}

TEST_CASE("past max_watchers a blocking read is refused without waiting") {
  snapshot_store store{"n1", 1};
  watch_result first;
  std::thread reader{[&] { first = store.wait_for_index(0, std::chrono::hours{1}); }};
  wait_for_watchers(store, 1);
  auto second = store.wait_for_index(0, std::chrono::hours{1});
  CHECK(second.status == watch_status::too_many_watchers);
  REQUIRE(second.view != nullptr);
  store.publish_value({1, {1, "n1"}});
  reader.join();
  CHECK(first.status == watch_status::done);
}

TEST_CASE("stop_watchers wakes every blocking read and later ones return at once") {
  snapshot_store store{"n1", 8};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i)
    readers.emplace_back([&] { store.wait_for_index(0, std::chrono::hours{1}); });
  wait_for_watchers(store, 4);
  store.stop_watchers();
  for (auto& t : readers)
    t.join();
  CHECK(store.watchers() == 0);
  auto later = store.wait_for_index(0, std::chrono::hours{1});
  CHECK(later.status == watch_status::done);
}

TEST_CASE(
    "the first published value is taken even at version 0, later ones only if newer") {
  snapshot_store store{"n1"};
  CHECK(store.publish_value({42, {0, ""}}));
  CHECK(store.load()->value.value == 42);
  CHECK_FALSE(store.publish_value({7, {0, ""}}));
  CHECK(store.load()->value.value == 42);
}
