// Fuzzes the push-pull state decoder and feeds what it accepts into a membership core
// (merge_table) and a value register, as the gossip actor does, checking their
// invariants.

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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  wire_limits limits;
  limits.max_members = 64;
  auto d = decode_cluster_state(reinterpret_cast<const char*>(data), size, limits);
  if (!d) {
    check(d.error != wire_error::none && d.offset <= size);
    return 0;
  }
  auto again = encode(d.value);
  check(again.size() == size && encoded_size(d.value) == size);
  check(std::equal(again.begin(), again.end(), reinterpret_cast<const char*>(data)));
  check(d.value.members.size() <= limits.max_members);
  auto now = time_point{} + std::chrono::hours{1};
  swim_settings settings;
  settings.max_members = 16;
  membership_core core{node(0), settings, {{"10.0.0.2", 7946}}, 1, now};
  core.merge_updates({{node(1, 2), "n1"}, {node(2), "n2"}, {node(3, 5), "n3"}}, now);
  core.merge_table(d.value.members, d.value.sender, now);
  check(core.check_invariants().empty());
  check(core.member_count() <= settings.max_members);
  for (int i = 1; i <= 40; ++i) {
    core.tick(now + std::chrono::seconds{i});
    check(core.check_invariants().empty());
  }
  value_register reg{versioned_value{42, {7, "n1"}}, 9};
  auto before = reg.clock();
  auto result = reg.offer(d.value.value);
  check(reg.check_invariants() && reg.clock() >= before);
  check(result != merge_result::accepted || reg.current() == d.value.value);
  return 0;
}
