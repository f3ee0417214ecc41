#include "http/server/response_writer.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace onevalue;

TEST_CASE("a response is written with its status, type, length, connection and headers") {
  http_response res{200, "application/json", "{\"v\":1}", {{"ETag", "\"1-n\""}}};
  std::string out;
  append_response(out, res, true, false);
  CHECK(out
        == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n"
           "Connection: keep-alive\r\nETag: \"1-n\"\r\n\r\n{\"v\":1}");
}

TEST_CASE("HEAD keeps the length of the body it leaves out; close is announced") {
  http_response res{404, "text/plain", "nope", {}};
  std::string out;
  append_response(out, res, false, true);
  CHECK(out
        == "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n"
           "Connection: close\r\n\r\n");
}

TEST_CASE("204 carries neither a length nor a body; responses append") {
  std::string out = "x";
  append_response(out, http_response{204, "", "", {{"Allow", "GET"}}}, true, false);
  CHECK(out
        == "xHTTP/1.1 204 No Content\r\nConnection: keep-alive\r\nAllow: GET\r\n\r\n");
}

TEST_CASE("reason phrases cover the statuses the API uses") {
  for (int status : {200, 204, 400, 401, 403, 404, 405, 408, 412, 413, 414, 429, 431, 500,
                     501, 503, 505, 507})
    CHECK(std::string{reason_phrase(status)} != "Unknown");
  CHECK(std::string{reason_phrase(299)} == "Unknown");
}

TEST_CASE("a closing error response carries the JSON error and Connection: close") {
  auto out = closing_error_response(503, "too many");
  CHECK(out.find("HTTP/1.1 503 Service Unavailable\r\n") == 0);
  CHECK(out.find("Connection: close\r\n") != std::string::npos);
  CHECK(out.substr(out.find("\r\n\r\n") + 4) == "{\"error\":\"too many\"}\n");
}

TEST_CASE("no header value, name or content type can end a header line or split the "
          "response") {
  http_response res{200,
                    "text/plain\r\nX-Injected: 1",
                    "ok",
                    {{"ETag", "\"1-evil\r\nSet-Cookie: a=b\r\n\r\nHTTP/1.1 200 OK\""},
                     {"Bad\r\nName", "x"},
                     {"X-Nul", std::string{"a\0b", 3}},
                     {"X-Tab", "a\tb"},
                     {"", "empty name"}}};
  std::string out;
  append_response(out, res, true, false);
  CHECK(out
        == "HTTP/1.1 200 OK\r\nContent-Type: text/plainX-Injected: 1\r\n"
           "Content-Length: 2\r\nConnection: keep-alive\r\n"
           "ETag: \"1-evilSet-Cookie: a=bHTTP/1.1 200 OK\"\r\nX-Nul: ab\r\n"
           "X-Tab: a\tb\r\n\r\nok");
}

TEST_CASE("a status outside 100-999 is written as 500") {
  for (int status : {0, -1, 99, 1000, 20000}) {
    std::string out;
    append_response(out, http_response{status, "", "", {}}, true, false);
    CHECK(out.find("HTTP/1.1 500 Internal Server Error\r\n") == 0);
  }
}

TEST_CASE("json_error_body escapes quotes, control characters and non-ASCII bytes") {
  CHECK(json_error_body("a \"b\" \\ c") == R"({"error":"a \"b\" \\ c"})");
  CHECK(json_error_body(std::string{"x\r\n\0y", 5})
        == R"({"error":"x\u000d\u000a\u0000y"})");
  CHECK(json_error_body("caf\xc3\xa9") == R"({"error":"caf\ufffd\ufffd"})");
}

TEST_CASE("a closing error response carries extra headers such as Retry-After") {
  auto out = closing_error_response(503, "busy", {{"Retry-After", "1"}});
  CHECK(out.find("Connection: close\r\nRetry-After: 1\r\n\r\n{\"error\":\"busy\"}\n")
        != std::string::npos);
}

TEST_CASE("extra headers cannot frame the response: the writer's own headers win") {
  // Found by fuzz_response_writer: an extra Content-Length gave the response two.
  http_response res{200,
                    "text/plain",
                    "ok",
                    {{"Content-Length", "99"},
                     {"transfer-encoding", "chunked"},
                     {"Connection", "close"},
                     {"CONTENT-TYPE", "text/html"},
                     {"ETag", "\"1-n\""}}};
  std::string out;
  append_response(out, res, true, false);
  CHECK(out
        == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
           "Connection: keep-alive\r\nETag: \"1-n\"\r\n\r\nok");
}
