#include "http/api/metered_handler.hpp"

#include "http/api/metrics_text.hpp"

#include <doctest/doctest.h>

using namespace onevalue;

TEST_CASE(
    "the metered handler counts each answered request once, by template and status, "
    "and passes the response on unchanged") {
  auto metrics = std::make_shared<node_metrics>("0.2.0", "1706");
  responder later;
  auto handler = metered_handler(
      [&later](const http_request& req, responder respond) {
        if (req.path == "/v1/value")
          later = std::move(respond); // a blocking read, answered afterwards
        else
          respond(http_response{req.path == "/set/9" ? 200 : 404, "text/plain", "x", {}});
      },
      metrics);
  int answered = 0;
  http_response got;
  auto respond = [&](http_response res) {
    ++answered;
    got = std::move(res);
  };
  handler(http_request{"PUT", "/set/9", "", {}, {}, ""}, respond);
  CHECK(got.status == 200);
  CHECK(got.body == "x");
  handler(http_request{"GET", "/nope", "", {}, {}, ""}, respond);
  handler(http_request{"GET", "/v1/value", "", {}, {}, ""}, respond);
  CHECK(answered == 2);
  auto before = metrics_text({}, *metrics);
  CHECK(before.find("route=\"/v1/value\",status") == std::string::npos);
  later(http_response{200, "application/json", "{}", {}});
  CHECK(answered == 3);
  auto text = metrics_text({}, *metrics);
  CHECK(text.find("onevalue_http_requests_total{method=\"PUT\",route=\"/set/{n}\","
                  "status=\"200\"} 1")
        != std::string::npos);
  CHECK(text.find("onevalue_http_requests_total{method=\"GET\",route=\"other\","
                  "status=\"404\"} 1")
        != std::string::npos);
  CHECK(text.find("onevalue_http_requests_total{method=\"GET\",route=\"/v1/value\","
                  "status=\"200\"} 1")
        != std::string::npos);
}
