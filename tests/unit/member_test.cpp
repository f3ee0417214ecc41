#include "actors/core/member.hpp"
#include "actors/core/version.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <string>

using namespace onevalue;

TEST_CASE("node names are 1 to 64 letters, digits, dots, underscores or dashes") {
  for (std::string good : {std::string{"n1"}, std::string{"node-1.example_a"},
                           std::string(64, 'z'), std::string{"-"}, std::string{"0"}}) {
    CAPTURE(good);
    CHECK(valid_node_name(good));
  }
  for (std::string bad : {std::string{}, std::string(65, 'z'), std::string{"n1\r\nX: y"},
                          std::string{"n 1"}, std::string{"n1\n"}, std::string{"n1:"},
                          std::string{"n\0"
                                      "1",
                                      3},
                          std::string{"\xc3\xa9t\xc3\xa9"}, std::string{"n/1"}}) {
    CAPTURE(bad);
    CHECK_FALSE(valid_node_name(bad));
  }
}

TEST_CASE("hosts are IPv4 dotted quads or host names of safe characters") {
  for (std::string good :
       {std::string{"10.0.0.1"}, std::string{"0.0.0.0"}, std::string{"255.255.255.255"},
        std::string{"node1"}, std::string{"node-1.example.com"}, std::string{"a_b.c"},
        std::string{"node1."}, std::string{"x1.2.3.4"},
        std::string(63, 'a') + "." + std::string(63, 'b')}) {
    CAPTURE(good);
    CHECK(valid_host(good));
  }
  for (std::string bad :
       {std::string{}, std::string{"10.0.0"}, std::string{"10.0.0.256"},
        std::string{"010.0.0.1"}, std::string{"1.2.3.4.5"}, std::string{"1234.1.1.1"},
        std::string{"-node"}, std::string{"node-"}, std::string{"a..b"},
        std::string{".a"}, std::string{"a-.b"}, std::string{"host\r\n"},
        std::string{"host name"}, std::string{"[::1]"}, std::string{"::1"},
        std::string(64, 'a'), std::string(126, 'a') + "." + std::string(126, 'b')}) {
    CAPTURE(bad);
    CHECK_FALSE(valid_host(bad));
  }
  // 253 bytes in all at most.
  std::string longest;
  while (longest.size() + 2 <= max_host_size)
    longest += longest.empty() ? "a" : ".a";
  CHECK(valid_host(longest));
  CHECK_FALSE(valid_host(longest + "aa"));
}

TEST_CASE("a member needs a valid name, host, both ports and a known state") {
  member_info m{"n1", "10.0.0.1", 7946, 8080, member_state::alive, 0};
  CHECK(check_member(m) == member_defect::none);
  auto bad = m;
  bad.name = "n1\n";
  CHECK(check_member(bad) == member_defect::name);
  bad = m;
  bad.address = "evil host";
  CHECK(check_member(bad) == member_defect::address);
  bad = m;
  bad.cluster_port = 0;
  CHECK(check_member(bad) == member_defect::port);
  bad = m;
  bad.http_port = 0;
  CHECK(check_member(bad) == member_defect::port);
  bad = m;
  bad.state = static_cast<member_state>(4);
  CHECK(check_member(bad) == member_defect::state);
}

TEST_CASE(
    "any incarnation up to 2^62 is plausible; above, at most 2^20 over the held one") {
  constexpr uint64_t top = std::numeric_limits<uint64_t>::max();
  CHECK(plausible_incarnation(0, 0));
  CHECK(plausible_incarnation(incarnation_free_range, 0));
  CHECK(plausible_incarnation(incarnation_free_range + max_incarnation_step, 0));
  CHECK_FALSE(
      plausible_incarnation(incarnation_free_range + max_incarnation_step + 1, 0));
  CHECK_FALSE(plausible_incarnation(top, 0));
  CHECK_FALSE(plausible_incarnation(top, 5));
  auto held = incarnation_free_range + 1000;
  CHECK(plausible_incarnation(held + max_incarnation_step, held));
  CHECK_FALSE(plausible_incarnation(held + max_incarnation_step + 1, held));
  // Stale claims are plausible (and then simply stale).
  CHECK(plausible_incarnation(3, held));
  // Near the end, the arithmetic does not wrap.
  CHECK(plausible_incarnation(top, top - 1));
  CHECK(plausible_incarnation(top, top));
}

TEST_CASE("a version is the initial one or has a counter and a valid writer") {
  CHECK(valid_version(version{0, ""}));
  CHECK(valid_version(version{1, "n1"}));
  CHECK(valid_version(version{std::numeric_limits<uint64_t>::max(), "n1"}));
  CHECK_FALSE(valid_version(version{0, "n1"}));
  CHECK_FALSE(valid_version(version{7, ""}));
  CHECK_FALSE(valid_version(version{7, "n1\r\nSet-Cookie: x"}));
}
