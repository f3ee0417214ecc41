// Fuzzes the REST API's router with arbitrary requests against a backend that answers
// at once: the method (first byte), the path with its query (up to the first newline)
// and the body (the rest), sent with and without a JSON content type. Covers every
// decoder of client text behind the router: the /set/{n} segment, PUT bodies (JSON and
// plain integers), If-Match, index and wait, /health probes and member names in
// /v1/members/{name}/leave. Checks that every request is answered exactly once, with a
// status the API documents, and that every reply body ends with a newline and every
// error body is JSON `{"error": ...}` (but 412's and /health's). The view is of a node
// whose only peer failed, so plain /health answers 503 `alone`. The backend has no
// keyring, so `/v1/keyring` answers 500 "keyring request failed" (documented: the
// README's keyring section); the fuzzer found that path in CI, before this harness
// accepted the status (corpus entry keyring_without_keyring).

#include "http/api/router.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace onevalue;

void check(bool condition) {
  if (!condition)
    std::abort();
}

/// Answers every call at once: writes succeed unless a conditional one mismatches,
/// forced leaves report an unknown member, blocking reads get the view.
class instant_backend : public gateway_backend {
public:
  instant_backend() {
    auto v = std::make_shared<node_view>();
    v->node_name = "n1";
    v->synchronized = true;
    v->value = {42, {7, "n2"}};
    v->members = {{"n1", "127.0.0.1", 7946, 8080, member_state::alive, 1},
                  {"n2", "127.0.0.2", 7946, 8080, member_state::failed, 1}};
    view_ = v;
  }
  std::shared_ptr<const node_view> view() const override { return view_; }
  void write(int64_t n, write_callback done) override {
    done(write_outcome::success({n, {8, "n1"}}));
  }
  void write_if(int64_t n, const version& expected, write_callback done) override {
    if (expected == view_->value.ver)
      done(write_outcome::success({n, {8, "n1"}}));
    else
      done(write_outcome::mismatch(view_->value));
  }
  void watch(uint64_t, std::chrono::milliseconds, watch_callback done) override {
    done({watch_status::done, view_});
  }
  void force_leave(const std::string&, leave_callback done) override {
    done(leave_outcome{leave_outcome::kind::unknown_member, {}, ""});
  }

private:
  std::shared_ptr<const node_view> view_;
};

bool documented(int status) {
  switch (status) {
  case 200:
  case 204:
  case 400:
  case 404:
  case 405:
  case 409:
  case 412:
  case 413:
  case 503:
    return true;
  default:
    return false;
  }
}

void route_one(instant_backend& backend, const http_request& req) {
  int answers = 0;
  http_response res;
  route(req, backend, router_limits{256, nullptr}, [&](http_response r) {
    ++answers;
    res = std::move(r);
  });
  check(answers == 1);
  bool keyring = req.path.rfind("/v1/keyring", 0) == 0;
  check(documented(res.status) || (keyring && res.status == 500));
  if (res.status == 204)
    return;
  check(!res.body.empty() && res.body.back() == '\n');
  // 412 carries the current value, a 503 from /health the node's status and reason.
  bool health = req.path.rfind("/health", 0) == 0;
  if (res.status >= 400 && res.status != 412 && !(health && res.status == 503)) {
    auto j = nlohmann::json::parse(res.body, nullptr, false);
    check(j.is_object() && j.size() == 1 && j.contains("error"));
    check(j["error"].is_string());
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const char* const methods[] = {"GET",  "PUT",     "POST",
                                        "HEAD", "OPTIONS", "DELETE"};
  if (size == 0)
    return 0;
  std::string_view input{reinterpret_cast<const char*>(data) + 1, size - 1};
  http_request req;
  req.method = methods[data[0] % 6];
  auto newline = input.find('\n');
  req.path = std::string{input.substr(0, newline)};
  if (newline != std::string_view::npos)
    req.body = std::string{input.substr(newline + 1)};
  if (data[0] & 0x80)
    req.headers["if-match"] = req.body.substr(0, 16);
  instant_backend backend;
  route_one(backend, req);
  req.content_type = "application/json";
  route_one(backend, req);
  return 0;
}
