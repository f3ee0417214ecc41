#include "http/api/access_control.hpp"

#include "http/api/router.hpp"
#include "http/server/http_server.hpp"
#include "http_test_support.hpp"

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <string>

using namespace onevalue;
using namespace onevalue::testing;
using nlohmann::json;

namespace {

const std::string reader = "read-token-0123456789";
const std::string writer = "write-token-0123456789";
const std::string admin = "admin-token-0123456789";
/// A well-formed key (32 zero bytes), so a keyring request reaches the backend.
const std::string install_body =
    R"({"install": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="})";

/// A backend that answers at once: a fixed view, and writes that always succeed.
class instant_backend : public gateway_backend {
public:
  instant_backend() {
    auto v = std::make_shared<node_view>();
    v->node_name = "n1";
    v->value = {42, {7, "n2"}};
    v->synchronized = true;
    view_ = v;
  }
  std::shared_ptr<const node_view> view() const override { return view_; }
  void write(int64_t n, write_callback done) override {
    ++writes;
    done(write_outcome::success({n, {8, "n1"}}));
  }
  void write_if(int64_t n, const version&, write_callback done) override {
    write(n, done);
  }
  void watch(uint64_t, std::chrono::milliseconds, watch_callback done) override {
    done(watch_result{watch_status::done, view_});
  }
  void force_leave(const std::string& name, leave_callback done) override {
    ++leaves;
    done(leave_outcome{leave_outcome::kind::ok,
                       {name, "127.0.0.2", 7946, 8080, member_state::left, 2},
                       ""});
  }
  void keyring(const keyring_command&, keyring_callback done) override {
    ++keyrings;
    done(keyring_result{keyring_result::kind::failed, {}, "no keyring in this backend"});
  }
  int writes = 0;
  int leaves = 0;
  int keyrings = 0;

private:
  std::shared_ptr<const node_view> view_;
};

struct fixture {
  instant_backend backend;
  access_settings rules{{reader}, {writer}, true, {}};

  http_response call(const std::string& method, const std::string& path,
                     std::map<std::string, std::string> headers = {},
                     std::string body = {}) {
    router_limits limits;
    limits.access = std::make_shared<access_control>(rules);
    http_request req;
    req.method = method;
    req.path = path;
    req.headers = std::move(headers);
    req.body = std::move(body);
    int answers = 0;
    http_response out;
    route(req, backend, limits, [&](http_response res) {
      ++answers;
      out = std::move(res);
    });
    REQUIRE(answers == 1);
    return out;
  }

  static std::map<std::string, std::string> bearer(const std::string& token) {
    return {{"authorization", "Bearer " + token}};
  }
};

std::string json_error(const http_response& res) {
  CHECK(res.content_type == "application/json");
  auto j = json::parse(res.body, nullptr, false);
  REQUIRE(j.is_object());
  REQUIRE(j.contains("error"));
  return j["error"].get<std::string>();
}

} // namespace

TEST_CASE_FIXTURE(fixture, "without a token every endpoint but /health gets 401") {
  for (auto [method, path] : {std::pair{"GET", "/get"},
                              {"GET", "/v1/value"},
                              {"GET", "/v1/members"},
                              {"GET", "/set/5"},
                              {"PUT", "/v1/value"},
                              {"POST", "/set/5"},
                              {"OPTIONS", "/get"},
                              {"GET", "/nope"},
                              {"DELETE", "/v1/value"}}) {
    CAPTURE(method);
    CAPTURE(path);
    auto res = call(method, path);
    CHECK(res.status == 401);
    CHECK(res.header("WWW-Authenticate") == "Bearer realm=\"onevalue\"");
    CHECK(json_error(res).find("requires a token") != std::string::npos);
  }
  CHECK(backend.writes == 0);
}

TEST_CASE_FIXTURE(fixture, "an unknown token gets 401 with error=invalid_token") {
  for (const auto& headers :
       {bearer("not-a-token-at-all-000"), bearer(reader + "x"), bearer(reader.substr(1)),
        bearer(""), std::map<std::string, std::string>{{"x-onevalue-token", "nope"}},
        std::map<std::string, std::string>{{"authorization", "Basic " + reader}}}) {
    auto res = call("GET", "/get", headers);
    CHECK(res.status == 401);
    CHECK(res.header("WWW-Authenticate")
          == "Bearer realm=\"onevalue\", error=\"invalid_token\"");
    CHECK(json_error(res) == "unknown token");
  }
}

TEST_CASE_FIXTURE(fixture, "a read token reads and gets 403 on every write") {
  CHECK(call("GET", "/get", bearer(reader)).body == "42\n");
  CHECK(call("GET", "/v1/members", bearer(reader)).status == 200);
  CHECK(call("GET", "/get", {{"x-onevalue-token", reader}}).body == "42\n");
  for (auto [method, path] : {std::pair{"GET", "/set/5"},
                              {"POST", "/set/5"},
                              {"PUT", "/set/5"},
                              {"PUT", "/v1/value"},
                              {"DELETE", "/v1/value"},
                              {"POST", "/v1/members/n2/leave"}}) {
    CAPTURE(method);
    CAPTURE(path);
    auto res = call(method, path, bearer(reader));
    CHECK(res.status == 403);
    CHECK(json_error(res).find("needs a write token") != std::string::npos);
  }
  CHECK(backend.writes == 0);
  CHECK(backend.leaves == 0);
}

TEST_CASE_FIXTURE(fixture, "changing the keyring needs an admin token") {
  rules.admin_tokens = {admin};
  for (const auto& token : {reader, writer}) {
    CAPTURE(token);
    auto res = call("POST", "/v1/keyring", bearer(token), install_body);
    CHECK(res.status == 403);
    CHECK(json_error(res).find("needs an admin token (acl-admin-tokens)")
          != std::string::npos);
  }
  CHECK(backend.keyrings == 0);
  // The admin token changes keys; listing them (fingerprints only) is a read.
  CHECK(call("POST", "/v1/keyring", bearer(admin), install_body).status != 403);
  CHECK(backend.keyrings == 1);
  CHECK(call("GET", "/v1/keyring", bearer(reader)).status != 403);
  CHECK(backend.keyrings == 2);
  // An admin token does everything a write token does.
  CHECK(call("GET", "/get", bearer(admin)).body == "42\n");
  CHECK(call("PUT", "/v1/value", {{"x-onevalue-token", admin}}, "9").status == 200);
  CHECK(backend.writes == 1);
  CHECK(call("POST", "/v1/members/n2/leave", bearer(admin)).status == 200);
  // No token at all is still 401, not 403.
  CHECK(call("POST", "/v1/keyring", {}, install_body).status == 401);
}

TEST_CASE_FIXTURE(fixture, "with tokens but no admin token the keyring cannot change") {
  auto res = call("POST", "/v1/keyring", bearer(writer), install_body);
  CHECK(res.status == 403);
  CHECK(backend.keyrings == 0);
  CHECK(call("GET", "/v1/keyring", bearer(writer)).status != 403);
}

TEST_CASE_FIXTURE(fixture,
                  "with no token configured the keyring is as open as the rest") {
  rules = {};
  CHECK(call("POST", "/v1/keyring", {}, install_body).status != 403);
  CHECK(backend.keyrings == 1);
}

TEST_CASE_FIXTURE(fixture, "a forced leave needs a write token") {
  CHECK(call("POST", "/v1/members/n2/leave").status == 401);
  CHECK(call("POST", "/v1/members/n2/leave", bearer(writer)).status == 200);
  CHECK(backend.leaves == 1);
}

TEST_CASE_FIXTURE(fixture, "a write token reads and writes; the Bearer scheme is "
                           "case-insensitive") {
  CHECK(call("GET", "/get", bearer(writer)).body == "42\n");
  CHECK(call("GET", "/set/5", bearer(writer)).body == "5\n");
  CHECK(call("POST", "/set/6", {{"authorization", "bearer   " + writer}}).body == "6\n");
  CHECK(call("POST", "/set/7", {{"x-onevalue-token", writer}}).body == "7\n");
  CHECK(backend.writes == 3);
}

TEST_CASE_FIXTURE(fixture, "two headers with different tokens are refused") {
  auto res = call("GET", "/get",
                  {{"authorization", "Bearer " + reader}, {"x-onevalue-token", writer}});
  CHECK(res.status == 400);
  CHECK(json_error(res).find("different tokens") != std::string::npos);
  CHECK(call("GET", "/get",
             {{"authorization", "Bearer " + reader}, {"x-onevalue-token", reader}})
            .status
        == 200);
}

TEST_CASE_FIXTURE(fixture, "/health without a token shows only the status") {
  auto open = call("GET", "/health");
  CHECK(open.status == 200);
  CHECK(json::parse(open.body) == json{{"status", "ok"}});
  CHECK(open.body.back() == '\n'); // every reply ends in a newline
  auto full = json::parse(call("GET", "/health", bearer(reader)).body);
  CHECK(full["node"] == "n1");
  CHECK(full.contains("members"));
  CHECK(call("GET", "/health", bearer("wrong-token-0123456789")).status == 401);
}

TEST_CASE_FIXTURE(fixture, "with no token configured everything is open") {
  rules = {};
  CHECK(call("GET", "/get").body == "42\n");
  CHECK(call("GET", "/set/3").body == "3\n");
  CHECK(json::parse(call("GET", "/health").body).contains("members"));
}

TEST_CASE_FIXTURE(fixture,
                  "allow_get_writes off makes GET /set/{n} 405; POST and PUT write") {
  rules = {};
  rules.allow_get_writes = false;
  auto get = call("GET", "/set/5");
  CHECK(get.status == 405);
  CHECK(get.header("Allow") == "POST, PUT, OPTIONS");
  CHECK(json_error(get).find("allow-get-writes") != std::string::npos);
  CHECK(call("HEAD", "/set/5").status == 405);
  auto options = call("OPTIONS", "/set/5");
  CHECK(options.status == 204);
  CHECK(options.header("Allow") == "POST, PUT, OPTIONS");
  CHECK(backend.writes == 0);
  CHECK(call("POST", "/set/5").body == "5\n");
  CHECK(call("PUT", "/set/6").body == "6\n");
  CHECK(call("GET", "/get").body == "42\n");
  CHECK(backend.writes == 2);
}

TEST_CASE("a presented token is matched whatever its length and position") {
  access_control access{
      {{"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"}, {"cccccccccccccccc"}, true, {}}};
  auto grant = [&](const std::string& token) {
    http_request req;
    req.headers["x-onevalue-token"] = token;
    return access.grant_of(req);
  };
  CHECK(grant("aaaaaaaaaaaaaaaa") == access_control::grant::read);
  CHECK(grant("bbbbbbbbbbbbbbbb") == access_control::grant::read);
  CHECK(grant("cccccccccccccccc") == access_control::grant::write);
  CHECK(grant("aaaaaaaaaaaaaaa") == access_control::grant::unknown);
  CHECK(grant("aaaaaaaaaaaaaaaaa") == access_control::grant::unknown);
  CHECK(grant(std::string(100000, 'a')) == access_control::grant::unknown);
  CHECK(access.grant_of(http_request{}) == access_control::grant::none);
  // A token listed as both read and write writes.
  access_control both{{{"dddddddddddddddd"}, {"dddddddddddddddd"}, true, {}}};
  http_request req;
  req.headers["x-onevalue-token"] = "dddddddddddddddd";
  CHECK(both.grant_of(req) == access_control::grant::write);
  // A token listed as write and admin is admin, in whichever order it matches.
  access_control admin_too{{{}, {"dddddddddddddddd"}, true, {"dddddddddddddddd"}}};
  CHECK(admin_too.grant_of(req) == access_control::grant::admin);
  access_control admin_only{{{}, {}, true, {"dddddddddddddddd"}}};
  CHECK(admin_only.tokens_required());
  CHECK(admin_only.grant_of(req) == access_control::grant::admin);
}

TEST_CASE("check_token refuses short, long and unprintable tokens without echoing them") {
  CHECK(check_token("0123456789abcdef") == "");
  CHECK(check_token(std::string(4096, 'x')) == "");
  for (const std::string& bad :
       {std::string{"short"}, std::string(4097, 'x'), std::string{"0123456789abcdef,"},
        std::string{"0123456789 abcdef"}, std::string{"0123456789abcdef\n"},
        std::string{"0123456789abcdef\xc3\xa9"}}) {
    auto why = check_token(bad);
    CHECK_FALSE(why.empty());
    CHECK(why.find(bad) == std::string::npos);
  }
}

TEST_CASE("tokens over a real server: curl-style headers, 401, 403 and the status-only "
          "/health") {
  loopback_backend backend;
  backend.snapshots.publish_synchronized(); // /health answers "ok" only once synchronized
  router_limits limits{64, std::make_shared<access_control>(
                               access_settings{{reader}, {writer}, false, {}})};
  http_server server{api_handler(backend, limits), loopback_settings()};
  REQUIRE(server.start() == "");
  httplib::Client cli{"127.0.0.1", server.port()};
  auto anonymous = cli.Get("/get");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  CHECK(anonymous->get_header_value("WWW-Authenticate") == "Bearer realm=\"onevalue\"");
  auto health = cli.Get("/health");
  REQUIRE(health);
  CHECK(json::parse(health->body) == json{{"status", "ok"}});
  // A cross-site GET carries no token, so it cannot write, even with GET writes on.
  CHECK(cli.Get("/set/9")->status == 401);
  httplib::Headers read_headers{{"Authorization", "Bearer " + reader}};
  CHECK(cli.Get("/get", read_headers)->body == "42\n");
  CHECK(cli.Post("/set/9", read_headers, "", "text/plain")->status == 403);
  httplib::Headers write_headers{{"X-Onevalue-Token", writer}};
  CHECK(cli.Get("/set/9", write_headers)->status == 405); // allow-get-writes off
  auto post = cli.Post("/set/9", write_headers, "", "text/plain");
  REQUIRE(post);
  CHECK(post->status == 200);
  CHECK(backend.last_write() == 9);
  CHECK(backend.writes() == 1);
}
