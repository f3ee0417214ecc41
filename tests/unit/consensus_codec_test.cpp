#include "actors/core/consensus_codec.hpp"

#include <doctest/doctest.h>

#include <limits>

using namespace onevalue;

namespace {

/// A state with every field at its largest: 32 records with 64-byte names.
register_state full_state() {
  register_state s;
  s.current = {std::numeric_limits<int64_t>::min(),
               {std::numeric_limits<uint64_t>::max(), std::string(64, 'v')}};
  for (std::size_t i = 0; i < max_tracked_proposers; ++i) {
    auto name = std::string(62, 'p') + static_cast<char>('a' + i / 26)
                + static_cast<char>('a' + i % 26);
    s.proposers.push_back({name, ~uint64_t{0}, ~uint64_t{0}, i + 1});
  }
  s.forgotten_through = 3;
  return s;
}

ballot big_ballot() {
  return {std::numeric_limits<uint64_t>::max(), std::string(64, 'b'), ~uint64_t{0}};
}

std::vector<consensus_message> samples() {
  auto s = initial_register_state(-5);
  apply_operation(s, {operation_kind::write, 9, {}}, "n2");
  record_attempt(s, {"n2", 77}, 3, 32);
  ballot b{12, "n2", 77};
  return {prepare_message{b},
          promise_message{b, {}, {}},
          promise_message{b, {11, "n1", 5}, s},
          accept_message{b, s, true},
          accept_message{b, s, false},
          accepted_message{b, true},
          reject_message{b, consensus_phase::accept, {13, "n3", 1}},
          reject_message{b, consensus_phase::prepare, {12, "n2", 77}},
          promise_message{big_ballot(), big_ballot(), full_state()}};
}

bool same(const consensus_message& a, const consensus_message& b) {
  auto ea = encode_consensus_message(a);
  auto eb = encode_consensus_message(b);
  return ea && eb && *ea == *eb;
}

} // namespace

TEST_CASE("every message kind survives encoding and decoding") {
  for (const auto& msg : samples()) {
    auto bytes = encode_consensus_message(msg);
    REQUIRE(bytes);
    CHECK(bytes->size() <= max_consensus_message_size);
    std::string error;
    auto back = decode_consensus_message(*bytes, error);
    REQUIRE_MESSAGE(back, error);
    CHECK(back->index() == msg.index());
    CHECK(same(*back, msg));
  }
}

TEST_CASE("the largest message is exactly the stated maximum") {
  auto bytes =
      encode_consensus_message(promise_message{big_ballot(), big_ballot(), full_state()});
  REQUIRE(bytes);
  CHECK(bytes->size() == max_consensus_message_size);
  CHECK(max_consensus_message_size == 3102);
}

TEST_CASE("every truncation and any trailing byte is an error") {
  for (const auto& msg : samples()) {
    auto bytes = *encode_consensus_message(msg);
    std::string error;
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      CHECK_FALSE(decode_consensus_message(bytes.substr(0, n), error));
      CHECK(error != "");
    }
    CHECK_FALSE(decode_consensus_message(bytes + '\0', error));
    bool named = bytes.size() == max_consensus_message_size
                     ? error.find("exceeds the maximum") != std::string::npos
                     : error.find("trailing") != std::string::npos;
    CHECK_MESSAGE(named, error);
  }
}

TEST_CASE("out-of-range fields are refused with the field named") {
  auto bytes = *encode_consensus_message(accepted_message{{1, "n1", 2}, true});
  std::string error;
  SUBCASE("unknown format") {
    bytes[0] = 2;
    CHECK_FALSE(decode_consensus_message(bytes, error));
    CHECK(error.find("format") != std::string::npos);
  }
  SUBCASE("unknown kind") {
    bytes[1] = 9;
    CHECK_FALSE(decode_consensus_message(bytes, error));
    CHECK(error.find("kind") != std::string::npos);
  }
  SUBCASE("a flag that is neither 0 nor 1") {
    bytes.back() = 2;
    CHECK_FALSE(decode_consensus_message(bytes, error));
    CHECK(error.find("promised_next") != std::string::npos);
  }
  SUBCASE("a name longer than 64 bytes") {
    bytes[10] = 65;
    CHECK_FALSE(decode_consensus_message(bytes, error));
    CHECK(error.find("longer than 64") != std::string::npos);
  }
  SUBCASE("a request for the zero ballot") {
    auto none = *encode_consensus_message(prepare_message{});
    CHECK_FALSE(decode_consensus_message(none, error));
  }
  SUBCASE("a ballot with a counter but no proposer") {
    auto odd = *encode_consensus_message(prepare_message{{1, "", 0}});
    CHECK_FALSE(decode_consensus_message(odd, error));
    CHECK(error.find("neither a ballot nor none") != std::string::npos);
  }
}

TEST_CASE("a malformed register state is refused by the decoder") {
  auto s = initial_register_state(0);
  apply_operation(s, {operation_kind::write, 1, {}}, "n1");
  s.proposers.push_back({"n1", 1, 1, 9}); // ahead of the index
  auto bytes = *encode_consensus_message(accept_message{{1, "n1", 1}, s, true});
  std::string error;
  CHECK_FALSE(decode_consensus_message(bytes, error));
  CHECK(error.find("register state") != std::string::npos);
}

TEST_CASE("fields beyond their bounds cannot be encoded") {
  CHECK_FALSE(encode_consensus_message(prepare_message{{1, std::string(65, 'x'), 0}}));
  auto s = full_state();
  s.proposers.push_back({"extra", 1, 1, 1});
  CHECK_FALSE(encode_consensus_message(accept_message{{1, "n1", 1}, s, true}));
}

TEST_CASE("an acceptor file round-trips and detects damage") {
  acceptor_state state{{9, "n2", 3}, {8, "n1", 1}, full_state()};
  auto bytes = encode_acceptor_state(state);
  REQUIRE(bytes);
  CHECK(bytes->size() <= max_acceptor_file_size);
  std::string error;
  auto back = decode_acceptor_state(*bytes, error);
  REQUIRE_MESSAGE(back, error);
  CHECK(*back == state);
  SUBCASE("a fresh acceptor's state") {
    auto fresh = *encode_acceptor_state({});
    auto loaded = decode_acceptor_state(fresh, error);
    REQUIRE(loaded);
    CHECK(*loaded == acceptor_state{});
  }
  SUBCASE("a flipped bit") {
    (*bytes)[30] ^= 1;
    CHECK_FALSE(decode_acceptor_state(*bytes, error));
    CHECK(error == "acceptor file checksum mismatch");
  }
  SUBCASE("a wrong magic") {
    (*bytes)[0] = 'x';
    CHECK_FALSE(decode_acceptor_state(*bytes, error));
    CHECK(error.find("magic") != std::string::npos);
  }
  SUBCASE("every truncation") {
    for (std::size_t n = 0; n < bytes->size(); ++n)
      CHECK_FALSE(decode_acceptor_state(bytes->substr(0, n), error));
  }
  SUBCASE("a promise below the accepted ballot") {
    acceptor_state odd{{1, "n1", 1}, {8, "n1", 1}, full_state()};
    CHECK_FALSE(decode_acceptor_state(*encode_acceptor_state(odd), error));
    CHECK(error.find("promises less") != std::string::npos);
  }
}
