#include "http/server/chunked_body.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace onevalue;
using status = chunked_result::status;

namespace {

chunked_result decode(const std::string& input, std::string& body) {
  body.clear();
  return decode_chunked_body(input, body, 16, 64);
}

} // namespace

TEST_CASE("chunks are joined; the result says how many bytes the body used") {
  std::string body;
  std::string input = "3\r\nabc\r\nA;x=\"y\"\r\n0123456789\r\n0\r\n\r\nNEXT";
  auto r = decode(input, body);
  REQUIRE(r.outcome == status::complete);
  CHECK(body == "abc0123456789");
  CHECK(r.consumed == input.size() - 4);
}

TEST_CASE("a body is incomplete until the empty line after the trailers") {
  std::string input = "1\r\na\r\n0\r\nX-T: 1\r\n\r\n";
  std::string body;
  for (std::size_t n = 0; n < input.size(); ++n) {
    CAPTURE(n);
    CHECK(decode(input.substr(0, n), body).outcome == status::incomplete);
  }
  CHECK(decode(input, body).outcome == status::complete);
}

TEST_CASE("a chunk size is refused as soon as it passes the body limit") {
  std::string body;
  auto big = decode("11\r\n", body); // 17 > 16, refused before any data arrives
  CHECK(big.outcome == status::bad);
  CHECK(big.error_status == 413);
  auto sum = decode("9\r\n123456789\r\n9\r\n", body);
  CHECK(sum.error_status == 413);
  auto wrapping = decode("ffffffffffffffff1\r\n", body);
  CHECK(wrapping.error_status == 413);
  auto zeros = decode("000000000000000000000001\r\na\r\n0\r\n\r\n", body);
  CHECK(zeros.outcome == status::complete);
  CHECK(body == "a");
}

TEST_CASE("over-long size lines and trailer sections are refused") {
  std::string body;
  CHECK(decode("1;" + std::string(2000, 'a'), body).error_status == 400);
  CHECK(decode("0\r\nX: " + std::string(100, 'a'), body).error_status == 431);
  CHECK(decode("0\r\nX: " + std::string(100, 'a') + "\r\n\r\n", body).error_status
        == 431);
}
