// The routes of the linearizable mode (issue 15): atomic add, consistent reads, the
// consensus outcomes (412, 409, 503, 504), the tokens they need, and what eventual mode
// answers instead.

#include "http/api/access_control.hpp"
#include "http/api/router.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

using namespace onevalue;
using nlohmann::json;

namespace {

/// A backend in the mode the test sets, answering consensus operations with
/// `next` (or success); records the operations.
class consensus_fake : public gateway_backend {
public:
  explicit consensus_fake(bool linearizable) : linearizable_(linearizable) {
    auto v = std::make_shared<node_view>();
    v->node_name = "n1";
    v->value = {42, {7, "n2"}};
    current = v;
  }

  std::shared_ptr<const node_view> view() const override { return current; }
  bool linearizable() const override { return linearizable_; }

  void write(int64_t n, write_callback done) override {
    ops.push_back("write " + std::to_string(n));
    answer(done, {n, {8, "n1"}});
  }
  void write_if(int64_t n, const version& expected, write_callback done) override {
    ops.push_back("cas " + std::to_string(n) + " if " + std::to_string(expected.counter)
                  + "-" + expected.node);
    answer(done, {n, {8, "n1"}});
  }
  void add(int64_t delta, write_callback done) override {
    ops.push_back("add " + std::to_string(delta));
    // Wraps like the register never would: the tests that add near the limits answer
    // with `next` instead, and this must not overflow (UBSan) while they do.
    auto sum = static_cast<int64_t>(uint64_t{42} + static_cast<uint64_t>(delta));
    answer(done, {sum, {8, "n1"}});
  }
  void read_consistent(write_callback done) override {
    ops.push_back("read");
    answer(done, {43, {8, "n3"}});
  }
  void watch(uint64_t, std::chrono::milliseconds, watch_callback done) override {
    done({watch_status::done, current});
  }
  void force_leave(const std::string&, leave_callback done) override { done({}); }

  std::shared_ptr<const node_view> current;
  std::vector<std::string> ops;
  std::optional<write_outcome> next;

private:
  void answer(const write_callback& done, versioned_value ok) {
    if (next)
      done(*next);
    else
      done(write_outcome::success(std::move(ok)));
  }
  bool linearizable_;
};

http_response call(gateway_backend& backend, const std::string& method,
                   const std::string& path, const std::string& body = "",
                   std::map<std::string, std::string> headers = {},
                   const router_limits& limits = {}) {
  http_request req;
  req.method = method;
  req.path = path;
  req.body = body;
  req.headers = std::move(headers);
  int answers = 0;
  http_response out;
  route(req, backend, limits, [&](http_response res) {
    ++answers;
    out = std::move(res);
  });
  REQUIRE(answers == 1);
  return out;
}

std::string header(const http_response& res, const std::string& name) {
  for (const auto& [k, v] : res.headers)
    if (k == name)
      return v;
  return {};
}

} // namespace

TEST_CASE("linearizable routes: add returns the new value with its version") {
  consensus_fake b{true};
  auto res = call(b, "POST", "/v1/value/add", "{\"delta\": 5}");
  CHECK(res.status == 200);
  auto j = json::parse(res.body);
  CHECK(j["value"] == 47);
  CHECK(header(res, "ETag") == "\"8-n1\"");
  CHECK(header(res, "X-Onevalue-Index") == "8");
  CHECK(b.ops == std::vector<std::string>{"add 5"});
}

TEST_CASE("linearizable routes: a bad delta is 400 and nothing is proposed") {
  consensus_fake b{true};
  CHECK(call(b, "POST", "/v1/value/add", "{\"delta\": 1.5}").status == 400);
  CHECK(call(b, "POST", "/v1/value/add", "").status == 400);
  CHECK(call(b, "GET", "/v1/value/add").status == 405);
  CHECK(b.ops.empty());
}

TEST_CASE("linearizable routes: an overflowing add is 409 with the value unchanged") {
  consensus_fake b{true};
  write_outcome overflow{
      write_outcome::kind::overflow, {42, {7, "n2"}}, "int64 overflow"};
  b.next = overflow;
  auto res = call(b, "POST", "/v1/value/add", "{\"delta\": 9223372036854775807}");
  CHECK(res.status == 409);
  auto j = json::parse(res.body);
  CHECK(j["value"] == 42);
  CHECK(j["error"].get<std::string>().find("int64") != std::string::npos);
}

TEST_CASE("linearizable routes: consistent reads go through consensus, plain reads "
          "stay local and say so") {
  consensus_fake b{true};
  auto res = call(b, "GET", "/v1/value?consistent");
  CHECK(res.status == 200);
  CHECK(json::parse(res.body)["value"] == 43);
  CHECK(header(res, "X-Onevalue-Read") == "consistent");
  CHECK(b.ops == std::vector<std::string>{"read"});
  auto local = call(b, "GET", "/v1/value");
  CHECK(local.status == 200);
  CHECK(json::parse(local.body)["value"] == 42);
  CHECK(header(local, "X-Onevalue-Read") == "local");
  CHECK(header(local, "X-Onevalue-Index") == "7");
  CHECK(b.ops.size() == 1);
  CHECK(call(b, "GET", "/v1/value?consistent&index=3").status == 400);
}

TEST_CASE("linearizable routes: If-Match is a compare-and-set through the backend") {
  consensus_fake b{true};
  auto res = call(b, "PUT", "/v1/value", "{\"value\": 9}", {{"if-match", "\"7-n2\""}});
  CHECK(res.status == 200);
  CHECK(b.ops == std::vector<std::string>{"cas 9 if 7-n2"});
  b.next = write_outcome::mismatch({44, {9, "n3"}});
  res = call(b, "PUT", "/v1/value", "{\"value\": 9}", {{"if-match", "\"7-n2\""}});
  CHECK(res.status == 412);
  CHECK(json::parse(res.body)["value"] == 44);
}

TEST_CASE("linearizable routes: no quorum is 503 with Retry-After, a lost answer 504 "
          "with outcome unknown") {
  consensus_fake b{true};
  b.next = write_outcome::failure(write_outcome::kind::unavailable, "no majority");
  auto res = call(b, "PUT", "/v1/value", "5");
  CHECK(res.status == 503);
  CHECK(header(res, "Retry-After") == "1");
  b.next = write_outcome::failure(write_outcome::kind::unknown, "deadline");
  for (const char* path : {"/set/5", "/v1/value/add"}) {
    CAPTURE(path);
    res = call(b, path == std::string{"/set/5"} ? "PUT" : "POST", path, "{\"delta\": 1}");
    CHECK(res.status == 504);
    auto j = json::parse(res.body);
    CHECK(j["outcome"] == "unknown");
    CHECK(j["error"].get<std::string>().find("may still take effect")
          != std::string::npos);
  }
}

TEST_CASE("eventual mode: add and consistent reads answer 409 naming the mode") {
  consensus_fake b{false};
  for (auto [method, path] :
       {std::pair{"POST", "/v1/value/add"}, std::pair{"GET", "/v1/value?consistent"}}) {
    CAPTURE(path);
    auto res = call(b, method, path, "{\"delta\": 1}");
    CHECK(res.status == 409);
    CHECK(json::parse(res.body)["error"].get<std::string>().find("linearizable")
          != std::string::npos);
  }
  CHECK(b.ops.empty());
  CHECK(header(call(b, "GET", "/v1/value"), "X-Onevalue-Read").empty());
}

TEST_CASE("linearizable routes: add and compare-and-set need a write token, a "
          "consistent read a read token") {
  const std::string reader = "reader-token-0123456789";
  const std::string writer = "writer-token-0123456789";
  router_limits limits;
  limits.access =
      std::make_shared<access_control>(access_settings{{reader}, {writer}, true, {}});
  auto bearer = [](const std::string& token) {
    return std::map<std::string, std::string>{{"authorization", "Bearer " + token}};
  };
  auto with = [](std::map<std::string, std::string> headers, const char* key,
                 const char* value) {
    headers.emplace(key, value);
    return headers;
  };
  consensus_fake b{true};
  // No token: 401, nothing proposed.
  CHECK(call(b, "POST", "/v1/value/add", "{\"delta\": 1}", {}, limits).status == 401);
  CHECK(call(b, "GET", "/v1/value?consistent", "", {}, limits).status == 401);
  CHECK(call(b, "PUT", "/v1/value", "9", {{"if-match", "\"7-n2\""}}, limits).status
        == 401);
  // A read token reads through consensus but may neither add nor compare-and-set.
  CHECK(call(b, "POST", "/v1/value/add", "{\"delta\": 1}", bearer(reader), limits).status
        == 403);
  CHECK(call(b, "PUT", "/v1/value", "9", with(bearer(reader), "if-match", "\"7-n2\""),
             limits)
            .status
        == 403);
  CHECK(b.ops.empty());
  CHECK(call(b, "GET", "/v1/value?consistent", "", bearer(reader), limits).status == 200);
  CHECK(b.ops == std::vector<std::string>{"read"});
  // A write token does all three.
  CHECK(call(b, "POST", "/v1/value/add", "{\"delta\": 1}", bearer(writer), limits).status
        == 200);
  CHECK(call(b, "PUT", "/v1/value", "9", with(bearer(writer), "if-match", "\"7-n2\""),
             limits)
            .status
        == 200);
  CHECK(call(b, "GET", "/v1/value?consistent", "", bearer(writer), limits).status == 200);
  CHECK(b.ops == std::vector<std::string>{"read", "add 1", "cas 9 if 7-n2", "read"});
}
