#include "http/api/request_parsing.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <string>

using namespace onevalue;

namespace {

struct good_case {
  const char* text;
  int64_t value;
};

struct bad_case {
  const char* text;
  const char* reason_fragment;
};

} // namespace

TEST_CASE("a /set/{n} segment accepts decimal int64 including both extremes") {
  const good_case cases[] = {
      {"0", 0},
      {"5", 5},
      {"-5", -5},
      {"-0", 0},
      {"007", 7},
      {"9223372036854775807", std::numeric_limits<int64_t>::max()},
      {"-9223372036854775808", std::numeric_limits<int64_t>::min()},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto r = parse_int64_strict(c.text);
    CHECK(r.ok);
    CHECK(r.value == c.value);
    CHECK(r.error.empty());
  }
}

TEST_CASE("a /set/{n} segment rejects everything but an optional minus and digits") {
  const bad_case cases[] = {
      {"", "empty"},
      {"+", "not an integer"},
      {"+5", "not an integer"},
      {"-", "no digits"},
      {" 5", "not an integer"},
      {"5 ", "not an integer"},
      {"1.5", "not an integer"},
      {"1e3", "not an integer"},
      {"0x10", "not an integer"},
      {"abc", "not an integer"},
      {"5abc", "not an integer"},
      {"--5", "not an integer"},
      {"9223372036854775808", "out of int64 range"},
      {"-9223372036854775809", "out of int64 range"},
      {"99999999999999999999999", "out of int64 range"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto r = parse_int64_strict(c.text);
    CHECK_FALSE(r.ok);
    CHECK(r.error.find(c.reason_fragment) != std::string::npos);
  }
}

TEST_CASE("the reason quotes the bad input, shortened when it is long") {
  auto r = parse_int64_strict("12x");
  CHECK(r.error.find("'12x'") != std::string::npos);
  auto long_input = std::string(200, 'z');
  auto l = parse_int64_strict(long_input);
  CHECK(l.error.size() < 150);
  CHECK(l.error.find("...") != std::string::npos);
}

TEST_CASE("a PUT body may be JSON with an integer value or a plain integer") {
  struct body_case {
    const char* body;
    const char* content_type;
    int64_t value;
  };
  const body_case cases[] = {
      {R"({"value":5})", "application/json", 5},
      {R"({"value": -42})", "", -42},
      {R"( {"value":7} )", "application/json", 7},
      // A bare JSON integer, as `curl -H 'Content-Type: application/json' -d 13` sends.
      {"13", "application/json", 13},
      {"-13\n", "application/json; charset=utf-8", -13},
      {R"({"value":9223372036854775807})", "application/json",
       std::numeric_limits<int64_t>::max()},
      {R"({"value":-9223372036854775808})", "application/json",
       std::numeric_limits<int64_t>::min()},
      {"5", "text/plain", 5},
      {"5\n", "application/x-www-form-urlencoded", 5},
      {"  -12\r\n", "", -12},
  };
  for (const auto& c : cases) {
    CAPTURE(c.body);
    auto r = parse_value_body(c.body, c.content_type);
    CHECK(r.ok);
    CHECK(r.value == c.value);
  }
}

TEST_CASE("a PUT body is rejected with a reason naming what is wrong") {
  struct body_case {
    const char* body;
    const char* content_type;
    const char* reason_fragment;
  };
  const body_case cases[] = {
      {"", "", "empty body"},
      {" \n", "text/plain", "empty body"},
      {"{", "application/json", "malformed JSON"},
      {R"({"value":5,})", "application/json", "malformed JSON"},
      {"[5]", "", "must be an object"},
      {R"("5")", "", "must be an object"},
      {R"("5")", "application/json", "a string"},
      {"1.5", "application/json", "must be an integer"},
      {"9223372036854775808", "application/json", "out of int64 range"},
      {"true", "application/json", "a boolean"},
      {"{}", "application/json", "no \"value\""},
      {R"({"val":5})", "application/json", "unknown field"},
      {R"({"value":"5"})", "application/json", "a string"},
      {R"({"value":true})", "application/json", "a boolean"},
      {R"({"value":null})", "application/json", "null"},
      {R"({"value":[5]})", "application/json", "an array"},
      {R"({"value":{"n":5}})", "application/json", "an object"},
      {R"({"value":1.5})", "application/json", "must be an integer"},
      {R"({"value":5.0})", "application/json", "must be an integer"},
      {R"({"value":1e3})", "application/json", "must be an integer"},
      {R"({"value":9223372036854775808})", "application/json", "out of int64 range"},
      {R"({"value":18446744073709551615})", "application/json", "out of int64 range"},
      {R"({"value":18446744073709551616})", "application/json", "out of int64 range"},
      {R"({"value":-9223372036854775809})", "application/json", "out of int64 range"},
      {"1.5", "text/plain", "not an integer"},
      {"five", "", "not an integer"},
      {"5 6", "", "not an integer"},
      {"99999999999999999999", "", "out of int64 range"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.body);
    auto r = parse_value_body(c.body, c.content_type);
    CHECK_FALSE(r.ok);
    CHECK(r.error.find(c.reason_fragment) != std::string::npos);
  }
}

TEST_CASE("unknown JSON fields are refused, each named in the reason") {
  auto typo = parse_value_body(R"({"value":1,"vlaue":2})", "application/json");
  CHECK_FALSE(typo.ok);
  CHECK(typo.error.find("unknown field") != std::string::npos);
  CHECK(typo.error.find("'vlaue'") != std::string::npos);
  auto two = parse_value_body(R"({"comment":"x","value":7,"ttl":3})", "");
  CHECK_FALSE(two.ok);
  CHECK(two.error.find("'comment'") != std::string::npos);
  CHECK(two.error.find("'ttl'") != std::string::npos);
  // Even without "value" the unknown names come first: they are the likelier mistake.
  auto only_unknown = parse_value_body(R"({"val":5})", "application/json");
  CHECK(only_unknown.error.find("'val'") != std::string::npos);
}

TEST_CASE("a body with many unknown fields names a few and counts the rest") {
  std::string body = R"({"value":1)";
  for (int i = 0; i < 20; ++i)
    body += ",\"f" + std::to_string(i) + "\":0";
  body += "}";
  auto r = parse_value_body(body, "application/json");
  CHECK_FALSE(r.ok);
  CHECK(r.error.find("'f0'") != std::string::npos);
  CHECK(r.error.find("and 15 more") != std::string::npos);
  CHECK(r.error.size() < 200);
}
