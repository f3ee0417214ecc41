// Fuzzes the REST API's routing on a fake backend: any method, path, query, header and
// body (parsed from HTTP bytes, or set directly so that requests the parser refuses
// reach the router too), with or without tokens and GET writes, with the backend
// answering at once or later and with any write outcome. Checks that every request is
// answered exactly once with a well-formed response, that errors are JSON, and that no
// request writes without the access it needs.

#include "http/api/access_control.hpp"
#include "http/api/router.hpp"
#include "http/server/http_parser.hpp"
#include "http/server/response_writer.hpp"
#include "response_check.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

using namespace onevalue;
using onevalue::fuzzing::check;

namespace {

const std::string read_token = "read-token-0123456789";
const std::string write_token = "write-token-0123456789";

/// A backend whose answers the input chooses; deferred callbacks run after `route`.
class fake_backend : public gateway_backend {
public:
  fake_backend(bool deferred, uint8_t outcome)
      : deferred_(deferred), outcome_(outcome % 6) {
    auto v = std::make_shared<node_view>();
    v->node_name = "n1";
    v->value = {42, {7, "n\r\n2"}};
    v->members = {{"n1", "127.0.0.1", 7946, 8080, member_state::alive, 1}};
    view_ = v;
  }
  std::shared_ptr<const node_view> view() const override { return view_; }
  void write(int64_t n, write_callback done) override {
    ++writes;
    auto kind = static_cast<write_outcome::kind>(outcome_);
    auto result = kind == write_outcome::kind::ok ? write_outcome::success({n, {8, "n1"}})
                  : kind == write_outcome::kind::precondition_failed
                      ? write_outcome::mismatch(view_->value)
                      : write_outcome::failure(kind, "injected");
    later([done = std::move(done), result] { done(result); });
  }
  void write_if(int64_t n, const version&, write_callback done) override {
    write(n, std::move(done));
  }
  void watch(uint64_t, std::chrono::milliseconds, watch_callback done) override {
    auto status = outcome_ == 1 ? watch_status::too_many_watchers : watch_status::done;
    later([done = std::move(done), status, v = view_] { done(watch_result{status, v}); });
  }
  void force_leave(const std::string& name, leave_callback done) override {
    ++writes; // forcing a member out changes membership: it needs a write token
    auto kind = static_cast<leave_outcome::kind>(outcome_);
    later([done = std::move(done), kind, name] {
      done(leave_outcome{kind,
                         {name, "127.0.0.2", 7946, 8080, member_state::left, 2},
                         kind == leave_outcome::kind::timeout ? "injected" : ""});
    });
  }
  void run_deferred() {
    for (auto& f : pending_)
      f();
    pending_.clear();
  }
  int writes = 0;

private:
  void later(std::function<void()> f) {
    if (deferred_)
      pending_.push_back(std::move(f));
    else
      f();
  }
  bool deferred_;
  uint8_t outcome_;
  std::shared_ptr<const node_view> view_;
  std::vector<std::function<void()>> pending_;
};

std::string take_line(std::string_view& rest) {
  auto end = rest.find('\n');
  std::string out{rest.substr(0, end)};
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  return out;
}

/// A request set field by field: method, path, content type, body, then `name:value`
/// header lines (names used as given).
http_request direct_request(std::string_view rest) {
  http_request req;
  req.method = take_line(rest);
  req.path = take_line(rest);
  req.content_type = take_line(rest);
  req.body = take_line(rest);
  while (!rest.empty()) {
    auto line = take_line(rest);
    auto colon = line.find(':');
    req.headers[line.substr(0, colon)] =
        colon == std::string::npos ? "" : line.substr(colon + 1);
  }
  return req;
}

std::string token_of(const http_request& req) {
  if (auto it = req.headers.find("x-onevalue-token"); it != req.headers.end())
    return it->second;
  if (auto it = req.headers.find("authorization"); it != req.headers.end())
    return it->second;
  return "";
}

} // namespace

// Input: one byte of flags (1: GET writes, 2: tokens, 4: backend answers later, 8: set
// the request directly, bits 4-6: write outcome), then the request.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  uint8_t flags = data[0];
  std::string_view rest{reinterpret_cast<const char*>(data) + 1, size - 1};
  http_request req;
  if ((flags & 8) != 0) {
    req = direct_request(rest);
  } else {
    auto parsed = parse_http_request(rest, http_parser_limits{});
    if (parsed.outcome != http_parse_result::status::complete)
      return 0;
    req = parsed.request;
  }
  bool tokens = (flags & 2) != 0;
  access_settings rules;
  rules.allow_get_writes = (flags & 1) != 0;
  if (tokens) {
    rules.read_tokens = {read_token};
    rules.write_tokens = {write_token};
  }
  router_limits limits;
  limits.max_body_bytes = 64;
  limits.access = std::make_shared<access_control>(rules);
  fake_backend backend{(flags & 4) != 0, static_cast<uint8_t>(flags >> 4)};
  int answers = 0;
  http_response res;
  route(req, backend, limits, [&](http_response r) {
    ++answers;
    res = std::move(r);
  });
  backend.run_deferred();
  check(answers == 1);
  check(res.status >= 100 && res.status <= 599);
  if (res.status >= 400 && res.status != 412) {
    check(res.content_type == "application/json");
    auto body = nlohmann::json::parse(res.body, nullptr, false);
    // /health's 503 names the status (syncing, alone, leaving) instead of an error.
    bool health = res.status == 503 && body.is_object() && body.contains("status");
    check(health
          || (body.is_object() && body.contains("error") && body["error"].is_string()));
  }
  if (res.status == 401)
    check(!res.header("WWW-Authenticate").empty());
  if (res.status == 405)
    check(!res.header("Allow").empty());
  // No write without the access it needs.
  if (backend.writes > 0) {
    auto token = token_of(req);
    if (tokens)
      check(token.find(write_token) != std::string::npos);
    if (!rules.allow_get_writes)
      check(req.method != "GET" && req.method != "HEAD");
  }
  std::string out;
  bool head = req.method == "HEAD";
  append_response(out, res, true, head);
  bool bodyless = res.status < 200 || res.status == 204 || res.status == 304;
  onevalue::fuzzing::check_response_bytes(
      out, head || bodyless ? std::string_view{} : std::string_view{res.body},
      res.body.size());
  return 0;
}
