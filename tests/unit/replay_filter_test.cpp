#include "actors/core/replay_filter.hpp"

#include <doctest/doctest.h>

#include <array>

using namespace onevalue;

namespace {

std::array<unsigned char, gcm_nonce_bytes> nonce(unsigned char first,
                                                 unsigned char last = 0) {
  std::array<unsigned char, gcm_nonce_bytes> n{};
  n[0] = first;
  n[gcm_nonce_bytes - 1] = last;
  return n;
}

} // namespace

TEST_CASE("a nonce is new once and a replay while it is remembered") {
  replay_filter f{4};
  CHECK(f.first_sighting(nonce(1).data()));
  CHECK_FALSE(f.first_sighting(nonce(1).data()));
  CHECK(f.first_sighting(nonce(2).data()));
  CHECK(f.size() == 2);
}

TEST_CASE("nonces that differ only in their last byte are told apart") {
  replay_filter f{4};
  CHECK(f.first_sighting(nonce(7, 1).data()));
  CHECK(f.first_sighting(nonce(7, 2).data()));
  CHECK_FALSE(f.first_sighting(nonce(7, 1).data()));
}

TEST_CASE("the oldest nonce is forgotten first and the size never passes the capacity") {
  replay_filter f{3};
  for (unsigned char i = 1; i <= 3; ++i)
    REQUIRE(f.first_sighting(nonce(i).data()));
  CHECK(f.first_sighting(nonce(4).data())); // forgets 1
  CHECK(f.size() == 3);
  CHECK_FALSE(f.first_sighting(nonce(2).data()));
  CHECK_FALSE(f.first_sighting(nonce(4).data()));
  CHECK(f.first_sighting(nonce(1).data())); // forgets 2
  CHECK(f.first_sighting(nonce(2).data())); // forgets 3
  CHECK_FALSE(f.first_sighting(nonce(1).data()));
  CHECK(f.size() == 3);
}

TEST_CASE("a replay does not refresh or reorder what is remembered") {
  replay_filter f{2};
  REQUIRE(f.first_sighting(nonce(1).data()));
  REQUIRE(f.first_sighting(nonce(2).data()));
  REQUIRE_FALSE(f.first_sighting(nonce(1).data()));
  CHECK(f.first_sighting(nonce(3).data())); // still forgets 1, the oldest
  CHECK(f.first_sighting(nonce(1).data()));
}

TEST_CASE("a capacity of 0 is taken as 1") {
  replay_filter f{0};
  CHECK(f.first_sighting(nonce(1).data()));
  CHECK_FALSE(f.first_sighting(nonce(1).data()));
  CHECK(f.first_sighting(nonce(2).data()));
  CHECK(f.first_sighting(nonce(1).data()));
}
