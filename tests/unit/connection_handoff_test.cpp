#include "http/server/connection_handoff.hpp"

#include <doctest/doctest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <thread>

using namespace onevalue;

namespace {

/// The inbox eventfd's counter (reading resets it); 0 if nothing was written.
uint64_t wakes(const completion_inbox& inbox) {
  uint64_t n = 0;
  return ::read(inbox.fd(), &n, sizeof(n)) == sizeof(n) ? n : 0;
}

/// Offers a socket made of these fields.
bool offer(connection_handoff& handoff, int fd, const std::string& client, bool tls) {
  accepted_socket s{fd, client, tls, {}, false};
  return handoff.offer(s);
}

} // namespace

TEST_CASE(
    "a new connection goes to the loop with the fewest, the accepting one on a tie") {
  CHECK(pick_loop({0, 0}, 0) == 0);
  CHECK(pick_loop({0, 0}, 1) == 1);
  CHECK(pick_loop({1, 0}, 0) == 1);
  CHECK(pick_loop({3, 5, 3}, 1) == 0);
  CHECK(pick_loop({4, 2, 2}, 2) == 2);
  CHECK(pick_loop({4, 2, 2}, 0) == 1);
  CHECK(pick_loop({7}, 0) == 0);
  CHECK(pick_loop({}, 0) == 0);
}

TEST_CASE("picking in turn shares a burst out evenly") {
  std::vector<std::size_t> loads(3, 0);
  for (int i = 0; i < 10; ++i)
    ++loads[pick_loop(loads, 0)];
  CHECK(loads == std::vector<std::size_t>{4, 3, 3});
}

TEST_CASE("offered sockets reach the owning loop in order and wake it once per batch") {
  auto inbox = std::make_shared<completion_inbox>();
  connection_handoff handoff{inbox};
  REQUIRE(offer(handoff, 11, "127.0.0.1", false));
  REQUIRE(offer(handoff, 12, "127.0.0.2", true));
  CHECK(wakes(*inbox) == 1);
  auto taken = handoff.take();
  REQUIRE(taken.size() == 2);
  CHECK(taken[0].fd == 11);
  CHECK(taken[0].client == "127.0.0.1");
  CHECK_FALSE(taken[0].tls);
  CHECK(taken[1].fd == 12);
  CHECK(taken[1].tls);
  CHECK(handoff.take().empty());
  // The queue was emptied: the next offer wakes the loop again.
  REQUIRE(offer(handoff, 13, "127.0.0.3", false));
  CHECK(wakes(*inbox) == 1);
}

TEST_CASE("a stopped loop refuses offers and returns what was still queued") {
  auto inbox = std::make_shared<completion_inbox>();
  connection_handoff handoff{inbox};
  REQUIRE(offer(handoff, 21, "a", false));
  auto left = handoff.close();
  REQUIRE(left.size() == 1);
  CHECK(left[0].fd == 21);
  // A refused socket stays whole with the caller, who serves or closes it.
  accepted_socket refused{22, "b", true, {}, true};
  CHECK_FALSE(handoff.offer(refused));
  CHECK(refused.fd == 22);
  CHECK(refused.client == "b");
  CHECK(refused.tls);
  CHECK(refused.evict_first);
  CHECK(handoff.take().empty());
  CHECK(handoff.close().empty());
}

TEST_CASE("offers from several threads all arrive") {
  auto inbox = std::make_shared<completion_inbox>();
  connection_handoff handoff{inbox};
  std::thread a{[&] {
    for (int i = 0; i < 500; ++i)
      offer(handoff, i, "a", false);
  }};
  std::thread b{[&] {
    for (int i = 0; i < 500; ++i)
      offer(handoff, 1000 + i, "b", false);
  }};
  std::size_t got = 0;
  int last_a = -1;
  int last_b = 999;
  while (got < 1000) {
    for (auto& s : handoff.take()) {
      ++got;
      // Each thread's offers keep their order.
      if (s.fd < 1000) {
        CHECK(s.fd == last_a + 1);
        last_a = s.fd;
      } else {
        CHECK(s.fd == last_b + 1);
        last_b = s.fd;
      }
    }
    std::this_thread::yield();
  }
  a.join();
  b.join();
  CHECK(got == 1000);
}
