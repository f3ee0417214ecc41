#include "actors/core/envelope.hpp"
#include "actors/core/stream_frame.hpp"
#include "actors/core/wire_codec.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace onevalue;

TEST_CASE("a frame is a big-endian length and the body") {
  auto frame = make_frame("abc");
  CHECK(frame == std::vector<char>{0, 0, 0, 3, 'a', 'b', 'c'});
  auto length = parse_frame_header(frame.data(), 3);
  CHECK(length);
  CHECK(length.size == 3);
}

TEST_CASE("frame headers of 0 or above the cap are refused, a 4 GiB one too") {
  auto header = frame_header(0);
  CHECK(parse_frame_header(header.data(), 100).error == frame_error::empty);
  header = frame_header(101);
  CHECK(parse_frame_header(header.data(), 100).error == frame_error::too_large);
  header = frame_header(100);
  CHECK(parse_frame_header(header.data(), 100));
  const char four_gib[] = {'\xff', '\xff', '\xff', '\xff'};
  auto length = parse_frame_header(four_gib, frame_cap(10000));
  CHECK(length.error == frame_error::too_large);
  CHECK(length.size == 0xffffffffu);
  CHECK(std::string{to_string(frame_error::too_large)} == "too_large");
}

TEST_CASE("the frame cap holds the largest push-pull table of max-members, sealed") {
  const std::size_t members = 100;
  cluster_state s;
  s.sender = std::string(64, 'n');
  for (std::size_t i = 0; i < members; ++i) {
    auto name = std::to_string(i);
    name.resize(64, 'x');
    s.members.push_back(member_info{name, std::string(253, 'h'), 65535, 65535,
                                    member_state::alive, ~uint64_t{0}});
  }
  s.value = versioned_value{-1, version{~uint64_t{0}, std::string(64, 'w')}};
  s.mode_digest = ~uint64_t{0}; // linearizable mode appends it
  auto bytes = encode(s);
  REQUIRE(!bytes.empty());
  CHECK(bytes.size() + sealed_overhead == frame_cap(members));
  CHECK(frame_cap(10000) < 4u * 1024 * 1024);
}

TEST_CASE("a hello carries the challenge; anything else is no hello") {
  auto challenge = make_challenge();
  REQUIRE(challenge);
  CHECK(challenge->size() == challenge_bytes);
  CHECK(make_challenge() != challenge);
  auto hello = encode_hello(*challenge);
  CHECK(hello.size() == hello_bytes);
  CHECK(decode_hello({hello.data(), hello.size()}) == challenge);
  CHECK_FALSE(decode_hello({hello.data(), hello.size() - 1}));
  hello[0] = 'X';
  CHECK_FALSE(decode_hello({hello.data(), hello.size()}));
  // BASP's first bytes are no hello.
  CHECK_FALSE(decode_hello(std::string(hello_bytes, '\0')));
}

TEST_CASE("the response is bound to the request's nonce when the request is sealed") {
  std::string challenge(challenge_bytes, 'c');
  CHECK(request_context(challenge) == challenge);
  std::string plaintext_request = "\x01payload";
  CHECK(response_context(challenge, plaintext_request) == challenge);
  std::string sealed_request(sealed_overhead + 3, 's');
  sealed_request[0] = static_cast<char>(envelope_format::sealed_v1);
  auto ctx = response_context(challenge, sealed_request);
  CHECK(ctx == challenge + sealed_request.substr(1, gcm_nonce_bytes));
}
