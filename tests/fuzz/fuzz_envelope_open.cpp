// Fuzzes the envelope's open on arbitrary bytes with a fixed keyring (two keys, label
// "fuzz"), in both incoming modes, and checks its promises: oversized input is refused
// unread, a dropped message yields no bytes, what a node that refuses plaintext accepts
// was sealed under an installed key, and plaintext is handed on unchanged. Every input
// is also sealed and must open to itself.
//
// The seed corpus (corpus/envelope_open/) holds messages sealed under these keys and
// label, so mutations start from authentic messages and reach the tag check with every
// byte changed; see make_envelope_seeds.py beside this file.

#include "actors/core/envelope.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

constexpr std::size_t max_message = 2048;

/// Key A (primary): bytes 0..31. Key B: sixteen bytes 0xa0.
std::shared_ptr<const onevalue::keyring> fuzz_keyring() {
  std::string a;
  for (int i = 0; i < 32; ++i)
    a.push_back(static_cast<char>(i));
  std::string error;
  auto ring = onevalue::keyring::create(
      {*onevalue::secret_key::from_bytes(a),
       *onevalue::secret_key::from_bytes(std::string(16, '\xa0'))},
      error);
  check(ring.has_value());
  return std::make_shared<const onevalue::keyring>(*ring);
}

onevalue::envelope make(bool verify_incoming) {
  static const auto keys = fuzz_keyring();
  onevalue::envelope_settings s;
  s.label = "fuzz";
  s.verify_incoming = verify_incoming;
  s.max_message_bytes = max_message;
  s.replay_window = 4;
  std::string error;
  auto e = onevalue::envelope::create(keys, s, error);
  check(e.has_value());
  return *e;
}

void check_open(std::string_view input, bool verify_incoming) {
  auto e = make(verify_incoming);
  auto r = e.open(input);
  if (input.size() > max_message)
    check(r.dropped == onevalue::drop_reason::too_large);
  if (!r) {
    check(r.payload.empty());
    check(e.counters().dropped_for(*r.dropped) == 1);
    return;
  }
  std::string_view payload{r.payload.data(), r.payload.size()};
  if (r.authenticated) {
    check(input[0] == static_cast<char>(onevalue::envelope_format::sealed_v1));
    check(payload.size() + onevalue::sealed_overhead == input.size());
    // The same message again is a replay.
    check(e.open(input).dropped == onevalue::drop_reason::replayed);
  } else {
    check(!verify_incoming);
    check(input[0] == static_cast<char>(onevalue::envelope_format::plaintext));
    check(payload == input.substr(1));
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view input{reinterpret_cast<const char*>(data), size};
  check_open(input, true);
  check_open(input, false);
  auto sender = make(true);
  auto sealed = sender.seal(input);
  check(sealed.has_value() == (size + onevalue::sealed_overhead <= max_message));
  if (sealed) {
    auto receiver = make(true);
    auto r = receiver.open({sealed->data(), sealed->size()});
    check(r && r.authenticated);
    check(std::string_view(r.payload.data(), r.payload.size()) == input);
  }
  return 0;
}
