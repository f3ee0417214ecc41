#include "http/api/delta_body.hpp"

#include <doctest/doctest.h>

#include <limits>

using namespace onevalue;

TEST_CASE("delta body: JSON object and plain integers") {
  CHECK(parse_delta_body("{\"delta\": 5}").value == 5);
  CHECK(parse_delta_body("{\"delta\": -9223372036854775808}").value
        == std::numeric_limits<int64_t>::min());
  CHECK(parse_delta_body(" 7\n").value == 7);
  CHECK(parse_delta_body("-3").value == -3);
  CHECK(parse_delta_body("{\"delta\":9223372036854775807}").ok);
}

TEST_CASE("delta body: everything else is refused with a reason") {
  for (const char* bad :
       {"", "  ", "{", "{}", "{\"value\": 1}", "{\"delta\": 1, \"x\": 2}",
        "{\"delta\": 1.5}", "{\"delta\": \"1\"}", "{\"delta\": null}",
        "{\"delta\": 9223372036854775808}", "[1]", "1 2", "x", "+1",
        "{\"delta\": 1e3}"}) {
    CAPTURE(bad);
    auto r = parse_delta_body(bad);
    CHECK_FALSE(r.ok);
    CHECK(!r.error.empty());
  }
}
