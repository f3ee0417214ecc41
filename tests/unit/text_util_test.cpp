#include "http/server/text_util.hpp"

#include <doctest/doctest.h>

using namespace onevalue;

TEST_CASE("hex digits of either case have their value; anything else is -1") {
  CHECK(hex_digit('0') == 0);
  CHECK(hex_digit('9') == 9);
  CHECK(hex_digit('a') == 10);
  CHECK(hex_digit('F') == 15);
  CHECK(hex_digit('g') == -1);
  CHECK(hex_digit('%') == -1);
}

TEST_CASE("trim_blanks drops spaces and tabs at both ends only") {
  CHECK(trim_blanks(" \t a b \t") == "a b");
  CHECK(trim_blanks("") == "");
  CHECK(trim_blanks(" \t ") == "");
  CHECK(trim_blanks("\r\nx\r\n") == "\r\nx\r\n");
}

TEST_CASE("to_lower lowers ASCII letters and keeps everything else") {
  CHECK(to_lower("Content-Type: JSON 1") == "content-type: json 1");
}
