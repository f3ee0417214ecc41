#include "http/server/http_parser.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace onevalue;
using status = http_parse_result::status;
using namespace std::string_literals;

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
  std::string input = "PUT /v1/value HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
                      "Content-Type: text/plain\r\n\r\n1234";
  for (std::size_t n = 0; n < input.size(); ++n) {
    CAPTURE(n);
    auto r = parse(input.substr(0, n));
    CHECK(r.outcome == status::incomplete);
    CHECK(r.consumed == 0);
    // The request line is complete once its CRLF is in.
    CHECK(r.has_request_line == (n >= input.find("\r\n") + 2));
  }
  auto r = parse(input);
  REQUIRE(r.outcome == status::complete);
  CHECK(r.request.body == "1234");
  CHECK(r.request.content_type == "text/plain");
}

TEST_CASE("pipelined requests are parsed one at a time") {
  std::string first = "GET /get HTTP/1.1\r\nHost: a\r\n\r\n";
  std::string second = "GET /health HTTP/1.1\r\nHost: a\r\n\r\n";
  auto r = parse(first + second);
  REQUIRE(r.outcome == status::complete);
  CHECK(r.consumed == first.size());
  auto next = parse((first + second).substr(r.consumed));
  REQUIRE(next.outcome == status::complete);
  CHECK(next.request.path == "/health");
}

TEST_CASE("empty CRLF lines before a request are skipped; bare LF ones are refused") {
  auto r = parse("\r\n\r\nGET /get HTTP/1.1\r\nHost: a\r\n\r\n");
  REQUIRE(r.outcome == status::complete);
  CHECK(r.request.path == "/get");
  auto lf = parse("\nGET /get HTTP/1.1\r\nHost: a\r\n\r\n");
  CHECK(lf.outcome == status::bad);
  CHECK(lf.error_status == 400);
}

TEST_CASE("keep-alive follows the HTTP version and the Connection header") {
  CHECK(parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n").keep_alive);
  CHECK_FALSE(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n").keep_alive);
  CHECK_FALSE(parse("GET / HTTP/1.0\r\n\r\n").keep_alive);
  CHECK(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive);
  CHECK_FALSE(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade, close\r\n\r\n")
                  .keep_alive);
}

TEST_CASE("the path is percent-decoded; an absolute-form target keeps only the path") {
  auto r = parse("GET /set/%2D5 HTTP/1.1\r\nHost: a\r\n\r\n");
  REQUIRE(r.outcome == status::complete);
  CHECK(r.request.path == "/set/-5");
  auto abs = parse("GET http://node1:8080/get?x=1 HTTP/1.1\r\nHost: node1:8080\r\n\r\n");
  REQUIRE(abs.outcome == status::complete);
  CHECK(abs.request.path == "/get");
  CHECK(abs.request.query.at("x") == "1");
}

TEST_CASE("a chunked body is decoded, with extensions and trailers") {
  std::string input =
      "PUT /v1/value HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
      "2;ext=1\r\n12\r\n1 ; a = \"q\\\"x\" ;b\r\n3\r\n0\r\nX-Trailer: t\r\n\r\n";
  auto r = parse(input);
  REQUIRE(r.outcome == status::complete);
  CHECK(r.request.body == "123");
  CHECK(r.consumed == input.size());
  for (std::size_t n = 0; n < input.size(); ++n)
    CHECK(parse(input.substr(0, n)).outcome == status::incomplete);
}

TEST_CASE("Expect: 100-continue is reported while the body is missing") {
  auto r = parse("PUT /v1/value HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                 "Expect: 100-continue\r\n\r\n");
  CHECK(r.outcome == status::incomplete);
  CHECK(r.expects_continue);
  CHECK_FALSE(parse("PUT /v1/value HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n")
                  .expects_continue);
}

TEST_CASE("HTTP/1.0 needs no Host; identical repeated Content-Length fields are one") {
  CHECK(parse("GET /get HTTP/1.0\r\n\r\n").outcome == status::complete);
  auto r = parse("PUT /v1/value HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
                 "Content-Length: 1\r\n\r\n5");
  REQUIRE(r.outcome == status::complete);
  CHECK(r.request.body == "5");
  CHECK(r.request.headers.at("content-length") == "1");
}

TEST_CASE("field values may hold tabs and obs-text bytes") {
  auto r = parse("GET /get HTTP/1.1\r\nHost: a\r\nX-A: one\ttwo \xC3\xA9\r\n\r\n");
  REQUIRE(r.outcome == status::complete);
  CHECK(r.request.headers.at("x-a") == "one\ttwo \xC3\xA9");
}

// Each way a front proxy and this server could disagree about where a request ends
// (request smuggling), or a request this server should not guess at, and the status it
// gets. A refused request closes the connection, so nothing after it is parsed.
TEST_CASE("request smuggling vectors and malformed requests get their status") {
  struct bad_case {
    const char* what;
    std::string input;
    int status;
  };
  const std::string put = "PUT /v1/value HTTP/1.1\r\nHost: a\r\n";
  const std::string chunked = put + "Transfer-Encoding: chunked\r\n\r\n";
  const bad_case cases[] = {
      // framing conflicts
      {"CL and TE",
       put + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"TE and CL",
       put + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n", 400},
      {"duplicate CL, different values",
       put + "Content-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
      {"CL as a list", put + "Content-Length: 1, 1\r\n\r\n1", 400},
      {"CL with a sign", put + "Content-Length: +1\r\n\r\n1", 400},
      {"CL negative", put + "Content-Length: -1\r\n\r\n", 400},
      {"CL not a number", put + "Content-Length: x1\r\n\r\n", 400},
      {"CL overflowing", put + "Content-Length: 99999999999999999999999\r\n\r\n", 400},
      {"CL hex", put + "Content-Length: 0x1\r\n\r\n1", 400},
      {"TE other coding", put + "Transfer-Encoding: gzip\r\n\r\n", 400},
      {"TE other coding before chunked", put + "Transfer-Encoding: gzip, chunked\r\n\r\n",
       501},
      {"TE chunked not last", put + "Transfer-Encoding: chunked, gzip\r\n\r\n", 400},
      {"TE chunked twice", put + "Transfer-Encoding: chunked, chunked\r\n\r\n", 400},
      {"TE in two fields",
       put + "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n", 400},
      {"TE with a parameter", put + "Transfer-Encoding: chunked;q=1\r\n\r\n", 400},
      {"TE xchunked", put + "Transfer-Encoding: xchunked\r\n\r\n", 400},
      {"TE empty", put + "Transfer-Encoding: \r\n\r\n", 400},
      {"TE in HTTP/1.0", "PUT /v1/value HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
       400},
      {"TE with a vertical tab",
       put
           + "Transfer-Encoding:\x0b"
             "chunked\r\n\r\n",
       400},
      // header syntax
      {"space before colon",
       "GET /get HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n", 400},
      {"tab before colon", "GET /get HTTP/1.1\r\nHost\t: a\r\n\r\n", 400},
      {"obs-fold", "GET /get HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n 2\r\n\r\n", 400},
      {"obs-fold of TE", put + "Transfer-Encoding:\r\n chunked\r\n\r\n", 400},
      {"whitespace before the first header", "GET /get HTTP/1.1\r\n Host: a\r\n\r\n",
       400},
      {"no colon", "GET /get HTTP/1.1\r\nHost: a\r\nNo colon here\r\n\r\n", 400},
      {"space in a name", "GET /get HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n", 400},
      {"empty name", "GET /get HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n", 400},
      {"NUL in a value", "GET /get HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n"s, 400},
      {"bare CR in a value", "GET /get HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400},
      {"DEL in a value", "GET /get HTTP/1.1\r\nHost: a\r\nX: a\x7f\r\n\r\n", 400},
      {"escape in a value", "GET /get HTTP/1.1\r\nHost: a\r\nX: \x1b[0m\r\n\r\n", 400},
      // line endings
      {"bare LF after the request line", "GET /get HTTP/1.1\nHost: a\r\n\r\n", 400},
      {"bare LF after a header", "GET /get HTTP/1.1\r\nHost: a\n\r\n", 400},
      {"bare LF ending the head", "GET /get HTTP/1.1\r\nHost: a\r\n\n", 400},
      {"bare LF everywhere", "GET /get HTTP/1.1\nHost: a\n\n", 400},
      {"bare CR ending a line", "GET /get HTTP/1.1\rHost: a\r\n\r\n", 400},
      // Host
      {"missing Host", "GET /get HTTP/1.1\r\n\r\n", 400},
      {"two Host fields", "GET /get HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"Host with a space", "GET /get HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
      {"Host with a slash", "GET /get HTTP/1.1\r\nHost: a/b\r\n\r\n", 400},
      {"two Host fields in HTTP/1.0", "GET /get HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
       400},
      // request line
      {"no version", "BLAH\r\n\r\n", 400},
      {"no version after a target", "GET /get\r\n\r\n", 400},
      {"two spaces", "GET  /get HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"tab as separator", "GET\t/get HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"trailing space", "GET /get HTTP/1.1 \r\nHost: a\r\n\r\n", 400},
      {"bad method", "G(T /get HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"relative target", "GET get HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"NUL in the target", "GET /a\0b HTTP/1.1\r\nHost: a\r\n\r\n"s, 400},
      {"bare CR in the target", "GET /a\rb HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"DEL in the target", "GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"raw non-ASCII in the target", "GET /\xC3\xA9 HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"HTTP/2.0", "GET /get HTTP/2.0\r\nHost: a\r\n\r\n", 505},
      {"HTTP/1.2", "GET /get HTTP/1.2\r\nHost: a\r\n\r\n", 505},
      {"HTTP/1.10", "GET /get HTTP/1.10\r\nHost: a\r\n\r\n", 400},
      {"lower-case version", "GET /get http/1.1\r\nHost: a\r\n\r\n", 400},
      {"FTP", "GET /get FTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"bad escape", "GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"encoded NUL", "GET /a%00 HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"truncated escape", "GET /a% HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"encoded ?", "GET /v1/value%3Findex=5 HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      // chunked framing
      {"chunk size not hex", chunked + "zz\r\n", 400},
      {"chunk size empty", chunked + "\r\n", 400},
      {"chunk size negative", chunked + "-1\r\n", 400},
      {"chunk size 0x", chunked + "0x1\r\n1\r\n0\r\n\r\n", 400},
      {"space before a chunk size", chunked + " 1\r\n1\r\n0\r\n\r\n", 400},
      {"chunk size overflowing 64 bits", chunked + "10000000000000001\r\n1\r\n0\r\n\r\n",
       413},
      {"chunk size overflowing 32 bits", chunked + "100000001\r\n1\r\n0\r\n\r\n", 413},
      {"chunk data longer than its size", chunked + "1\r\n12\r\n", 400},
      {"chunk data without CRLF", chunked + "1\r\n1XX", 400},
      {"chunk data ending in bare LF", chunked + "1\r\n1\n0\r\n\r\n", 400},
      {"chunk size line ending in bare LF", chunked + "1\n1\r\n0\r\n\r\n", 400},
      {"chunk size line with bare CR", chunked + "1\r1\r\n0\r\n\r\n", 400},
      {"chunk extension without a name", chunked + "1;\r\n1\r\n0\r\n\r\n", 400},
      {"chunk extension with an empty value", chunked + "1;a=\r\n1\r\n0\r\n\r\n", 400},
      {"chunk extension with a bad name", chunked + "1;a b\r\n1\r\n0\r\n\r\n", 400},
      {"chunk extension, unterminated quote", chunked + "1;a=\"x\r\n1\r\n0\r\n\r\n", 400},
      {"chunk extension with NUL", chunked + "1;a=\"\0\"\r\n1\r\n0\r\n\r\n"s, 400},
      {"chunk extension without ';'", chunked + "1 a\r\n1\r\n0\r\n\r\n", 400},
      {"chunk size line too long", chunked + "1;" + std::string(2000, 'a') + "\r\n", 400},
      {"last chunk, bare LF", chunked + "0\n\r\n", 400},
      {"trailer without colon", chunked + "0\r\nX\r\n\r\n", 400},
      {"trailer obs-fold", chunked + "0\r\nX: a\r\n b\r\n\r\n", 400},
      {"trailer bare LF", chunked + "0\r\nX: a\n\r\n", 400},
      // limits
      {"body past the limit", put + "Content-Length: 99999\r\n\r\n", 413},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    auto r = parse(c.input);
    CHECK(r.outcome == status::bad);
    CHECK(r.error_status == c.status);
    CHECK_FALSE(r.error_message.empty());
  }
}

TEST_CASE("oversized headers, trailers and chunked bodies hit their limits") {
  http_parser_limits limits;
  limits.max_header_bytes = 64;
  limits.max_body_bytes = 4;
  auto unterminated = parse("GET /get HTTP/1.1\r\nX: " + std::string(100, 'a'), limits);
  CHECK(unterminated.outcome == status::bad);
  CHECK(unterminated.error_status == 431);
  auto long_head =
      parse("GET /get HTTP/1.1\r\nX: " + std::string(60, 'a') + "\r\n\r\n", limits);
  CHECK(long_head.error_status == 431);
  std::string chunked_head =
      "PUT /v1/value HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
  limits.max_header_bytes = 128;
  auto chunked = parse(chunked_head + "3\r\n123\r\n3\r\n456\r\n0\r\n\r\n", limits);
  CHECK(chunked.outcome == status::bad);
  CHECK(chunked.error_status == 413);
  auto trailers = parse(chunked_head + "0\r\nX: " + std::string(200, 'a'), limits);
  CHECK(trailers.outcome == status::bad);
  CHECK(trailers.error_status == 431);
}

TEST_CASE("an over-long request target gets 414, not 431") {
  http_parser_limits limits;
  std::string target = "/get?x=" + std::string(20000, 'a');
  auto whole = parse("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n", limits);
  CHECK(whole.outcome == status::bad);
  CHECK(whole.error_status == 414);
  // Refused before the line is complete, as soon as it is longer than the limit.
  auto partial = parse("GET " + target.substr(0, 9000), limits);
  CHECK(partial.outcome == status::bad);
  CHECK(partial.error_status == 414);
  // Garbage without a space is not a long URL.
  auto garbage = parse(std::string(9000, 'a'), limits);
  CHECK(garbage.error_status == 400);
}

TEST_CASE("a Content-Length body is refused with 413 just above the limit, not at it") {
  http_parser_limits limits;
  limits.max_body_bytes = 4;
  auto at_limit =
      parse("PUT /v1/value HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\n1234", limits);
  CHECK(at_limit.outcome == status::complete);
  CHECK(at_limit.request.body == "1234");
  // Refused from the header alone, before any of the body arrives.
  auto above =
      parse("PUT /v1/value HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n", limits);
  CHECK(above.outcome == status::bad);
  CHECK(above.error_status == 413);
}

TEST_CASE("repeated header fields are joined with a comma") {
  auto r = parse("GET /get HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nx-a: 2\r\n\r\n");
  REQUIRE(r.outcome == status::complete);
  CHECK(r.request.headers.at("x-a") == "1, 2");
}
