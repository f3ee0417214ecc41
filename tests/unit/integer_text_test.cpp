// parse_integer: the one parser for integers in text from outside.

#include "actors/core/integer_text.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

using namespace onevalue;

TEST_CASE("parse_integer takes all of the text and nothing else") {
  CHECK(parse_integer<uint64_t>("0") == uint64_t{0});
  CHECK(parse_integer<uint64_t>("18446744073709551615")
        == std::numeric_limits<uint64_t>::max());
  CHECK(parse_integer<int64_t>("-9223372036854775808")
        == std::numeric_limits<int64_t>::min());
  CHECK(parse_integer<uint32_t>("ff", 16) == uint32_t{255});
  for (const char* bad : {"", " 1", "1 ", "+1", "0x1", "1a", "-", "18446744073709551616"})
    CHECK_FALSE(parse_integer<uint64_t>(bad));
  CHECK_FALSE(parse_integer<uint64_t>("-1"));
  CHECK_FALSE(parse_integer<int64_t>("9223372036854775808"));
  CHECK_FALSE(parse_integer<int64_t>("--1"));
}

TEST_CASE("parse_integer_into leaves its target alone on failure") {
  uint16_t port = 7946;
  CHECK_FALSE(parse_integer_into(std::string_view{"65536"}, port));
  CHECK(port == 7946);
  CHECK(parse_integer_into(std::string_view{"8080"}, port));
  CHECK(port == 8080);
}
