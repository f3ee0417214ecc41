#include "http/api/router.hpp"

#include "http/api/access_control.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <vector>

using namespace onevalue;
using nlohmann::json;

namespace {

/// A backend whose view and write results the test sets; records every write.
class fake_backend : public gateway_backend {
public:
  fake_backend() {
    auto v = std::make_shared<node_view>();
    v->node_name = "n1";
    v->value = {42, {7, "n2"}};
    v->members = {{"n2", "127.0.0.2", 7946, 8080, member_state::suspect, 1},
                  {"n1", "127.0.0.1", 7946, 8080, member_state::alive, 0}};
    current = v;
  }

  std::shared_ptr<const node_view> view() const override { return current; }

  void write(int64_t n, write_callback done) override {
    writes.push_back(n);
    if (next_failure)
      done(*next_failure);
    else
      done(write_outcome::success({n, {8, "n1"}}));
  }

  void write_if(int64_t n, const version& expected, write_callback done) override {
    conditional_writes.emplace_back(n, expected);
    if (next_failure)
      done(*next_failure);
    else if (expected != current->value.ver)
      done(write_outcome::mismatch(current->value));
    else
      done(write_outcome::success({n, {8, "n1"}}));
  }

  void watch(uint64_t index, std::chrono::milliseconds wait,
             watch_callback done) override {
    watches.emplace_back(index, wait);
    done({watch_status_reply, current});
  }

  void force_leave(const std::string& name, leave_callback done) override {
    leaves.push_back(name);
    done(next_leave);
  }

  /// Replaces the view with a copy changed by `change`.
  template <class F>
  void change_view(F change) {
    auto v = std::make_shared<node_view>(*current);
    change(*v);
    current = v;
  }

  std::shared_ptr<const node_view> current;
  std::vector<std::string> leaves;
  leave_outcome next_leave;
  std::vector<int64_t> writes;
  std::vector<std::pair<int64_t, version>> conditional_writes;
  std::vector<std::pair<uint64_t, std::chrono::milliseconds>> watches;
  watch_status watch_status_reply = watch_status::done;
  std::optional<write_outcome> next_failure;
};

struct fixture {
  fake_backend backend;
  router_limits limits;

  /// Headers (lower-case names) the next `call` sends.
  std::map<std::string, std::string> headers;

  http_response call(const std::string& method, const std::string& path,
                     const std::string& body = "", const std::string& content_type = "") {
    http_request req;
    req.headers = headers;
    req.method = method;
    req.path = path;
    req.body = body;
    req.content_type = content_type;
    int answers = 0;
    http_response out;
    route(req, backend, limits, [&](http_response res) {
      ++answers;
      out = std::move(res);
    });
    // The fake backend answers at once, so every route has answered exactly once.
    REQUIRE(answers == 1);
    return out;
  }
};

/// Checks that `res` is a JSON error with the given status and returns its message.
std::string check_json_error(const http_response& res, int status) {
  CHECK(res.status == status);
  CHECK(res.content_type == "application/json");
  auto j = json::parse(res.body, nullptr, false);
  REQUIRE(j.is_object());
  REQUIRE(j.contains("error"));
  CHECK(j.size() == 1);
  return j["error"].get<std::string>();
}

} // namespace

TEST_CASE_FIXTURE(fixture, "GET /get answers the value as plain text, like the blog") {
  auto res = call("GET", "/get");
  CHECK(res.status == 200);
  // With a newline, unlike the blog's: the shell prompt must not stick to the value.
  CHECK(res.body == "42\n");
  CHECK(res.content_type.rfind("text/plain", 0) == 0);
}

TEST_CASE_FIXTURE(fixture, "HEAD is served like GET") {
  auto res = call("HEAD", "/get");
  CHECK(res.status == 200);
  CHECK(res.body == "42\n");
}

TEST_CASE_FIXTURE(fixture,
                  "/set/{n} writes with GET, POST and PUT and answers the value") {
  for (const char* method : {"GET", "POST", "PUT"}) {
    CAPTURE(method);
    auto res = call(method, "/set/-5");
    CHECK(res.status == 200);
    CHECK(res.body == "-5\n");
    CHECK(res.content_type.rfind("text/plain", 0) == 0);
  }
  CHECK(backend.writes == std::vector<int64_t>{-5, -5, -5});
}

TEST_CASE_FIXTURE(fixture, "/set/{n} with a bad n is 400 with the reason and no write") {
  for (const char* path : {"/set/", "/set/1.5", "/set/+5", "/set/0x10", "/set/5/",
                           "/set/9223372036854775808"}) {
    CAPTURE(path);
    auto message = check_json_error(call("GET", path), 400);
    CHECK(message.find("/set/{n}") == 0);
  }
  auto message = check_json_error(call("GET", "/set/99999999999999999999"), 400);
  CHECK(message.find("out of int64 range") != std::string::npos);
  CHECK(backend.writes.empty());
}

TEST_CASE_FIXTURE(fixture, "GET /v1/value answers value, version and index as JSON") {
  auto res = call("GET", "/v1/value");
  CHECK(res.status == 200);
  CHECK(res.content_type == "application/json");
  CHECK(json::parse(res.body)
        == json{{"value", 42},
                {"version", {{"counter", 7}, {"node", "n2"}}},
                {"index", 7},
                {"synchronized", false}});
  CHECK(res.header("X-Onevalue-Index") == "7");
  CHECK(res.header("ETag") == "\"7-n2\"");
  CHECK(res.header("X-Onevalue-Synchronized") == "false");
  auto applied = std::chrono::duration_cast<std::chrono::microseconds>(
      backend.current->applied_at.time_since_epoch());
  CHECK(res.header("X-Onevalue-Applied-At") == std::to_string(applied.count()));
}

TEST_CASE_FIXTURE(fixture,
                  "PUT /v1/value with JSON or plain text answers the new version") {
  auto res = call("PUT", "/v1/value", R"({"value":5})", "application/json");
  CHECK(res.status == 200);
  CHECK(res.content_type == "application/json");
  CHECK(
      json::parse(res.body)
      == json{{"value", 5}, {"version", {{"counter", 8}, {"node", "n1"}}}, {"index", 8}});
  auto plain = call("PUT", "/v1/value", "6\n", "application/x-www-form-urlencoded");
  CHECK(plain.status == 200);
  CHECK(json::parse(plain.body)["value"] == 6);
  CHECK(backend.writes == std::vector<int64_t>{5, 6});
}

TEST_CASE_FIXTURE(fixture, "PUT /v1/value with a bad body is 400 with a JSON error") {
  check_json_error(call("PUT", "/v1/value", "{", "application/json"), 400);
  check_json_error(call("PUT", "/v1/value", R"({"value":"5"})", "application/json"), 400);
  check_json_error(call("PUT", "/v1/value", R"({"value":1e30})", "application/json"),
                   400);
  check_json_error(call("PUT", "/v1/value", "", ""), 400);
  CHECK(backend.writes.empty());
}

TEST_CASE_FIXTURE(fixture, "GET /v1/members answers the members sorted by name") {
  auto res = call("GET", "/v1/members");
  CHECK(res.status == 200);
  CHECK(res.content_type == "application/json");
  auto j = json::parse(res.body);
  REQUIRE(j.size() == 2);
  CHECK(j[0]["name"] == "n1");
  CHECK(j[1]["name"] == "n2");
  CHECK(j[1]["state"] == "suspect");
  CHECK(j[1]["address"] == "127.0.0.2");
}

TEST_CASE_FIXTURE(fixture, "GET /health is 200 ok with member counts once synchronized") {
  backend.change_view([](node_view& v) { v.synchronized = true; });
  auto res = call("GET", "/health");
  CHECK(res.status == 200);
  CHECK(res.content_type == "application/json");
  CHECK(json::parse(res.body)
        == json{{"status", "ok"},
                {"node", "n1"},
                {"synchronized", true},
                {"encrypted", false},
                {"members", {{"alive", 1}, {"suspect", 1}, {"failed", 0}, {"left", 0}}}});
}

TEST_CASE_FIXTURE(fixture, "/v1/keyring takes GET and POST; a bad body is a 400") {
  auto bad = call("POST", "/v1/keyring", "{\"rotate\": \"x\"}");
  CHECK(bad.status == 400);
  CHECK(json::parse(bad.body)["error"].get<std::string>().find("rotate")
        != std::string::npos);
  // The fake backend has no keyring: the default answer is a 500 that says so.
  auto listed = call("GET", "/v1/keyring");
  CHECK(listed.status == 500);
  CHECK(json::parse(listed.body)["error"].get<std::string>().find("no keyring")
        != std::string::npos);
  CHECK(call("PUT", "/v1/keyring", "{}").status == 405);
}

TEST_CASE_FIXTURE(
    fixture, "GET /health is 503 syncing with a reason until the node synchronized") {
  for (const char* path : {"/health", "/health?ready", "/health?ready=1"}) {
    CAPTURE(path);
    auto res = call("GET", path);
    CHECK(res.status == 503);
    auto j = json::parse(res.body);
    CHECK(j["status"] == "syncing");
    CHECK(j["synchronized"] == false);
    CHECK(j["reason"].get<std::string>().find("writes are refused") != std::string::npos);
  }
}

TEST_CASE_FIXTURE(fixture,
                  "GET /health?live is 200 whatever the status, which it reports") {
  auto res = call("GET", "/health?live");
  CHECK(res.status == 200);
  CHECK(json::parse(res.body)["status"] == "syncing");
  backend.change_view([](node_view& v) {
    v.synchronized = true;
    v.members[0].state = member_state::failed;
  });
  CHECK(call("GET", "/health?live").status == 200);
  CHECK(call("GET", "/health").status == 503);
}

TEST_CASE_FIXTURE(fixture, "GET /health is 503 alone when every other member failed") {
  backend.change_view([](node_view& v) {
    v.synchronized = true;
    v.members[0].state = member_state::failed; // n2
  });
  auto res = call("GET", "/health");
  CHECK(res.status == 503);
  auto j = json::parse(res.body);
  CHECK(j["status"] == "alone");
  CHECK(j["reason"].get<std::string>().find("/v1/members/{name}/leave")
        != std::string::npos);
  CHECK(j["members"]["failed"] == 1);
}

TEST_CASE_FIXTURE(fixture, "an unknown path is 404 with a JSON error") {
  for (const char* path : {"/", "/nope", "/set", "/v1/value/x", "/GET", "/v1/members/n2",
                           "/v1/members/leave", "/v1/members/n2/leave/x"}) {
    CAPTURE(path);
    auto message = check_json_error(call("GET", path), 404);
    CHECK(message.find(path) != std::string::npos);
  }
  check_json_error(call("DELETE", "/nope"), 404);
}

TEST_CASE_FIXTURE(fixture, "a wrong method on a known path is 405 with Allow") {
  struct method_case {
    const char* method;
    const char* path;
    const char* allow;
  };
  const method_case cases[] = {
      {"POST", "/get", "GET, HEAD, OPTIONS"},
      {"PUT", "/get", "GET, HEAD, OPTIONS"},
      {"DELETE", "/v1/value", "GET, HEAD, PUT, OPTIONS"},
      {"POST", "/v1/value", "GET, HEAD, PUT, OPTIONS"},
      {"PATCH", "/v1/value", "GET, HEAD, PUT, OPTIONS"},
      {"PUT", "/v1/members", "GET, HEAD, OPTIONS"},
      {"DELETE", "/health", "GET, HEAD, OPTIONS"},
      {"DELETE", "/set/5", "GET, POST, PUT, OPTIONS"},
      {"HEAD", "/set/5", "GET, POST, PUT, OPTIONS"},
      {"GET", "/v1/members/n2/leave", "POST, OPTIONS"},
      {"HEAD", "/v1/members/n2/leave", "POST, OPTIONS"},
      {"PUT", "/v1/members/n2/leave", "POST, OPTIONS"},
      {"DELETE", "/v1/members/n2/leave", "POST, OPTIONS"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.method);
    CAPTURE(c.path);
    auto res = call(c.method, c.path);
    auto message = check_json_error(res, 405);
    CHECK(res.header("Allow") == c.allow);
    CHECK(message.find(c.method) != std::string::npos);
  }
  CHECK(backend.writes.empty());
}

TEST_CASE_FIXTURE(fixture, "OPTIONS on a known path is 204 with Allow") {
  auto res = call("OPTIONS", "/v1/value");
  CHECK(res.status == 204);
  CHECK(res.body.empty());
  CHECK(res.header("Allow") == "GET, HEAD, PUT, OPTIONS");
}

TEST_CASE_FIXTURE(fixture, "a body over the limit is 413 on any path, without a write") {
  limits.max_body_bytes = 16;
  auto big = std::string(17, '1');
  auto message = check_json_error(call("PUT", "/v1/value", big, "text/plain"), 413);
  CHECK(message.find("16") != std::string::npos);
  check_json_error(call("POST", "/set/5", big), 413);
  check_json_error(call("POST", "/nope", big), 413);
  CHECK(backend.writes.empty());
  auto at_limit = call("PUT", "/v1/value", std::string(16, ' '), "text/plain");
  CHECK(at_limit.status == 400); // within the limit: parsed (and empty after trimming)
}

TEST_CASE_FIXTURE(fixture, "a write timeout is 503 with Retry-After") {
  backend.next_failure = write_outcome::failure(write_outcome::kind::timeout, "2000 ms");
  auto res = call("GET", "/set/5");
  check_json_error(res, 503);
  CHECK(res.header("Retry-After") == "1");
  auto put = call("PUT", "/v1/value", "5");
  check_json_error(put, 503);
  CHECK(put.header("Retry-After") == "1");
}

TEST_CASE_FIXTURE(fixture,
                  "a persistence failure is 500 and says the write was not applied") {
  backend.next_failure = write_outcome::failure(write_outcome::kind::persistence_failed,
                                                "store_error(persistence_failed)");
  auto message = check_json_error(call("PUT", "/v1/value", "5"), 500);
  CHECK(message.find("not applied") != std::string::npos);
  backend.next_failure = write_outcome::failure(write_outcome::kind::failed, "down");
  check_json_error(call("POST", "/set/5"), 500);
}

TEST_CASE_FIXTURE(fixture, "a full disk is 507 on every write route; reads still work") {
  backend.next_failure =
      write_outcome::failure(write_outcome::kind::disk_full, "store_error(disk_full)");
  auto message = check_json_error(call("PUT", "/v1/value", "5"), 507);
  CHECK(message.find("disk full") != std::string::npos);
  CHECK(message.find("not applied") != std::string::npos);
  backend.next_failure =
      write_outcome::failure(write_outcome::kind::disk_full, "store_error(disk_full)");
  check_json_error(call("POST", "/set/5"), 507);
  CHECK(call("GET", "/get").status == 200);
  CHECK(call("GET", "/v1/value").status == 200);
}

TEST_CASE_FIXTURE(fixture, "reads before any view is published are 503") {
  backend.current = nullptr;
  auto res = call("GET", "/get");
  check_json_error(res, 503);
  CHECK(res.header("Retry-After") == "1");
}

TEST_CASE_FIXTURE(fixture, "a query string does not change the route") {
  auto res = call("GET", "/v1/value?index=3");
  CHECK(res.status == 200);
  CHECK(json::parse(res.body)["value"] == 42);
}

TEST_CASE_FIXTURE(fixture, "reads say whether the node is synchronized") {
  auto synced = std::make_shared<node_view>(*backend.current);
  synced->synchronized = true;
  backend.current = synced;
  auto res = call("GET", "/v1/value");
  CHECK(json::parse(res.body)["synchronized"] == true);
  CHECK(res.header("X-Onevalue-Synchronized") == "true");
  CHECK(call("GET", "/get").header("X-Onevalue-Synchronized") == "true");
}

TEST_CASE_FIXTURE(fixture,
                  "a write before the node synchronized is 503 with Retry-After") {
  backend.next_failure =
      write_outcome::failure(write_outcome::kind::not_synchronized, "not yet");
  for (auto res : {call("PUT", "/v1/value", "5"), call("GET", "/set/5")}) {
    auto message = check_json_error(res, 503);
    CHECK(message.find("not synchronized") != std::string::npos);
    CHECK(res.header("Retry-After") == "1");
  }
}

TEST_CASE_FIXTURE(fixture,
                  "PUT with a matching If-Match writes and returns the new ETag") {
  headers["if-match"] = "\"7-n2\"";
  auto res = call("PUT", "/v1/value", "5");
  CHECK(res.status == 200);
  CHECK(res.header("ETag") == "\"8-n1\"");
  REQUIRE(backend.conditional_writes.size() == 1);
  CHECK(backend.conditional_writes[0].first == 5);
  CHECK(backend.conditional_writes[0].second == version{7, "n2"});
  CHECK(backend.writes.empty());
}

TEST_CASE_FIXTURE(fixture,
                  "a stale If-Match is 412 with the current value and its ETag") {
  headers["if-match"] = "\"6-n2\"";
  for (auto res : {call("PUT", "/v1/value", "5"), call("POST", "/set/5")}) {
    CHECK(res.status == 412);
    CHECK(res.content_type == "application/json");
    CHECK(json::parse(res.body)["value"] == 42);
    CHECK(json::parse(res.body)["version"]["counter"] == 7);
    CHECK(res.header("ETag") == "\"7-n2\"");
  }
}

TEST_CASE_FIXTURE(fixture, "If-Match * writes unconditionally; a malformed one is 400") {
  headers["if-match"] = "*";
  CHECK(call("PUT", "/v1/value", "5").status == 200);
  CHECK(backend.writes == std::vector<int64_t>{5});
  headers["if-match"] = "7-n2";
  auto message = check_json_error(call("PUT", "/v1/value", "5"), 400);
  CHECK(message.find("If-Match") == 0);
  CHECK(backend.writes.size() == 1);
  CHECK(backend.conditional_writes.empty());
}

TEST_CASE_FIXTURE(fixture, "GET /v1/value?index=N&wait=D blocks through the backend") {
  auto res = call("GET", "/v1/value?index=7&wait=1m30s");
  CHECK(res.status == 200);
  CHECK(res.header("X-Onevalue-Index") == "7");
  REQUIRE(backend.watches.size() == 1);
  CHECK(backend.watches[0].first == 7);
  CHECK(backend.watches[0].second == std::chrono::milliseconds{90000});
}

TEST_CASE_FIXTURE(fixture, "blocking-read parameters also come from the parsed query") {
  http_request req;
  req.method = "GET";
  req.path = "/v1/value";
  req.query = {{"index", "3"}, {"wait", "500ms"}};
  int status = 0;
  route(req, backend, limits, [&](const http_response& res) { status = res.status; });
  CHECK(status == 200);
  REQUIRE(backend.watches.size() == 1);
  CHECK(backend.watches[0].second == std::chrono::milliseconds{500});
}

TEST_CASE_FIXTURE(fixture, "HEAD never writes, even on /set/{n}") {
  check_json_error(call("HEAD", "/set/5"), 405);
  CHECK(backend.writes.empty());
}

TEST_CASE_FIXTURE(fixture, "a read without index or on another path never blocks") {
  CHECK(call("GET", "/v1/value?wait=10s").status == 200);
  CHECK(call("GET", "/get?index=3").status == 200);
  CHECK(backend.watches.empty());
}

TEST_CASE_FIXTURE(fixture, "a bad index or wait is 400 naming the parameter") {
  CHECK(check_json_error(call("GET", "/v1/value?index=abc"), 400).find("index") == 0);
  CHECK(check_json_error(call("GET", "/v1/value?index=1&wait=10"), 400).find("wait")
        == 0);
  CHECK(backend.watches.empty());
}

TEST_CASE_FIXTURE(fixture,
                  "past the watcher limit a blocking read is 429 with Retry-After") {
  backend.watch_status_reply = watch_status::too_many_watchers;
  auto res = call("GET", "/v1/value?index=7");
  auto message = check_json_error(res, 429);
  CHECK(message.find("too many blocking reads") == 0);
  CHECK(res.header("Retry-After") == "1");
}

TEST_CASE_FIXTURE(fixture, "JSON replies end with a newline, as plain-text ones do") {
  for (const char* path : {"/v1/value", "/v1/members", "/health", "/nope"}) {
    CAPTURE(path);
    auto res = call("GET", path);
    REQUIRE_FALSE(res.body.empty());
    CHECK(res.body.back() == '\n');
    CHECK(res.body.find('\n') == res.body.size() - 1);
  }
  CHECK(call("PUT", "/v1/value", "5").body.back() == '\n');
}

TEST_CASE_FIXTURE(fixture, "PUT /v1/value takes a bare integer sent as JSON") {
  auto res = call("PUT", "/v1/value", "13", "application/json");
  CHECK(res.status == 200);
  CHECK(backend.writes == std::vector<int64_t>{13});
}

TEST_CASE_FIXTURE(fixture, "PUT /v1/value refuses unknown JSON fields, naming them") {
  auto message = check_json_error(
      call("PUT", "/v1/value", R"({"value":1,"vlaue":2})", "application/json"), 400);
  CHECK(message.find("vlaue") != std::string::npos);
  CHECK(backend.writes.empty());
}

TEST_CASE_FIXTURE(fixture, "POST /v1/members/{name}/leave answers the member now left") {
  backend.next_leave.member = {"n2", "127.0.0.2", 7946, 8080, member_state::left, 1};
  auto res = call("POST", "/v1/members/n2/leave");
  CHECK(res.status == 200);
  CHECK(res.content_type == "application/json");
  auto j = json::parse(res.body);
  CHECK(j["name"] == "n2");
  CHECK(j["state"] == "left");
  CHECK(backend.leaves == std::vector<std::string>{"n2"});
}

TEST_CASE_FIXTURE(fixture, "a forced leave of a member that is not failed is refused") {
  using kind = leave_outcome::kind;
  backend.next_leave = {
      kind::not_failed, {"n2", "127.0.0.2", 7946, 8080, member_state::alive, 1}, ""};
  auto alive = check_json_error(call("POST", "/v1/members/n2/leave"), 409);
  CHECK(alive.find("n2 is alive") == 0);
  backend.next_leave.member.state = member_state::suspect;
  CHECK(check_json_error(call("POST", "/v1/members/n2/leave"), 409).find("n2 is suspect")
        == 0);
  backend.next_leave = {kind::self, {}, ""};
  CHECK(check_json_error(call("POST", "/v1/members/n1/leave"), 409).find("this node")
        != std::string::npos);
  backend.next_leave = {kind::unknown_member, {}, ""};
  CHECK(check_json_error(call("POST", "/v1/members/zz/leave"), 404).find("zz")
        != std::string::npos);
}

TEST_CASE_FIXTURE(fixture,
                  "a forced leave that times out is 503; one that fails is 500") {
  backend.next_leave = {leave_outcome::kind::timeout, {}, "2000 ms"};
  auto res = call("POST", "/v1/members/n2/leave");
  check_json_error(res, 503);
  CHECK(res.header("Retry-After") == "1");
  backend.next_leave = {leave_outcome::kind::failed, {}, "down"};
  check_json_error(call("POST", "/v1/members/n2/leave"), 500);
}

TEST_CASE_FIXTURE(fixture, "a forced leave names the member in the path, decoded") {
  backend.next_leave.member = {"a b", "", 0, 0, member_state::left, 0};
  CHECK(call("POST", "/v1/members/a b/leave").status == 200);
  check_json_error(call("POST", "/v1/members//leave"), 400);
  CHECK(backend.leaves == std::vector<std::string>{"a b"});
  auto options = call("OPTIONS", "/v1/members/n2/leave");
  CHECK(options.status == 204);
  CHECK(options.header("Allow") == "POST, OPTIONS");
}

namespace {

/// The fake backend with a scrape of its own.
class scraping_backend : public fake_backend {
public:
  void scrape(scrape_callback done) override { done(std::string{"onevalue_x 1\n"}); }
};

http_response call_on(gateway_backend& backend, const std::string& method,
                      const std::string& path) {
  http_request req;
  req.method = method;
  req.path = path;
  http_response out;
  int answers = 0;
  route(req, backend, router_limits{}, [&](http_response res) {
    ++answers;
    out = std::move(res);
  });
  REQUIRE(answers == 1);
  return out;
}

} // namespace

TEST_CASE(
    "GET /metrics answers the backend's scrape as Prometheus text, 404 without one") {
  scraping_backend with;
  auto res = call_on(with, "GET", "/metrics");
  CHECK(res.status == 200);
  CHECK(res.content_type == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(res.body == "onevalue_x 1\n");
  CHECK(call_on(with, "PUT", "/metrics").status == 405);
  fake_backend without;
  CHECK(check_json_error(call_on(without, "GET", "/metrics"), 404).find("no metrics")
        != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "GET /ui serves the embedded page and its files, 404 others") {
  auto page = call("GET", "/ui");
  CHECK(page.status == 200);
  CHECK(page.content_type == "text/html; charset=utf-8");
  CHECK(page.body.find("/ui/app.js") != std::string::npos);
  CHECK(call("GET", "/ui/").body == page.body);
  auto js = call("GET", "/ui/app.js");
  CHECK(js.status == 200);
  CHECK(js.content_type == "text/javascript; charset=utf-8");
  CHECK(js.body.find("/v1/value?index=") != std::string::npos);
  CHECK(call("GET", "/ui/style.css").content_type == "text/css; charset=utf-8");
  check_json_error(call("GET", "/ui/../README.md"), 404);
  check_json_error(call("GET", "/ui/nothing.js"), 404);
  CHECK(call("POST", "/ui").status == 405);
}

TEST_CASE("routes are classified by template, never by the raw path") {
  CHECK(classify_route("/get") == http_route::get);
  CHECK(classify_route("/set/12345") == http_route::set);
  CHECK(classify_route("/v1/value?index=3&wait=1s") == http_route::value);
  CHECK(classify_route("/v1/value/add") == http_route::value_add);
  CHECK(classify_route("/v1/members") == http_route::members);
  CHECK(classify_route("/v1/members/n7/leave") == http_route::member_leave);
  CHECK(classify_route("/health?live") == http_route::health);
  CHECK(classify_route("/v1/keyring") == http_route::keyring);
  CHECK(classify_route("/metrics") == http_route::metrics);
  CHECK(classify_route("/ui") == http_route::ui);
  CHECK(classify_route("/ui/app.js") == http_route::ui_asset);
  CHECK(classify_route("/etc/passwd") == http_route::unknown);
  CHECK(std::string{route_label(classify_route("/set/77"))} == "/set/{n}");
}

TEST_CASE_FIXTURE(fixture, "GET /v1/members says since when and how long each member is "
                           "in its state") {
  auto since = std::chrono::system_clock::now() - std::chrono::seconds{30};
  backend.change_view([&](node_view& v) { v.state_since["n2"] = since; });
  auto members = json::parse(call("GET", "/v1/members").body);
  REQUIRE(members.size() == 2);
  CHECK(members[0]["name"] == "n1");
  CHECK_FALSE(members[0].contains("state_since_ms")); // not known in this view
  CHECK(members[1]["state_since_ms"].get<int64_t>()
        == std::chrono::duration_cast<std::chrono::milliseconds>(since.time_since_epoch())
               .count());
  auto age = members[1]["state_age_ms"].get<int64_t>();
  CHECK(age >= 30000);
  CHECK(age < 40000);
}

TEST_CASE("with tokens required the page's files load without one, its data needs one") {
  fake_backend backend;
  router_limits limits;
  limits.access = std::make_shared<const access_control>(
      access_settings{{"read-token-0123456789"}, {}, true, {}});
  auto call_with = [&](const std::string& path, const std::string& token) {
    http_request req;
    req.method = "GET";
    req.path = path;
    if (!token.empty())
      req.headers["authorization"] = "Bearer " + token;
    http_response out;
    route(req, backend, limits, [&](http_response res) { out = std::move(res); });
    return out;
  };
  CHECK(call_with("/ui", "").status == 200);
  CHECK(call_with("/ui/app.js", "").status == 200);
  CHECK(call_with("/v1/value", "").status == 401);
  CHECK(call_with("/metrics", "").status == 401);
  CHECK(call_with("/v1/value", "read-token-0123456789").status == 200);
}
