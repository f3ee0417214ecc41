#include "http/server/url_decoding.hpp"

#include <doctest/doctest.h>

using namespace onevalue;

TEST_CASE(
    "query strings are split and percent-decoded; the first of a repeated key wins") {
  auto q = parse_query_string("index=%37&wait=1m&flag&&index=9&a+b=c%2");
  CHECK(q.at("index") == "7");
  CHECK(q.at("wait") == "1m");
  CHECK(q.at("flag").empty());
  CHECK(q.at("a b") == "c%2");
}

TEST_CASE(
    "a path is percent-decoded strictly: bad escapes, NUL and an encoded '?' fail") {
  std::string out;
  CHECK(percent_decode_path("/set/%2D5", out));
  CHECK(out == "/set/-5");
  CHECK(percent_decode_path("/a+b", out));
  CHECK(out == "/a+b");
  CHECK_FALSE(percent_decode_path("/x%2", out));
  CHECK_FALSE(percent_decode_path("/x%", out));
  CHECK_FALSE(percent_decode_path("/x%zz", out));
  CHECK_FALSE(percent_decode_path("/x%00", out));
  CHECK_FALSE(percent_decode_path("/get%3Fa=1", out));
  CHECK_FALSE(percent_decode_path("/get%3fa=1", out));
}
