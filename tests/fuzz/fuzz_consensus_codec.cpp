// Fuzzes the consensus codec (actors/core/consensus_codec.hpp) and the datagram frame
// around its messages (consensus_frame.hpp). The first byte picks the decoder ('C': the
// whole input is a frame, whose message is then fuzzed as a message; else even: a
// message, odd: an acceptor slot file in either layout, acceptor_file.hpp), the rest is
// its input. Checks
// the codec's promises: it never crashes, a decoded input encodes back to the very
// same bytes (the encoding is canonical), and what it accepts the cores take without
// breaking an invariant: a decoded message goes to an acceptor and to a proposer, a
// decoded file restarts an acceptor.

#include "actors/core/acceptor_file.hpp"
#include "actors/core/consensus_acceptor.hpp"
#include "actors/core/consensus_codec.hpp"
#include "actors/core/consensus_frame.hpp"
#include "actors/core/consensus_proposer.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

/// The sender a message claims in its ballot (the transport would authenticate it).
std::string sender(const onevalue::consensus_message& msg) {
  return std::visit([](const auto& m) { return m.b.proposer; }, msg);
}

void fuzz_message(std::string_view bytes) {
  using namespace onevalue;
  std::string error;
  auto msg = decode_consensus_message(bytes, error);
  if (!msg) {
    check(!error.empty());
    return;
  }
  auto again = encode_consensus_message(*msg);
  check(again && *again == bytes);
  consensus_acceptor acceptor;
  auto out = acceptor.handle(sender(*msg), *msg);
  if (out.persist)
    acceptor.on_persisted(out.persist->seq);
  check(acceptor.check_invariants().empty());
  auto from = sender(*msg).empty() ? std::string("v1") : sender(*msg);
  consensus_proposer proposer{{"p", 1}, {from}, initial_register_state(0), {}, 1};
  auto now = time_point{} + std::chrono::hours{1};
  proposer.submit(1, operation{}, now);
  proposer.handle_reply(from, *msg, now);
  check(proposer.check_invariants().empty());
}

void fuzz_acceptor_file(std::string_view bytes) {
  using namespace onevalue;
  std::string error;
  auto state = decode_acceptor_slot(bytes, error);
  if (!state) {
    check(!error.empty());
    return;
  }
  auto again = encode_acceptor_state(*state);
  check(again.has_value());
  // Either layout is canonical: the encoded state alone, or its fixed-size slot.
  check(*again == bytes || acceptor_slot_bytes(*again) == bytes);
  consensus_acceptor acceptor{*state};
  check(acceptor.check_invariants().empty());
}

/// A whole datagram payload on the consensus channel: the header must decode to a
/// frame that encodes back to the same bytes, and its message goes on as a message.
void fuzz_frame(std::string_view bytes) {
  using namespace onevalue;
  std::string error;
  auto frame = decode_consensus_frame(bytes, error);
  if (!frame) {
    check(!error.empty());
    return;
  }
  auto again = encode_consensus_frame(frame->mode_digest, frame->sender, frame->message);
  check(std::string_view{again.data(), again.size()} == bytes);
  fuzz_message(frame->message);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  std::string_view rest{reinterpret_cast<const char*>(data) + 1, size - 1};
  if (data[0] == static_cast<uint8_t>(onevalue::consensus_channel))
    fuzz_frame({reinterpret_cast<const char*>(data), size});
  else if (data[0] % 2 == 0)
    fuzz_message(rest);
  else
    fuzz_acceptor_file(rest);
  return 0;
}
