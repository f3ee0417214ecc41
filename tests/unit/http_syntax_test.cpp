#include "http/server/http_syntax.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace onevalue;
using namespace std::string_literals;

TEST_CASE("tokens are tchars only") {
  CHECK(is_token("GET"));
  CHECK(is_token("X-Onevalue-Token"));
  CHECK(is_token("!#$%&'*+-.^_`|~09azAZ"));
  CHECK_FALSE(is_token(""));
  for (const char* bad : {"a b", "a:b", "a\"b", "a(b", "a\tb", "a,b", "a/b", "a\x80"})
    CHECK_FALSE(is_token(bad));
}

TEST_CASE("field values refuse every control character but tab") {
  CHECK(is_field_value(""));
  CHECK(is_field_value("text/plain; charset=utf-8"));
  CHECK(is_field_value("a\tb \xff\x80"));
  for (int c = 0; c < 0x20; ++c) {
    if (c == '\t')
      continue;
    CAPTURE(c);
    CHECK_FALSE(is_field_value("a"s + static_cast<char>(c) + "b"));
  }
  CHECK_FALSE(is_field_value("a\x7f"));
}

TEST_CASE("request targets are visible ASCII; Host values are uri-host[:port]") {
  CHECK(is_target_text("/v1/value?index=1&wait=5s"));
  CHECK_FALSE(is_target_text("/a b"));
  CHECK_FALSE(is_target_text("/a\x7f"));
  CHECK_FALSE(is_target_text("/\xc3\xa9"));
  CHECK(is_host_value("node1.example:8080"));
  CHECK(is_host_value("[::1]:8080"));
  CHECK(is_host_value(""));
  CHECK_FALSE(is_host_value("a b"));
  CHECK_FALSE(is_host_value("a/b"));
  CHECK_FALSE(is_host_value("a@b"));
}

TEST_CASE("lines end in CRLF only") {
  std::string_view rest = "one\r\ntwo\r\n";
  std::string_view line;
  REQUIRE(next_crlf_line(rest, line) == line_status::complete);
  CHECK(line == "one");
  REQUIRE(next_crlf_line(rest, line) == line_status::complete);
  CHECK(line == "two");
  CHECK(rest.empty());
  std::string_view partial = "abc\r";
  CHECK(next_crlf_line(partial, line) == line_status::incomplete);
  CHECK(partial == "abc\r");
  std::string_view lf = "abc\ndef\r\n";
  CHECK(next_crlf_line(lf, line) == line_status::bare_lf);
  std::string_view cr = "abc\rdef\r\n";
  CHECK(next_crlf_line(cr, line) == line_status::bare_cr);
  CHECK(std::string{describe(line_status::bare_lf)}.find("bare LF") != std::string::npos);
}
