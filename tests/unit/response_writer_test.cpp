#include "http/server/response_writer.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace onevalue;

TEST_CASE("a response is written with its status, type, length, connection and headers") {
  http_response res{200, "application/json", "{\"v\":1}", {{"ETag", "\"1-n\""}}};
  std::string out;
  append_response(out, res, true, false);
  CHECK(out == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n"
               "Connection: keep-alive\r\nETag: \"1-n\"\r\n\r\n{\"v\":1}");
}

TEST_CASE("HEAD keeps the length of the body it leaves out; close is announced") {
  http_response res{404, "text/plain", "nope", {}};
  std::string out;
  append_response(out, res, false, true);
  CHECK(out == "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n"
               "Connection: close\r\n\r\n");
}

TEST_CASE("204 carries neither a length nor a body; responses append") {
  std::string out = "x";
  append_response(out, http_response{204, "", "", {{"Allow", "GET"}}}, true, false);
  CHECK(out == "xHTTP/1.1 204 No Content\r\nConnection: keep-alive\r\nAllow: GET\r\n\r\n");
}

TEST_CASE("reason phrases cover the statuses the API uses") {
  for (int status : {200, 204, 400, 404, 405, 408, 412, 413, 429, 431, 500, 501, 503, 505})
    CHECK(std::string{reason_phrase(status)} != "Unknown");
  CHECK(std::string{reason_phrase(299)} == "Unknown");
}

TEST_CASE("a closing error response carries the JSON error and Connection: close") {
  auto out = closing_error_response(503, "too many");
  CHECK(out.find("HTTP/1.1 503 Service Unavailable\r\n") == 0);
  CHECK(out.find("Connection: close\r\n") != std::string::npos);
  CHECK(out.substr(out.find("\r\n\r\n") + 4) == "{\"error\":\"too many\"}\n");
}
