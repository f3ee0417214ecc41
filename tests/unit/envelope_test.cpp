#include "actors/core/envelope.hpp"
#include "tests/unit/crypto_test_util.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using namespace onevalue::testing;

namespace {

const auto key_a = filled_key(32, 'a');
const auto key_b = filled_key(16, 'b');
const std::string payload = "codec bytes";

envelope make_envelope(std::shared_ptr<const keyring> keys,
                       envelope_settings settings = {}) {
  std::string error;
  auto result = envelope::create(std::move(keys), std::move(settings), error);
  REQUIRE_MESSAGE(result, error);
  return *result;
}

envelope_settings with_label(std::string label) {
  envelope_settings s;
  s.label = std::move(label);
  return s;
}

envelope_settings with_modes(bool incoming, bool outgoing) {
  envelope_settings s;
  s.verify_incoming = incoming;
  s.verify_outgoing = outgoing;
  return s;
}

std::vector<char> sealed(envelope& e, std::string_view text = payload,
                         std::string_view context = {}) {
  auto message = e.seal(text, context);
  REQUIRE(message);
  return *message;
}

std::string payload_of(const open_result& r) {
  return {r.payload.begin(), r.payload.end()};
}

std::vector<char> plaintext_message(std::string_view text) {
  std::string m(1, static_cast<char>(envelope_format::plaintext));
  m += text;
  return {m.begin(), m.end()};
}

} // namespace

TEST_CASE("with keys, a message is sealed as 0x02 | nonce | ciphertext | tag and opens") {
  auto keys = shared_keyring({key_a});
  auto e = make_envelope(keys);
  auto message = sealed(e);
  CHECK(message.size() == payload.size() + sealed_overhead);
  CHECK(message.front() == static_cast<char>(envelope_format::sealed_v1));
  CHECK(view(message).find(payload) == std::string_view::npos);
  auto opened = e.open(view(message));
  REQUIRE(opened);
  CHECK(opened.authenticated);
  CHECK(payload_of(opened) == payload);
  CHECK(e.counters().sealed_out == 1);
  CHECK(e.counters().opened_in == 1);
}

TEST_CASE("the authenticated data is format byte, label length, label and context") {
  auto keys = shared_keyring({key_a});
  auto e = make_envelope(keys, with_label("prod"));
  auto message = sealed(e, payload, "challenge");
  std::vector<char> out;
  CHECK(keys->open(view(message).substr(1), std::string{"\x02\x04prodchallenge"}, out));
  CHECK(std::string(out.begin(), out.end()) == payload);
}

TEST_CASE("a flipped bit anywhere in a sealed message is refused and never parsed") {
  auto e = make_envelope(shared_keyring({key_a}));
  auto message = sealed(e);
  for (std::size_t i = 0; i < message.size(); ++i)
    for (int bit = 0; bit < 8; ++bit) {
      auto forged = message;
      forged[i] = static_cast<char>(forged[i] ^ (1 << bit));
      auto opened = e.open(view(forged));
      CAPTURE(i);
      CAPTURE(bit);
      REQUIRE_FALSE(opened);
      CHECK(opened.payload.empty());
      // The format byte changes to another format; every other byte fails the tag.
      if (i > 0)
        CHECK(*opened.dropped == drop_reason::not_authentic);
    }
  CHECK(e.counters().opened_in == 0);
}

TEST_CASE("a flipped format byte is refused whatever format it turns into") {
  auto e = make_envelope(shared_keyring({key_a}));
  auto message = sealed(e);
  // Two flipped bits turn 0x02 into 0x01: refused while plaintext is refused. (A node
  // that accepts plaintext hands these bytes to the codec as it would any plaintext an
  // attacker sends; the codec validates them like all plaintext.)
  message[0] = static_cast<char>(envelope_format::plaintext);
  CHECK(*e.open(view(message)).dropped == drop_reason::plaintext_refused);
  message[0] = 0x03;
  CHECK(*e.open(view(message)).dropped == drop_reason::bad_format);
}

TEST_CASE("two clusters with the same key but different labels never accept each other") {
  auto keys = shared_keyring({key_a});
  auto blue = make_envelope(keys, with_label("blue"));
  auto green = make_envelope(keys, with_label("green"));
  auto unlabelled = make_envelope(keys);
  CHECK(*green.open(view(sealed(blue))).dropped == drop_reason::not_authentic);
  CHECK(*unlabelled.open(view(sealed(blue))).dropped == drop_reason::not_authentic);
  CHECK(*blue.open(view(sealed(unlabelled))).dropped == drop_reason::not_authentic);
  CHECK(blue.open(view(sealed(blue))));
}

TEST_CASE("a message sealed for one context does not open in another or without one") {
  auto keys = shared_keyring({key_a});
  auto e = make_envelope(keys);
  auto message = sealed(e, payload, "challenge-1");
  CHECK(*e.open(view(message), "challenge-2").dropped == drop_reason::not_authentic);
  CHECK(*e.open(view(message)).dropped == drop_reason::not_authentic);
  CHECK(e.open(view(message), "challenge-1"));
  CHECK(*e.open(view(sealed(e)), "challenge-1").dropped == drop_reason::not_authentic);
}

TEST_CASE(
    "a removed key's messages stop opening once the envelope gets the new keyring") {
  auto e = make_envelope(shared_keyring({key_a}));
  auto old_message = sealed(e);
  auto rotated = make_keyring({key_a});
  REQUIRE(rotated.install(key_b) == keyring_change::changed);
  REQUIRE(rotated.use(key_b) == keyring_change::changed);
  e.set_keyring(std::make_shared<const keyring>(rotated));
  CHECK(e.open(view(old_message)));
  auto new_message = sealed(e);
  CHECK(*make_envelope(shared_keyring({key_a})).open(view(new_message)).dropped
        == drop_reason::not_authentic);
  REQUIRE(rotated.remove(key_a) == keyring_change::changed);
  e.set_keyring(std::make_shared<const keyring>(rotated));
  CHECK(*e.open(view(old_message)).dropped == drop_reason::not_authentic);
  CHECK(e.open(view(new_message)));
}

TEST_CASE("verify-incoming and verify-outgoing: every combination with keys") {
  auto keys = shared_keyring({key_a});
  auto sealed_sender = make_envelope(keys);
  auto sealed_message = sealed(sealed_sender);
  auto plain = plaintext_message(payload);
  for (bool incoming : {true, false})
    for (bool outgoing : {true, false}) {
      CAPTURE(incoming);
      CAPTURE(outgoing);
      auto e = make_envelope(keys, with_modes(incoming, outgoing));
      CHECK(e.seals_outgoing() == outgoing);
      CHECK(e.refuses_plaintext() == incoming);
      auto out = sealed(e);
      CHECK(out.front()
            == static_cast<char>(outgoing ? envelope_format::sealed_v1
                                          : envelope_format::plaintext));
      // Sealed input is accepted in every mode.
      auto from_sealed = e.open(view(sealed_message));
      REQUIRE(from_sealed);
      CHECK(from_sealed.authenticated);
      auto from_plain = e.open(view(plain));
      if (incoming) {
        CHECK(*from_plain.dropped == drop_reason::plaintext_refused);
      } else {
        REQUIRE(from_plain);
        CHECK_FALSE(from_plain.authenticated);
        CHECK(payload_of(from_plain) == payload);
      }
      // A forged sealed message is refused even when plaintext is accepted: it is never
      // handed on as plaintext.
      auto forged = sealed_message;
      forged.back() = static_cast<char>(forged.back() ^ 1);
      CHECK(*e.open(view(forged)).dropped == drop_reason::not_authentic);
    }
}

TEST_CASE(
    "rolling encryption onto a running cluster: each step talks to the one before") {
  // Consul's procedure: keys with both checks off, then outgoing on, then incoming on.
  auto keys = shared_keyring({key_a});
  auto plain_node = make_envelope(nullptr);
  auto step1 = make_envelope(keys, with_modes(false, false));
  auto step2 = make_envelope(keys, with_modes(false, true));
  auto step3 = make_envelope(keys, with_modes(true, true));
  auto talks = [](envelope& from, envelope& to) {
    return static_cast<bool>(to.open(view(sealed(from))));
  };
  CHECK(talks(plain_node, step1));
  CHECK(talks(step1, plain_node));
  CHECK(talks(step1, step2));
  CHECK(talks(step2, step1));
  CHECK(talks(step2, step3));
  CHECK(talks(step3, step2));
  // Skipping a step is what breaks: a fully encrypted node and a plaintext one.
  CHECK_FALSE(talks(plain_node, step3));
  CHECK_FALSE(talks(step3, plain_node));
}

TEST_CASE("without keys: plaintext both ways, sealed input refused") {
  auto e = make_envelope(nullptr);
  CHECK_FALSE(e.seals_outgoing());
  CHECK_FALSE(e.refuses_plaintext());
  auto out = sealed(e);
  CHECK(out == plaintext_message(payload));
  auto opened = e.open(view(out));
  REQUIRE(opened);
  CHECK_FALSE(opened.authenticated);
  CHECK(payload_of(opened) == payload);
  auto keyed = make_envelope(shared_keyring({key_a}));
  CHECK(*e.open(view(sealed(keyed))).dropped == drop_reason::no_keyring);
  CHECK(e.counters().dropped_for(drop_reason::no_keyring) == 1);
}

TEST_CASE("empty, short, unknown-format and oversized input is dropped by reason") {
  envelope_settings s;
  s.max_message_bytes = 100;
  auto e = make_envelope(shared_keyring({key_a}), s);
  CHECK(*e.open("").dropped == drop_reason::too_short);
  CHECK(*e.open(std::string(sealed_overhead - 1, '\x02')).dropped
        == drop_reason::too_short);
  CHECK(*e.open(std::string(sealed_overhead, '\x02')).dropped
        == drop_reason::not_authentic);
  CHECK(*e.open("\x03 hello").dropped == drop_reason::bad_format);
  CHECK(*e.open(std::string(1, '\0')).dropped == drop_reason::bad_format);
  CHECK(*e.open(std::string(101, '\x02')).dropped == drop_reason::too_large);
  CHECK(e.open(view(sealed(e, std::string(100 - sealed_overhead, 'x')))));
  const auto& c = e.counters();
  CHECK(c.dropped_for(drop_reason::too_short) == 2);
  CHECK(c.dropped_for(drop_reason::not_authentic) == 1);
  CHECK(c.dropped_for(drop_reason::bad_format) == 2);
  CHECK(c.dropped_for(drop_reason::too_large) == 1);
  CHECK(c.opened_in == 1);
}

TEST_CASE("a payload whose envelope would exceed the maximum is not sealed") {
  envelope_settings s;
  s.max_message_bytes = 100;
  auto e = make_envelope(shared_keyring({key_a}), s);
  CHECK(e.seal(std::string(100 - sealed_overhead, 'x')));
  CHECK_FALSE(e.seal(std::string(100 - sealed_overhead + 1, 'x')));
  auto plain = make_envelope(nullptr, s);
  CHECK(plain.seal(std::string(99, 'x')));
  CHECK_FALSE(plain.seal(std::string(100, 'x')));
  CHECK(e.counters().refused_out == 1);
  CHECK(plain.counters().refused_out == 1);
}

TEST_CASE("sealing without randomness sends nothing") {
  auto ring = make_keyring({key_a});
  ring.set_nonce_source_for_testing([](unsigned char*, std::size_t) { return false; });
  auto e = make_envelope(std::make_shared<const keyring>(ring));
  CHECK_FALSE(e.seal(payload));
  CHECK(e.counters().refused_out == 1);
}

TEST_CASE("a replayed datagram is dropped while its nonce is remembered") {
  envelope_settings s;
  s.replay_window = 2;
  auto keys = shared_keyring({key_a});
  auto sender = make_envelope(keys);
  auto receiver = make_envelope(keys, s);
  auto first = sealed(sender), second = sealed(sender), third = sealed(sender);
  CHECK(receiver.open(view(first)));
  CHECK(*receiver.open(view(first)).dropped == drop_reason::replayed);
  CHECK(receiver.open(view(second)));
  CHECK(receiver.open(view(third))); // the window of 2 forgets `first`
  CHECK(receiver.open(view(first))); // an old replay: the protocol must ignore it
  CHECK(*receiver.open(view(third)).dropped == drop_reason::replayed);
  CHECK(receiver.counters().dropped_for(drop_reason::replayed) == 2);
}

TEST_CASE("forged messages do not enter the replay filter") {
  envelope_settings s;
  s.replay_window = 1;
  auto keys = shared_keyring({key_a});
  auto sender = make_envelope(keys);
  auto receiver = make_envelope(keys, s);
  auto genuine = sealed(sender);
  REQUIRE(receiver.open(view(genuine)));
  auto forged = sealed(sender);
  forged.back() = static_cast<char>(forged.back() ^ 1);
  CHECK(*receiver.open(view(forged)).dropped == drop_reason::not_authentic);
  CHECK(*receiver.open(view(genuine)).dropped == drop_reason::replayed);
}

TEST_CASE("without a replay window a replay opens again (streams bind to a challenge)") {
  auto e = make_envelope(shared_keyring({key_a}));
  auto message = sealed(e);
  CHECK(e.open(view(message)));
  CHECK(e.open(view(message)));
}

TEST_CASE(
    "settings with a label over 255 bytes or a maximum below the overhead are refused") {
  std::string error;
  CHECK_FALSE(envelope::create(nullptr, with_label(std::string(256, 'l')), error));
  CHECK(error.find("255") != std::string::npos);
  CHECK(envelope::create(nullptr, with_label(std::string(255, 'l')), error));
  envelope_settings tiny;
  tiny.max_message_bytes = sealed_overhead - 1;
  CHECK_FALSE(envelope::create(nullptr, tiny, error));
  CHECK(error.find("29") != std::string::npos);
}

TEST_CASE("drop reasons have stable names for metrics") {
  CHECK(std::string{to_string(drop_reason::not_authentic)} == "not_authentic");
  CHECK(std::string{to_string(drop_reason::plaintext_refused)} == "plaintext_refused");
  CHECK(std::string{to_string(drop_reason::replayed)} == "replayed");
}
