#include "actors/core/wire_codec.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <string>

using namespace onevalue;

namespace {

member_info node(const std::string& name, uint64_t inc = 1,
                 member_state state = member_state::alive) {
  return member_info{
      name, "10.0.0." + std::to_string(name.back() - '0' + 1), 7946, 8080, state, inc};
}

packet full_packet() {
  packet p;
  p.sender = node("n1", 3);
  p.swim.kind = swim_kind::ping_req;
  p.swim.seq = 0xDEADBEEF;
  p.swim.target = "n2";
  p.members.push_back({node("n3", 7, member_state::suspect), "n4"});
  p.members.push_back(
      {node("n5", std::numeric_limits<uint64_t>::max(), member_state::left), "n5"});
  p.values.push_back({std::numeric_limits<int64_t>::min(), {42, "n1"}});
  p.values.push_back({-1, {0, ""}});
  return p;
}

cluster_state full_state() {
  cluster_state s;
  s.sender = "n1";
  for (auto name : {"n1", "n2", "n3"})
    s.members.push_back(node(name));
  s.members[2].state = member_state::failed;
  s.value = {7, {std::numeric_limits<uint64_t>::max(), "n2"}};
  return s;
}

bool same(const packet& a, const packet& b) {
  if (a.version != b.version || !(a.sender == b.sender) || a.swim.kind != b.swim.kind
      || a.swim.seq != b.swim.seq || a.swim.target != b.swim.target
      || a.swim.conflict_address != b.swim.conflict_address
      || a.swim.conflict_port != b.swim.conflict_port
      || a.members.size() != b.members.size() || a.values != b.values)
    return false;
  for (std::size_t i = 0; i < a.members.size(); ++i)
    if (!(a.members[i].member == b.members[i].member)
        || a.members[i].reporter != b.members[i].reporter)
      return false;
  return true;
}

/// `bytes` with the byte at `at` replaced by `value`.
std::vector<char> patched(std::vector<char> bytes, std::size_t at, unsigned char value) {
  bytes.at(at) = static_cast<char>(value);
  return bytes;
}

} // namespace

TEST_CASE("a packet survives the round trip, and the bytes are the same again") {
  auto p = full_packet();
  auto bytes = encode(p);
  REQUIRE_FALSE(bytes.empty());
  CHECK(bytes.size() == encoded_size(p));
  auto back = decode_packet(bytes);
  REQUIRE(back);
  CHECK(same(back.value, p));
  CHECK(encode(back.value) == bytes);
}

TEST_CASE("a conflict ack survives the round trip") {
  packet p;
  p.sender = node("n1");
  p.swim.kind = swim_kind::ack;
  p.swim.seq = 9;
  p.swim.conflict_address = "10.0.0.7";
  p.swim.conflict_port = 7946;
  auto back = decode_packet(encode(p));
  REQUIRE(back);
  CHECK(back.value.swim.conflict_address == "10.0.0.7");
  CHECK(back.value.swim.conflict_port == 7946);
}

TEST_CASE("a push-pull state survives the round trip") {
  auto s = full_state();
  auto bytes = encode(s);
  CHECK(bytes.size() == encoded_size(s));
  auto back = decode_cluster_state(bytes);
  REQUIRE(back);
  CHECK(back.value.sender == s.sender);
  CHECK(back.value.members == s.members);
  CHECK(back.value.value == s.value);
  CHECK(encode(back.value) == bytes);
}

TEST_CASE("encoded sizes are exact for a packet and for each item") {
  packet p;
  p.sender = node("n1");
  auto base = encode(p).size();
  CHECK(base == encoded_size_without_items(p));
  member_update u{node("n2"), "n3"};
  versioned_value v{5, {9, "node-with-a-longer-name"}};
  p.members.push_back(u);
  CHECK(encode(p).size() == base + encoded_size(u));
  p.values.push_back(v);
  CHECK(encode(p).size() == base + encoded_size(u) + encoded_size(v));
  CHECK(encoded_size(p) == encode(p).size());
  CHECK(encoded_size(u) == encoded_size(u.member) + 1 + u.reporter.size());
}

TEST_CASE("every prefix of a valid message is refused as truncated") {
  auto bytes = encode(full_packet());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto d = decode_packet(bytes.data(), n);
    CAPTURE(n);
    CHECK(d.error == wire_error::truncated);
  }
  auto state = encode(full_state());
  for (std::size_t n = 0; n < state.size(); ++n)
    CHECK(decode_cluster_state(state.data(), n).error == wire_error::truncated);
}

TEST_CASE("trailing bytes are refused") {
  auto bytes = encode(full_packet());
  bytes.push_back(0);
  auto d = decode_packet(bytes);
  CHECK(d.error == wire_error::trailing_bytes);
  CHECK(d.offset == bytes.size() - 1);
  auto state = encode(full_state());
  state.push_back('x');
  CHECK(decode_cluster_state(state).error == wire_error::trailing_bytes);
}

TEST_CASE("another format version is refused, CAF's version 1 included") {
  auto bytes = encode(full_packet());
  CHECK(decode_packet(patched(bytes, 1, 1)).error == wire_error::unknown_version);
  CHECK(decode_packet(patched(bytes, 1, 3)).error == wire_error::unknown_version);
  CHECK(decode_packet(patched(bytes, 0, 1)).error == wire_error::unknown_version);
}

TEST_CASE("names with CR, LF or spaces are refused wherever they appear") {
  auto try_packet = [](const packet& p) { return decode_packet(encode(p)).error; };
  auto p = full_packet();
  p.sender.name = "n1\r\nX: y";
  CHECK(try_packet(p) == wire_error::invalid_name);
  p = full_packet();
  p.members[0].reporter = "n 4";
  CHECK(try_packet(p) == wire_error::invalid_name);
  p = full_packet();
  p.members[0].member.name = std::string(65, 'a');
  CHECK(try_packet(p) == wire_error::invalid_name);
  p = full_packet();
  p.swim.target = "n2\n";
  CHECK(try_packet(p) == wire_error::invalid_name);
  p = full_packet();
  p.values[0].ver.node = "n1\r";
  CHECK(try_packet(p) == wire_error::invalid_version);
  auto s = full_state();
  s.sender = "";
  CHECK(decode_cluster_state(encode(s)).error == wire_error::invalid_name);
}

TEST_CASE("bad addresses, ports, enums and versions are refused") {
  auto try_packet = [](const packet& p) { return decode_packet(encode(p)).error; };
  auto p = full_packet();
  p.sender.address = "10.0.0.256";
  CHECK(try_packet(p) == wire_error::invalid_address);
  p = full_packet();
  p.members[1].member.cluster_port = 0;
  CHECK(try_packet(p) == wire_error::invalid_port);
  p = full_packet();
  p.sender.http_port = 0;
  CHECK(try_packet(p) == wire_error::invalid_port);
  p = full_packet();
  p.swim.conflict_address = "10.0.0.9";
  CHECK(try_packet(p) == wire_error::invalid_port);
  p = full_packet();
  p.swim.conflict_port = 7;
  CHECK(try_packet(p) == wire_error::invalid_port);
  p = full_packet();
  p.swim.conflict_address = "bad host";
  p.swim.conflict_port = 7;
  CHECK(try_packet(p) == wire_error::invalid_address);
  p = full_packet();
  p.values[1].ver.node = "n3"; // counter 0 with a writer
  CHECK(try_packet(p) == wire_error::invalid_version);
  p = full_packet();
  p.values[1].ver.counter = 5; // a counter without a writer
  p.values[1].ver.node = "";
  CHECK(try_packet(p) == wire_error::invalid_version);
  // The SWIM kind is byte 2 + sender's size; the sender's state the byte before its
  // incarnation.
  auto bytes = encode(full_packet());
  auto kind_at = 2 + encoded_size(full_packet().sender);
  CHECK(decode_packet(patched(bytes, kind_at, 5)).error == wire_error::bad_enum);
  CHECK(decode_packet(patched(bytes, kind_at - 9, 4)).error == wire_error::bad_enum);
}

TEST_CASE("counts beyond the limits are refused before anything is allocated") {
  auto s = full_state();
  wire_limits limits;
  limits.max_members = 2;
  CHECK(decode_cluster_state(encode(s), limits).error == wire_error::too_many_items);
  limits.max_members = 3;
  CHECK(decode_cluster_state(encode(s), limits));
  // A count of 2^32-1 members in a message of a few bytes: truncated, not allocated.
  auto bytes = encode(s);
  auto count_at = 2 + 1 + s.sender.size();
  for (std::size_t i = 0; i < 4; ++i)
    bytes[count_at + i] = static_cast<char>(0xFF);
  limits.max_members = std::numeric_limits<uint32_t>::max();
  auto d = decode_cluster_state(bytes, limits);
  CHECK(d.error == wire_error::truncated);
  CHECK(d.offset == count_at);
  auto p = full_packet();
  wire_limits few;
  few.max_updates = 1;
  CHECK(decode_packet(encode(p), few).error == wire_error::too_many_items);
  few = {};
  few.max_values = 1;
  CHECK(decode_packet(encode(p), few).error == wire_error::too_many_items);
}

TEST_CASE("a string longer than its length byte can say is not encoded at all") {
  auto p = full_packet();
  p.members[0].reporter = std::string(256, 'a');
  CHECK(encode(p).empty());
  auto s = full_state();
  s.members[0].address = std::string(300, 'a');
  CHECK(encode(s).empty());
}

TEST_CASE("refusals are counted by reason") {
  wire_error_counts counts;
  counts.count(wire_error::truncated);
  counts.count(wire_error::truncated);
  counts.count(wire_error::invalid_name);
  CHECK(counts.of(wire_error::truncated) == 2);
  CHECK(counts.total() == 3);
  CHECK(std::string{to_string(wire_error::trailing_bytes)} == "trailing_bytes");
  for (std::size_t i = 0; i < wire_error_count; ++i)
    CHECK(std::string{to_string(static_cast<wire_error>(i))} != "unknown");
}

TEST_CASE("a value's wall-clock stamp travels in packets and push-pull states") {
  packet p;
  p.sender = node("n1");
  p.values.push_back({7, {3, "n1"}, 1764666000123456});
  auto decoded_packet = decode_packet(encode(p));
  REQUIRE(decoded_packet.ok());
  REQUIRE(decoded_packet.value.values.size() == 1);
  CHECK(decoded_packet.value.values[0].written_at_us == 1764666000123456);
  CHECK(encoded_size(p.values[0]) == 25 + 2);
  cluster_state s{
      "n1", {node("n1")}, {7, {3, "n1"}, std::numeric_limits<uint64_t>::max()}};
  auto decoded_state = decode_cluster_state(encode(s));
  REQUIRE(decoded_state.ok());
  CHECK(decoded_state.value.value.written_at_us == std::numeric_limits<uint64_t>::max());
}
