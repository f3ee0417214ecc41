#include "actors/core/consensus_frame.hpp"
#include "actors/core/datagram_codec.hpp"
#include "tests/unit/crypto_test_util.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using namespace onevalue::testing;

namespace {

std::string encoded_prepare() {
  prepare_message p;
  p.b = ballot{5, "n2", 9};
  auto bytes = encode_consensus_message(p);
  REQUIRE(bytes);
  return *bytes;
}

} // namespace

TEST_CASE("consensus frame: round trip of digest, sender and message") {
  auto msg = encoded_prepare();
  auto frame = encode_consensus_frame(0x0123456789abcdefULL, "n2", msg);
  REQUIRE(!frame.empty());
  CHECK(frame.front() == 'C');
  std::string why;
  auto decoded = decode_consensus_frame(view(frame), why);
  REQUIRE(decoded);
  CHECK(decoded->mode_digest == 0x0123456789abcdefULL);
  CHECK(decoded->sender == "n2");
  CHECK(decoded->message == msg);
  auto again = decode_consensus_message(decoded->message, why);
  REQUIRE(again);
  CHECK(std::get<prepare_message>(*again).b == ballot{5, "n2", 9});
}

TEST_CASE("consensus frame: a gossip packet is not on the consensus channel") {
  std::vector<char> gossip{0x00, 0x02, 'x'};
  std::string why;
  CHECK_FALSE(decode_consensus_frame(view(gossip), why));
  CHECK(why == "not on the consensus channel");
}

TEST_CASE("consensus frame: travels sealed and comes out of the envelope intact") {
  envelope_settings settings;
  settings.label = "test";
  settings.max_message_bytes = max_datagram_bytes;
  settings.replay_window = datagram_replay_window;
  auto keys = shared_keyring({filled_key(32, 'k')});
  std::string error;
  auto sender = envelope::create(keys, settings, error);
  auto receiver = envelope::create(keys, settings, error);
  REQUIRE_MESSAGE((sender && receiver), error);
  auto frame = encode_consensus_frame(42, "n3", encoded_prepare());
  auto sealed = seal_datagram(*sender, view(frame));
  REQUIRE(sealed);
  // Sealed: the channel byte and the sender's name are not readable on the wire.
  CHECK(sealed->front() == static_cast<char>(envelope_format::sealed_v1));
  CHECK(std::string_view{sealed->data(), sealed->size()}.find("n3")
        == std::string_view::npos);
  wire_error_counts errors;
  auto in = open_datagram(*receiver, view(*sealed), {}, errors);
  REQUIRE(in.what == incoming_datagram::kind::consensus);
  CHECK(in.authenticated);
  CHECK(in.payload == frame);
  std::string why;
  auto decoded = decode_consensus_frame(view(in.payload), why);
  REQUIRE(decoded);
  CHECK(decoded->mode_digest == 42);
  CHECK(decoded->sender == "n3");
  // Without the key the datagram is dropped unread: no consensus message gets through.
  auto stranger =
      envelope::create(shared_keyring({filled_key(32, 'x')}), settings, error);
  REQUIRE(stranger);
  CHECK(open_datagram(*stranger, view(*sealed), {}, errors).what
        == incoming_datagram::kind::dropped);
}

TEST_CASE("consensus frame: every truncation is refused") {
  auto frame = encode_consensus_frame(7, "n2", encoded_prepare());
  // Up to the end of the name, the header is incomplete; right after it, no message.
  for (std::size_t size = 1; size <= 1 + 8 + 1 + 2; ++size) {
    std::string why;
    CHECK_FALSE(decode_consensus_frame(view(frame).substr(0, size), why));
    CHECK(!why.empty());
  }
}

TEST_CASE("consensus frame: invalid sender names and oversized messages are refused") {
  std::string why;
  CHECK(encode_consensus_frame(1, "bad name", "x").empty());
  CHECK(encode_consensus_frame(1, "", "x").empty());
  CHECK(encode_consensus_frame(1, "n1", "").empty());
  CHECK(encode_consensus_frame(1, "n1", std::string(max_consensus_message_size + 1, 'x'))
            .empty());
  auto frame = encode_consensus_frame(1, "n1", "x");
  frame[10] = ' '; // the name's first byte
  CHECK_FALSE(decode_consensus_frame(view(frame), why));
  CHECK(why == "invalid sender name");
  std::vector<char> big{'C', 0, 0, 0, 0, 0, 0, 0, 0, 2, 'n', '1'};
  big.resize(big.size() + max_consensus_message_size + 1, 'x');
  CHECK_FALSE(decode_consensus_frame(view(big), why));
  CHECK(why.find("exceeds") != std::string::npos);
}

TEST_CASE("consensus frame: the largest message fits in the largest frame") {
  std::string largest(max_consensus_message_size, 'x');
  auto frame = encode_consensus_frame(1, std::string(64, 'n'), largest);
  CHECK(frame.size() == max_consensus_frame_size);
  std::string why;
  CHECK(decode_consensus_frame(view(frame), why));
}
