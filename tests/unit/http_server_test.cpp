#include "http/http_server.hpp"

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <mutex>

using namespace onevalue;
using nlohmann::json;

namespace {

/// A thread-safe backend with a fixed view that remembers the last write.
class loopback_backend : public gateway_backend {
public:
  loopback_backend() {
    auto v = std::make_shared<node_view>();
    v->node_name = "n1";
    v->value = {42, {7, "n2"}};
    view_ = v;
  }

  std::shared_ptr<const node_view> view() const override { return view_; }

  write_outcome write(int64_t n) override {
    std::lock_guard<std::mutex> guard{mutex_};
    last_write_ = n;
    return write_outcome::success({n, {8, "n1"}});
  }

  write_outcome write_if(int64_t n, const version&) override {
    return write_outcome::mismatch({n, {8, "n1"}});
  }

  watch_result watch(uint64_t index, std::chrono::milliseconds wait) override {
    std::lock_guard<std::mutex> guard{mutex_};
    last_watch_ = {index, wait};
    return {watch_status::done, view_};
  }

  std::pair<uint64_t, std::chrono::milliseconds> last_watch() {
    std::lock_guard<std::mutex> guard{mutex_};
    return last_watch_;
  }

  int64_t last_write() {
    std::lock_guard<std::mutex> guard{mutex_};
    return last_write_;
  }

private:
  std::shared_ptr<const node_view> view_;
  std::mutex mutex_;
  int64_t last_write_ = 0;
  std::pair<uint64_t, std::chrono::milliseconds> last_watch_{0, 0};
};

struct server_fixture {
  loopback_backend backend;
  http_server server{backend, settings()};

  static http_server_settings settings() {
    http_server_settings s;
    s.bind_address = "127.0.0.1";
    s.port = 0;
    s.threads = 2;
    s.max_body_bytes = 64;
    return s;
  }
};

} // namespace

TEST_CASE_FIXTURE(server_fixture, "the server answers real requests over loopback TCP") {
  REQUIRE(server.start() == "");
  REQUIRE(server.port() != 0);
  httplib::Client cli{"127.0.0.1", server.port()};
  auto get = cli.Get("/get");
  REQUIRE(get);
  CHECK(get->status == 200);
  CHECK(get->body == "42");
  auto set = cli.Post("/set/17", "", "text/plain");
  REQUIRE(set);
  CHECK(set->status == 200);
  CHECK(set->body == "17");
  CHECK(backend.last_write() == 17);
  auto put = cli.Put("/v1/value", R"({"value":-3})", "application/json");
  REQUIRE(put);
  CHECK(put->status == 200);
  CHECK(json::parse(put->body)["value"] == -3);
  CHECK(put->get_header_value("Content-Type") == "application/json");
  server.stop();
}

TEST_CASE_FIXTURE(server_fixture,
                  "404 and 405 come from the router through catch-all routes") {
  REQUIRE(server.start() == "");
  httplib::Client cli{"127.0.0.1", server.port()};
  auto missing = cli.Delete("/nope");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(json::parse(missing->body).contains("error"));
  auto wrong = cli.Delete("/v1/value");
  REQUIRE(wrong);
  CHECK(wrong->status == 405);
  CHECK(wrong->get_header_value("Allow") == "GET, HEAD, PUT, OPTIONS");
  auto patch = cli.Patch("/get", "x", "text/plain");
  REQUIRE(patch);
  CHECK(patch->status == 405);
  auto options = cli.Options("/set/1");
  REQUIRE(options);
  CHECK(options->status == 204);
  auto head = cli.Head("/v1/value");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->body.empty());
}

TEST_CASE_FIXTURE(server_fixture,
                  "an oversize body is refused with 413 and a JSON error") {
  REQUIRE(server.start() == "");
  httplib::Client cli{"127.0.0.1", server.port()};
  auto res = cli.Put("/v1/value", std::string(10000, '1'), "text/plain");
  REQUIRE(res);
  CHECK(res->status == 413);
  CHECK(json::parse(res->body, nullptr, false).contains("error"));
  CHECK(backend.last_write() == 0);
}

TEST_CASE_FIXTURE(server_fixture,
                  "binding a port in use fails with a message naming it") {
  REQUIRE(server.start() == "");
  loopback_backend other_backend;
  auto s = settings();
  s.port = server.port();
  http_server second{other_backend, s};
  auto message = second.start();
  CHECK(message.find("cannot bind HTTP on 127.0.0.1:" + std::to_string(server.port()))
        == 0);
  second.stop();
}

TEST_CASE_FIXTURE(server_fixture,
                  "stop is idempotent and a stopped server refuses connections") {
  REQUIRE(server.start() == "");
  auto port = server.port();
  server.stop();
  server.stop();
  httplib::Client cli{"127.0.0.1", port};
  cli.set_connection_timeout(std::chrono::milliseconds(500));
  auto res = cli.Get("/get");
  CHECK_FALSE(res);
}

TEST_CASE_FIXTURE(
    server_fixture,
    "stop returns within the shutdown budget while a keep-alive client idles") {
  REQUIRE(server.start() == "");
  httplib::Client cli{"127.0.0.1", server.port()};
  cli.set_keep_alive(true);
  auto res = cli.Get("/health");
  REQUIRE(res);
  CHECK(res->status == 200);
  auto before = std::chrono::steady_clock::now();
  server.stop();
  auto took = std::chrono::steady_clock::now() - before;
  // The idle connection holds a worker until the 1 s keep-alive timeout; a node must
  // still exit within 2 s of SIGTERM.
  CHECK(took < std::chrono::milliseconds(1900));
}
