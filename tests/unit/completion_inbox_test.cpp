#include "http/server/completion_inbox.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdint>
#include <thread>

using namespace onevalue;

namespace {

struct inbox_fixture {
  completion_inbox inbox;

  /// The inbox eventfd's counter (reading resets it); 0 if nothing was written.
  uint64_t drain() const {
    uint64_t n = 0;
    return ::read(inbox.fd(), &n, sizeof(n)) == sizeof(n) ? n : 0;
  }
};

} // namespace

TEST_CASE_FIXTURE(inbox_fixture, "a post from the owner thread needs no wake-up") {
  inbox.bind_to_current_thread();
  inbox.post({3, "a", false});
  CHECK(drain() == 0);
  auto taken = inbox.take();
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].connection == 3);
  CHECK(inbox.take().empty());
}

TEST_CASE_FIXTURE(inbox_fixture,
                  "posts from other threads wake the loop once per batch, in order") {
  inbox.bind_to_current_thread();
  std::thread other{[&] {
    inbox.post({1, "x", false});
    inbox.post({2, "y", true});
  }};
  other.join();
  CHECK(drain() == 1);
  inbox.post({9, "z", false}); // local ones come first
  auto taken = inbox.take();
  REQUIRE(taken.size() == 3);
  CHECK(taken[0].connection == 9);
  CHECK(taken[1].connection == 1);
  CHECK(taken[2].connection == 2);
  CHECK(taken[2].close_after);
  CHECK(inbox.take().empty());
}

TEST_CASE_FIXTURE(inbox_fixture, "after close, posts from other threads are dropped") {
  inbox.bind_to_current_thread();
  inbox.close();
  std::thread other{[&] { inbox.post({1, "x", false}); }};
  other.join();
  CHECK(drain() == 0);
  CHECK(inbox.take().empty());
}

TEST_CASE_FIXTURE(inbox_fixture, "wake makes the fd readable and clear_wake resets it") {
  REQUIRE(inbox.fd() >= 0);
  inbox.wake();
  inbox.wake();
  CHECK(drain() == 2);
  inbox.wake();
  inbox.clear_wake();
  CHECK(drain() == 0);
}
