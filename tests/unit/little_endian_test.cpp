#include "actors/core/little_endian.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

using namespace onevalue;

TEST_CASE("integers are written least significant byte first") {
  std::string out;
  append_le(out, uint32_t{0x04030201});
  append_le(out, uint16_t{0xBEEF});
  CHECK(out == std::string("\x01\x02\x03\x04\xEF\xBE", 6));
  char buf[8];
  put_le(buf, uint64_t{0x8877665544332211});
  CHECK(std::string(buf, 8) == "\x11\x22\x33\x44\x55\x66\x77\x88");
}

TEST_CASE("reading gives back what was written, high bytes included") {
  for (uint64_t x :
       {uint64_t{0}, uint64_t{1}, uint64_t{0xFF}, uint64_t{0x8000000000000000},
        UINT64_MAX, uint64_t{0x0123456789ABCDEF}}) {
    std::vector<char> out;
    append_le(out, x);
    REQUIRE(out.size() == 8);
    CHECK(get_le<uint64_t>(out.data()) == x);
  }
  for (uint32_t x :
       {uint32_t{0}, uint32_t{0x80}, uint32_t{0xFFFFFFFF}, uint32_t{0xA1B2C3D4}}) {
    char buf[4];
    put_le(buf, x);
    CHECK(get_le<uint32_t>(buf) == x);
  }
}
