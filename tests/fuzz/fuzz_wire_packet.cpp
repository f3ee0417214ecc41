// Fuzzes the datagram decoder and feeds what it accepts into a membership core and a
// value register, as the gossip actor does, checking their invariants after every
// datagram.
//
// Input: datagrams, each preceded by its length (2 bytes, big-endian); a length beyond
// the remaining bytes takes the rest. Byte 0 picks the core's situation (bit 0: joining
// through a seed, so not established; bit 1: a table of at most 6 members).

#include "actors/core/membership_core.hpp"
#include "actors/core/value_register.hpp"
#include "actors/core/wire_codec.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

using namespace onevalue;

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

member_info node(int k, uint64_t inc = 0) {
  return member_info{"n" + std::to_string(k),
                     "10.0.0." + std::to_string(k + 1),
                     7946,
                     8080,
                     member_state::alive,
                     inc};
}

/// Decodes one datagram; if it is valid, checks the round trip and applies it.
void deliver(const char* data, std::size_t size, membership_core& core,
             value_register& reg, time_point now) {
  auto d = decode_packet(data, size);
  if (!d) {
    check(d.error != wire_error::none && d.offset <= size);
    return;
  }
  // One encoding per message: the bytes come back unchanged, with their exact size.
  auto again = encode(d.value);
  check(again.size() == size && encoded_size(d.value) == size);
  check(std::equal(again.begin(), again.end(), data));
  const auto& p = d.value;
  if (p.swim.kind != swim_kind::none)
    core.handle_message(p.sender, p.swim, now);
  if (!p.members.empty())
    core.merge_updates(p.members, now);
  for (const auto& v : p.values)
    reg.offer(v);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  auto mode = data[0];
  swim_settings settings;
  if (mode & 2)
    settings.max_members = 6;
  std::vector<endpoint> seeds;
  if (mode & 1)
    seeds.push_back({"10.0.0.2", 7946});
  auto now = time_point{} + std::chrono::hours{1};
  membership_core core{node(0), settings, seeds, 1, now};
  core.merge_updates({{node(1, 2), "n1"}, {node(2), "n2"}, {node(3, 5), "n3"}}, now);
  value_register reg{versioned_value{42, {7, "n1"}}, 9};
  const char* bytes = reinterpret_cast<const char*>(data);
  std::size_t pos = 1;
  while (pos < size) {
    std::size_t length = size - pos;
    if (length >= 2) {
      auto wanted = (std::size_t{data[pos]} << 8) | data[pos + 1];
      pos += 2;
      length = std::min(wanted, size - pos);
    } else {
      pos = size;
      length = 0;
    }
    deliver(bytes + pos, length, core, reg, now);
    pos += length;
    now += std::chrono::milliseconds{50};
    core.tick(now);
    check(core.check_invariants().empty());
    check(reg.check_invariants());
  }
  return 0;
}
