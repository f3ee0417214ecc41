// The mode digest appended to the push-pull state (cluster_mode.hpp): present only
// when non-zero, so eventual-mode states keep their bytes, and one encoding each.

#include "actors/core/wire_codec.hpp"

#include <doctest/doctest.h>

using namespace onevalue;

namespace {

cluster_state sample(uint64_t digest) {
  cluster_state s;
  s.sender = "n1";
  s.members = {{"n1", "127.0.0.1", 7946, 8080, member_state::alive, 1}};
  s.value = {5, {3, "n2"}};
  s.mode_digest = digest;
  return s;
}

} // namespace

TEST_CASE("push-pull state: a digest of 0 adds no bytes") {
  auto plain = encode(sample(0));
  auto with = encode(sample(0x1122334455667788ULL));
  CHECK(with.size() == plain.size() + 8);
  CHECK(std::equal(plain.begin(), plain.end(), with.begin()));
  CHECK(encoded_size(sample(0x1122334455667788ULL)) == with.size());
}

TEST_CASE("push-pull state: the digest survives the round trip with the same bytes") {
  auto bytes = encode(sample(0x1122334455667788ULL));
  auto back = decode_cluster_state(bytes);
  REQUIRE(back);
  CHECK(back.value.mode_digest == 0x1122334455667788ULL);
  CHECK(encode(back.value) == bytes);
  auto eventual = decode_cluster_state(encode(sample(0)));
  REQUIRE(eventual);
  CHECK(eventual.value.mode_digest == 0);
}

TEST_CASE("push-pull state: an explicit zero digest or a partial one is refused") {
  auto bytes = encode(sample(0));
  auto zero = bytes;
  zero.insert(zero.end(), 8, '\0');
  CHECK(decode_cluster_state(zero).error == wire_error::trailing_bytes);
  for (std::size_t extra : {1U, 7U, 9U}) {
    auto odd = bytes;
    odd.insert(odd.end(), extra, '\x01');
    CHECK(decode_cluster_state(odd).error == wire_error::trailing_bytes);
  }
}
