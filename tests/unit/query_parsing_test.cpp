#include "http/api/query_parsing.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using namespace std::chrono_literals;

TEST_CASE("an ETag is the quoted counter and writer, the initial value's is \"0-\"") {
  CHECK(format_etag({7, "n2"}) == "\"7-n2\"");
  CHECK(format_etag({}) == "\"0-\"");
}

TEST_CASE("If-Match parses back every ETag, also node names with dashes") {
  for (const auto& v : {version{7, "n2"}, version{0, ""}, version{12, "node-a-1"}}) {
    auto parsed = parse_if_match(format_etag(v));
    REQUIRE_MESSAGE(parsed.ok, parsed.error);
    REQUIRE(parsed.expected);
    CHECK(*parsed.expected == v);
  }
}

TEST_CASE("If-Match * matches any version") {
  auto parsed = parse_if_match(" * ");
  CHECK(parsed.ok);
  CHECK_FALSE(parsed.expected);
}

TEST_CASE("malformed If-Match values are refused with a reason") {
  for (const char* text :
       {"7-n2", "\"7n2\"", "\"x-n2\"", "W/\"7-n2\"", "\"7-n2\", \"8-n1\"", "", "\"",
        "\"-n2\"", "\"99999999999999999999-n\""}) {
    CAPTURE(text);
    auto parsed = parse_if_match(text);
    CHECK_FALSE(parsed.ok);
    CHECK(parsed.error.rfind("If-Match", 0) == 0);
  }
}

TEST_CASE("waits parse like Consul's: ms, s, m, h and combinations") {
  CHECK(parse_wait("500ms") == std::chrono::milliseconds{500});
  CHECK(parse_wait("10s") == std::chrono::milliseconds{10000});
  CHECK(parse_wait("1m") == std::chrono::milliseconds{60000});
  CHECK(parse_wait("1m30s") == std::chrono::milliseconds{90000});
  CHECK(parse_wait("1h") == std::chrono::milliseconds{3600000});
  CHECK(parse_wait("0s") == std::chrono::milliseconds{0});
}

TEST_CASE("waits without a unit, negative, fractional or absurd are refused") {
  for (const char* text : {"", "10", "-1s", "1.5s", "s", "10x", "10sec", "1m 30s",
                           "99999999999999999999h", "9999999999999h"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_wait(text));
  }
}

TEST_CASE("without index a read does not block, even with wait") {
  auto q = parse_blocking_query({{"wait", "10s"}});
  CHECK(q.ok);
  CHECK_FALSE(q.blocking);
}

TEST_CASE("index with wait blocks for that long; index alone waits the default") {
  auto q = parse_blocking_query({{"index", "7"}, {"wait", "250ms"}});
  REQUIRE(q.ok);
  CHECK(q.blocking);
  CHECK(q.index == 7);
  CHECK(q.wait == 250ms);
  auto d = parse_blocking_query({{"index", "0"}});
  REQUIRE(d.ok);
  CHECK(d.wait == default_blocking_wait);
}

TEST_CASE("a wait above the cap is cut to the cap") {
  auto q = parse_blocking_query({{"index", "1"}, {"wait", "1h"}});
  REQUIRE(q.ok);
  CHECK(q.wait == max_blocking_wait);
}

TEST_CASE("a bad index or wait is an error naming the parameter") {
  auto bad_index = parse_blocking_query({{"index", "-1"}});
  CHECK_FALSE(bad_index.ok);
  CHECK(bad_index.error.rfind("index:", 0) == 0);
  auto bad_wait = parse_blocking_query({{"index", "1"}, {"wait", "10"}});
  CHECK_FALSE(bad_wait.ok);
  CHECK(bad_wait.error.rfind("wait:", 0) == 0);
}
