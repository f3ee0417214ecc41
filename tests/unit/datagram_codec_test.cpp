#include "actors/core/datagram_codec.hpp"
#include "tests/unit/crypto_test_util.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using namespace onevalue::testing;

namespace {

envelope make(std::shared_ptr<const keyring> keys, bool incoming = true,
              std::size_t replay_window = datagram_replay_window) {
  envelope_settings s;
  s.label = "test";
  s.verify_incoming = incoming;
  s.max_message_bytes = max_datagram_bytes;
  s.replay_window = replay_window;
  std::string error;
  auto e = envelope::create(std::move(keys), s, error);
  REQUIRE_MESSAGE(e, error);
  return *e;
}

packet ping_from(std::string name) {
  packet p;
  p.sender =
      member_info{std::move(name), "127.0.0.1", 7946, 8080, member_state::alive, 1};
  p.swim.kind = swim_kind::ping;
  p.swim.seq = 7;
  return p;
}

std::string_view view_of(const std::vector<char>& v) {
  return {v.data(), v.size()};
}

} // namespace

TEST_CASE("a sealed packet opens and decodes on a node with the key") {
  auto keys = shared_keyring({filled_key(32, 'a')});
  auto sender = make(keys);
  auto receiver = make(keys);
  auto bytes = seal_packet(sender, ping_from("n1"));
  REQUIRE(bytes);
  CHECK(bytes->front() == static_cast<char>(envelope_format::sealed_v1));
  wire_error_counts errors;
  auto in = open_datagram(receiver, view_of(*bytes), {}, errors);
  REQUIRE(in.what == incoming_datagram::kind::gossip);
  CHECK(in.authenticated);
  CHECK(in.p.sender.name == "n1");
  CHECK(in.p.swim.seq == 7);
}

TEST_CASE("bit-flipped, replayed, foreign and plaintext datagrams are dropped unread") {
  auto keys = shared_keyring({filled_key(32, 'a')});
  auto sender = make(keys);
  auto receiver = make(keys);
  auto bytes = *seal_packet(sender, ping_from("n1"));
  wire_error_counts errors;
  REQUIRE(open_datagram(receiver, view_of(bytes), {}, errors).what
          == incoming_datagram::kind::gossip);
  // The same datagram again: a replay.
  CHECK(open_datagram(receiver, view_of(bytes), {}, errors).what
        == incoming_datagram::kind::dropped);
  CHECK(receiver.counters().dropped_for(drop_reason::replayed) == 1);
  for (std::size_t i = 0; i < bytes.size(); i += 7) {
    auto flipped = *seal_packet(sender, ping_from("n1"));
    flipped[i] = static_cast<char>(flipped[i] ^ 0x10);
    CHECK(open_datagram(receiver, view_of(flipped), {}, errors).what
          == incoming_datagram::kind::dropped);
  }
  auto stranger = make(shared_keyring({filled_key(32, 'z')}));
  auto foreign = *seal_packet(stranger, ping_from("n9"));
  CHECK(open_datagram(receiver, view_of(foreign), {}, errors).what
        == incoming_datagram::kind::dropped);
  auto plain = make(nullptr);
  auto forged = *seal_packet(plain, ping_from("n9"));
  CHECK(open_datagram(receiver, view_of(forged), {}, errors).what
        == incoming_datagram::kind::dropped);
  CHECK(receiver.counters().dropped_for(drop_reason::plaintext_refused) == 1);
  CHECK(errors.total() == 0); // nothing reached the decoder
}

TEST_CASE("with verify-incoming off a node accepts plaintext and sealed datagrams") {
  auto keys = shared_keyring({filled_key(16, 'a')});
  auto rolling = make(keys, false);
  auto plain = make(nullptr);
  auto sealed_sender = make(keys);
  wire_error_counts errors;
  auto a = *seal_packet(plain, ping_from("n1"));
  auto b = *seal_packet(sealed_sender, ping_from("n2"));
  auto in_a = open_datagram(rolling, view_of(a), {}, errors);
  auto in_b = open_datagram(rolling, view_of(b), {}, errors);
  CHECK(in_a.what == incoming_datagram::kind::gossip);
  CHECK_FALSE(in_a.authenticated);
  CHECK(in_b.what == incoming_datagram::kind::gossip);
  CHECK(in_b.authenticated);
}

TEST_CASE("authentic but malformed packets are counted by reason") {
  auto keys = shared_keyring({filled_key(32, 'a')});
  auto sender = make(keys);
  auto receiver = make(keys);
  auto p = ping_from("n1");
  p.sender.name = "bad\r\nname";
  auto bytes = *seal_packet(sender, p);
  wire_error_counts errors;
  auto in = open_datagram(receiver, view_of(bytes), {}, errors);
  CHECK(in.what == incoming_datagram::kind::malformed);
  CHECK(in.error == wire_error::invalid_name);
  CHECK(errors.of(wire_error::invalid_name) == 1);
}

TEST_CASE("consensus datagrams of 4 KB pass sealed, channel byte first") {
  auto keys = shared_keyring({filled_key(32, 'a')});
  auto sender = make(keys);
  auto receiver = make(keys);
  std::string payload(4096, 'x');
  payload[0] = channel_consensus;
  auto bytes = seal_datagram(sender, payload);
  REQUIRE(bytes);
  wire_error_counts errors;
  auto in = open_datagram(receiver, view_of(*bytes), {}, errors);
  REQUIRE(in.what == incoming_datagram::kind::consensus);
  CHECK(view_of(in.payload) == payload);
}

TEST_CASE("the packet budget leaves room for the envelope") {
  CHECK(packet_budget(1400) + sealed_overhead == 1400);
  CHECK(packet_budget(10) == 0);
}
