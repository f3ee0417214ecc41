#include "http/snapshot_store.hpp"

#include <doctest/doctest.h>

#include <thread>

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
