// Fuzzes what a stream connection reads (actors/stream_transport.cpp): the input is the
// byte stream a peer sends, cut into frames the way the broker reads it (a 4-byte length,
// refused above the cap before anything is allocated, then exactly that many bytes).
// Each body goes where the broker sends it: the hello decoder, the envelope (plaintext
// and sealed accepted, as with gossip-verify-incoming=false), and by channel byte the
// push-pull decoder or the keyring command and answer decoders. Promises checked: no
// body above the cap is ever read, what decodes encodes back to the same bytes.
//
// Seeds (corpus/stream_frame/): a hello, a push-pull request, keyring commands and
// answers, a 4 GiB header, BASP's first bytes.

#include "actors/core/envelope.hpp"
#include "actors/core/keyring_command.hpp"
#include "actors/core/stream_frame.hpp"
#include "actors/core/wire_codec.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

/// A small member limit, so the cap is reachable by the fuzzer.
constexpr std::size_t max_members = 16;

onevalue::envelope& frames() {
  static auto env = [] {
    onevalue::envelope_settings s;
    s.verify_incoming = false;
    s.max_message_bytes = onevalue::frame_cap(max_members);
    std::string error;
    auto e = onevalue::envelope::create(nullptr, s, error);
    check(e.has_value());
    return *e;
  }();
  return env;
}

void body(std::string_view bytes) {
  using namespace onevalue;
  if (auto challenge = decode_hello(bytes))
    check(challenge->size() == challenge_bytes);
  auto opened = frames().open(bytes, request_context(std::string(challenge_bytes, 'c')));
  if (!opened || opened.payload.empty())
    return;
  std::string_view payload{opened.payload.data(), opened.payload.size()};
  if (payload.front() == channel_keyring) {
    if (auto command = decode_keyring_command(payload)) {
      auto again = encode(*command);
      check(std::string_view{again.data(), again.size()} == payload);
    }
    if (auto answer = decode_keyring_answer(payload)) {
      auto again = encode(*answer);
      check(std::string_view{again.data(), again.size()} == payload);
    }
    return;
  }
  auto state = decode_cluster_state(opened.payload.data(), opened.payload.size(),
                                    wire_limits{max_members});
  if (state) {
    check(state.value.members.size() <= max_members);
    check(encode(state.value) == opened.payload);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): libFuzzer's bytes
  std::string_view in{reinterpret_cast<const char*>(data), size};
  auto cap = onevalue::frame_cap(max_members);
  while (in.size() >= onevalue::frame_header_bytes) {
    auto length = onevalue::parse_frame_header(in.data(), cap);
    if (!length)
      return 0; // the broker closes the connection here
    check(length.size <= cap);
    in.remove_prefix(onevalue::frame_header_bytes);
    if (in.size() < length.size)
      return 0; // the peer stopped mid-frame: the deadline closes it
    body(in.substr(0, length.size));
    in.remove_prefix(length.size);
  }
  return 0;
}
