#include "actors/core/duration_text.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace onevalue;
using namespace std::chrono_literals;

TEST_CASE("durations parse with every unit, m and min alike, and compounds") {
  struct row {
    const char* text;
    std::chrono::nanoseconds expected;
  };
  for (const auto& r :
       {row{"250ms", 250ms}, row{"2s", 2s}, row{"10m", 10min}, row{"10min", 10min},
        row{"1h", 1h}, row{"1m30s", 90s}, row{"1h2m3s4ms", 1h + 2min + 3s + 4ms},
        row{"500us", 500us}, row{"7ns", 7ns}, row{"0s", 0s}, row{"007s", 7s}}) {
    CAPTURE(r.text);
    auto parsed = parse_duration(r.text);
    REQUIRE(parsed);
    CHECK(*parsed == r.expected);
  }
}

TEST_CASE("durations without a unit, with a sign, fraction, blank or overflow fail") {
  for (const char* bad :
       {"", "10", "m", "-1s", "+1s", "1.5s", "1 s", " 1s", "1s ", "10x", "1mi", "1sec",
        "1d", "ms10", "99999999999999999999s", "9223372036854775807ns1h", "1000000h",
        "12m000146334456473685560808s", "18446744073709551617ms"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_duration(bad));
  }
}

TEST_CASE("durations render in the largest exact unit, m or CAF's min") {
  CHECK(format_duration(250ms) == "250ms");
  CHECK(format_duration(2s) == "2s");
  CHECK(format_duration(10min) == "10m");
  CHECK(format_duration(10min, true) == "10min");
  CHECK(format_duration(90s) == "90s");
  CHECK(format_duration(2h) == "2h");
  CHECK(format_duration(1500us) == "1500us");
  CHECK(format_duration(7ns) == "7ns");
  CHECK(format_duration(0s) == "0s");
  for (const char* text : {"250ms", "10m", "1h", "1500us", "90s"})
    CHECK(format_duration(*parse_duration(text)) == text);
}
