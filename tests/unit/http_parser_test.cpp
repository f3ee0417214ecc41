#include "http/server/http_parser.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace onevalue;
using status = http_parse_result::status;

namespace {

http_parse_result parse(const std::string& input, http_parser_limits limits = {}) {
  return parse_http_request(input, limits);
}

} // namespace

TEST_CASE("a complete GET is parsed with its path, query and lower-cased headers") {
  std::string input = "GET /v1/value?index=7&wait=5s HTTP/1.1\r\nHost: a\r\n"
                      "X-Thing:  two words \r\n\r\n";
  auto r = parse(input);
  REQUIRE(r.outcome == status::complete);
  CHECK(r.consumed == input.size());
  CHECK(r.request.method == "GET");
  CHECK(r.request.path == "/v1/value");
  CHECK(r.request.query.at("index") == "7");
  CHECK(r.request.query.at("wait") == "5s");
  CHECK(r.request.headers.at("host") == "a");
  CHECK(r.request.headers.at("x-thing") == "two words");
  CHECK(r.keep_alive);
}

TEST_CASE("every proper prefix of a request is incomplete and consumes nothing") {
  std::string input =
      "PUT /v1/value HTTP/1.1\r\nContent-Length: 4\r\nContent-Type: text/plain\r\n\r\n1234";
  for (std::size_t n = 0; n < input.size(); ++n) {
    CAPTURE(n);
    auto r = parse(input.substr(0, n));
    CHECK(r.outcome == status::incomplete);
    CHECK(r.consumed == 0);
  }
  auto r = parse(input);
  REQUIRE(r.outcome == status::complete);
  CHECK(r.request.body == "1234");
  CHECK(r.request.content_type == "text/plain");
}

TEST_CASE("pipelined requests are parsed one at a time") {
  std::string first = "GET /get HTTP/1.1\r\n\r\n";
  std::string second = "GET /health HTTP/1.1\r\n\r\n";
  auto r = parse(first + second);
  REQUIRE(r.outcome == status::complete);
  CHECK(r.consumed == first.size());
  auto next = parse((first + second).substr(r.consumed));
  REQUIRE(next.outcome == status::complete);
  CHECK(next.request.path == "/health");
}

TEST_CASE("bare LF line endings and leading empty lines are accepted") {
  auto r = parse("\r\n\nGET /get HTTP/1.1\nHost: a\n\n");
  REQUIRE(r.outcome == status::complete);
  CHECK(r.request.path == "/get");
  CHECK(r.request.headers.at("host") == "a");
}

TEST_CASE("keep-alive follows the HTTP version and the Connection header") {
  CHECK(parse("GET / HTTP/1.1\r\n\r\n").keep_alive);
  CHECK_FALSE(parse("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n").keep_alive);
  CHECK_FALSE(parse("GET / HTTP/1.0\r\n\r\n").keep_alive);
  CHECK(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive);
  CHECK_FALSE(parse("GET / HTTP/1.1\r\nConnection: upgrade, close\r\n\r\n").keep_alive);
}

TEST_CASE("the path is percent-decoded; an absolute-form target keeps only the path") {
  auto r = parse("GET /set/%2D5 HTTP/1.1\r\n\r\n");
  REQUIRE(r.outcome == status::complete);
  CHECK(r.request.path == "/set/-5");
  auto abs = parse("GET http://node1:8080/get?x=1 HTTP/1.1\r\n\r\n");
  REQUIRE(abs.outcome == status::complete);
  CHECK(abs.request.path == "/get");
  CHECK(abs.request.query.at("x") == "1");
}

TEST_CASE("a chunked body is decoded, with extensions and trailers") {
  std::string input = "PUT /v1/value HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "2;ext=1\r\n12\r\n1\r\n3\r\n0\r\nX-Trailer: t\r\n\r\n";
  auto r = parse(input);
  REQUIRE(r.outcome == status::complete);
  CHECK(r.request.body == "123");
  CHECK(r.consumed == input.size());
  CHECK(parse(input.substr(0, input.size() - 2)).outcome == status::incomplete);
}

TEST_CASE("Expect: 100-continue is reported while the body is missing") {
  auto r = parse("PUT /v1/value HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  CHECK(r.outcome == status::incomplete);
  CHECK(r.expects_continue);
  CHECK_FALSE(parse("PUT /v1/value HTTP/1.1\r\nContent-Length: 3\r\n\r\n").expects_continue);
}

TEST_CASE("malformed and unsupported requests are refused with the right status") {
  struct bad_case {
    const char* input;
    int status;
  };
  const bad_case cases[] = {
      {"BLAH\r\n\r\n", 400},
      {"GET /get\r\n\r\n", 400},
      {"GET  /get HTTP/1.1\r\n\r\n", 400},
      {"G(T /get HTTP/1.1\r\n\r\n", 400},
      {"GET get HTTP/1.1\r\n\r\n", 400},
      {"GET /get HTTP/2.0\r\n\r\n", 505},
      {"GET /get HTTP/1.2\r\n\r\n", 505},
      {"GET /get FTP/1.1\r\n\r\n", 400},
      {"GET /a%zz HTTP/1.1\r\n\r\n", 400},
      {"GET /a%00 HTTP/1.1\r\n\r\n", 400},
      {"GET /a% HTTP/1.1\r\n\r\n", 400},
      {"GET /v1/value%3Findex=5 HTTP/1.1\r\n\r\n", 400},
      {"GET /get HTTP/1.1\r\nNo colon here\r\n\r\n", 400},
      {"GET /get HTTP/1.1\r\nBad Name: x\r\n\r\n", 400},
      {"PUT /v1/value HTTP/1.1\r\nContent-Length: x1\r\n\r\n", 400},
      {"PUT /v1/value HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
      {"PUT /v1/value HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
      {"PUT /v1/value HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
       400},
      {"PUT /v1/value HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
      {"PUT /v1/value HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"PUT /v1/value HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
      {"PUT /v1/value HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n12\r\n", 400},
      {"PUT /v1/value HTTP/1.1\r\nContent-Length: 99999\r\n\r\n", 413},
  };
  for (const auto& c : cases) {
    CAPTURE(c.input);
    auto r = parse(c.input);
    CHECK(r.outcome == status::bad);
    CHECK(r.error_status == c.status);
    CHECK_FALSE(r.error_message.empty());
  }
}

TEST_CASE("oversized headers and chunked bodies hit their limits") {
  http_parser_limits limits;
  limits.max_header_bytes = 64;
  limits.max_body_bytes = 4;
  auto unterminated = parse("GET /get HTTP/1.1\r\nX: " + std::string(100, 'a'), limits);
  CHECK(unterminated.outcome == status::bad);
  CHECK(unterminated.error_status == 431);
  auto long_head = parse("GET /get HTTP/1.1\r\nX: " + std::string(60, 'a') + "\r\n\r\n", limits);
  CHECK(long_head.error_status == 431);
  auto chunked = parse("PUT /v1/value HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "3\r\n123\r\n3\r\n456\r\n0\r\n\r\n",
                       limits);
  CHECK(chunked.outcome == status::bad);
  CHECK(chunked.error_status == 413);
}

TEST_CASE("a Content-Length body is refused with 413 just above the limit, not at it") {
  http_parser_limits limits;
  limits.max_body_bytes = 4;
  auto at_limit =
      parse("PUT /v1/value HTTP/1.1\r\nContent-Length: 4\r\n\r\n1234", limits);
  CHECK(at_limit.outcome == status::complete);
  CHECK(at_limit.request.body == "1234");
  // Refused from the header alone, before any of the body arrives.
  auto above = parse("PUT /v1/value HTTP/1.1\r\nContent-Length: 5\r\n\r\n", limits);
  CHECK(above.outcome == status::bad);
  CHECK(above.error_status == 413);
}

TEST_CASE("repeated header fields are joined with a comma") {
  auto r = parse("GET /get HTTP/1.1\r\nX-A: 1\r\nx-a: 2\r\n\r\n");
  REQUIRE(r.outcome == status::complete);
  CHECK(r.request.headers.at("x-a") == "1, 2");
}
