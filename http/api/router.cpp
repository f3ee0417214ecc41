#include "http/api/router.hpp"

#include "http/api/delta_body.hpp"
#include "http/api/health.hpp"
#include "http/api/json_codec.hpp"
#include "http/api/metrics_text.hpp"
#include "http/api/query_parsing.hpp"
#include "http/api/request_parsing.hpp"
#include "http/server/url_decoding.hpp"
#include "http/ui/ui_assets.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

namespace onevalue {

namespace {

constexpr const char* text_type = "text/plain; charset=utf-8";
constexpr const char* json_type = "application/json";

/// The methods a known path accepts.
enum method_set : unsigned {
  get_only = 1,
  get_put = 2,
  get_post_put = 3,
  post_only = 4,
  get_post = 5,
};

std::string allow_header(method_set methods) {
  switch (methods) {
  case get_only:
    return "GET, HEAD, OPTIONS";
  case get_put:
    return "GET, HEAD, PUT, OPTIONS";
  case get_post_put:
    // No HEAD: on /set/{n} GET writes (the blog's API), and HEAD must stay safe.
    return "GET, POST, PUT, OPTIONS";
  case post_only:
    return "POST, OPTIONS";
  case get_post:
    return "GET, HEAD, POST, OPTIONS";
  }
  return "";
}

bool allows(method_set methods, const std::string& method) {
  if (method == "OPTIONS")
    return true;
  if (method == "GET")
    return methods != post_only;
  if (method == "HEAD")
    return methods == get_only || methods == get_put || methods == get_post;
  if (method == "PUT")
    return methods == get_put || methods == get_post_put;
  if (method == "POST")
    return methods == get_post_put || methods == post_only || methods == get_post;
  return false;
}

/// The known paths.
enum class route_kind {
  get,
  set,
  value,
  members,
  health,
  /// `/v1/members/{name}/leave`.
  member_leave,
  /// `/v1/keyring`.
  keyring,
  /// `/v1/value/add` (linearizable mode).
  value_add,
  metrics,
  /// `/ui` and `/ui/{file}`: the cluster page.
  ui,
};

constexpr std::string_view members_prefix = "/v1/members/";
constexpr std::string_view leave_suffix = "/leave";
constexpr std::string_view ui_prefix = "/ui/";

http_response error(int status, const std::string& message) {
  return {status, json_type, error_body(message), {}};
}

/// A plain-text reply ends with a newline (the blog's did not), so the shell prompt
/// does not stick to the value curl prints.
http_response text(const std::string& body) {
  return {200, text_type, body + "\n", {}};
}

http_response json(const nlohmann::json& body) {
  return {200, json_type, json_body(body), {}};
}

http_response not_ready() {
  auto res = error(503, "node is starting; no value published yet");
  res.headers.emplace_back("Retry-After", "1");
  return res;
}

/// Adds `ETag` and `X-Onevalue-Index` for `v` to `res`.
void add_version_headers(http_response& res, const versioned_value& v) {
  res.headers.emplace_back("ETag", format_etag(v.ver));
  res.headers.emplace_back("X-Onevalue-Index", std::to_string(v.ver.counter));
}

/// Turns a failed write into its response; `ok` outcomes are handled by callers.
http_response write_failure(const write_outcome& out) {
  switch (out.outcome) {
  case write_outcome::kind::not_synchronized: {
    auto res = error(503, "node has not synchronized with the cluster yet; write not "
                          "applied, retry later");
    res.headers.emplace_back("Retry-After", "1");
    return res;
  }
  case write_outcome::kind::precondition_failed: {
    auto res = json(nlohmann::json(out.value));
    res.status = 412;
    add_version_headers(res, out.value);
    return res;
  }
  case write_outcome::kind::timeout: {
    auto res = error(503, "write timed out: " + out.message);
    res.headers.emplace_back("Retry-After", "1");
    return res;
  }
  case write_outcome::kind::persistence_failed:
    return error(500, "write not durable, not applied: " + out.message);
  case write_outcome::kind::overflow: {
    auto body = nlohmann::json(out.value);
    body["error"] = "the sum does not fit in int64; nothing was written";
    http_response res{409, json_type, json_body(body), {}};
    add_version_headers(res, out.value);
    return res;
  }
  case write_outcome::kind::unavailable: {
    auto res = error(503, "no quorum: a majority of the voters did not answer; the "
                          "operation did not take effect, retry later ("
                              + out.message + ")");
    res.headers.emplace_back("Retry-After", "1");
    return res;
  }
  case write_outcome::kind::unknown: {
    nlohmann::json body;
    body["error"] = "timed out after the proposal left this node: the operation may "
                    "still take effect (read the value to find out) ("
                    + out.message + ")";
    body["outcome"] = "unknown";
    return {504, json_type, json_body(body), {}};
  }
  case write_outcome::kind::failed:
  case write_outcome::kind::ok:
    break;
  }
  return error(500, "write failed: " + out.message);
}

/// Which known path `path` is, and the methods it accepts; nothing for unknown paths.
std::optional<std::pair<route_kind, method_set>> match_path(std::string_view path) {
  if (path == "/get")
    return std::pair{route_kind::get, get_only};
  if (path == "/v1/members")
    return std::pair{route_kind::members, get_only};
  if (path == "/health")
    return std::pair{route_kind::health, get_only};
  if (path == "/v1/keyring")
    return std::pair{route_kind::keyring, get_post};
  if (path == "/v1/value")
    return std::pair{route_kind::value, get_put};
  if (path == "/v1/value/add")
    return std::pair{route_kind::value_add, post_only};
  if (path == "/metrics")
    return std::pair{route_kind::metrics, get_only};
  if (path == "/ui" || path.substr(0, ui_prefix.size()) == ui_prefix)
    return std::pair{route_kind::ui, get_only};
  if (path.substr(0, 5) == "/set/")
    return std::pair{route_kind::set, get_post_put};
  if (path.size() >= members_prefix.size() + leave_suffix.size()
      && path.substr(0, members_prefix.size()) == members_prefix
      && path.substr(path.size() - leave_suffix.size()) == leave_suffix)
    return std::pair{route_kind::member_leave, post_only};
  return std::nullopt;
}

/// Writes `n`, conditionally if the request has `If-Match`, and hands the written value
/// to `written`. Answers failures itself: 400 for a malformed `If-Match` (then nothing
/// is written), and the write's own failure (`write_failure`).
template <class OnWritten>
void write_with_precondition(const http_request& req, int64_t n, gateway_backend& backend,
                             const responder& respond, OnWritten written) {
  write_callback done = [respond,
                         written = std::move(written)](const write_outcome& out) {
    if (out.outcome != write_outcome::kind::ok)
      respond(write_failure(out));
    else
      written(out.value);
  };
  auto header = req.headers.find("if-match");
  if (header == req.headers.end()) {
    backend.write(n, std::move(done));
    return;
  }
  auto condition = parse_if_match(header->second);
  if (!condition.ok) {
    respond(error(400, condition.error));
    return;
  }
  if (!condition.expected)
    backend.write(n, std::move(done));
  else
    backend.write_if(n, *condition.expected, std::move(done));
}

void handle_set(const http_request& req, std::string_view segment,
                gateway_backend& backend, const responder& respond) {
  auto parsed = parse_int64_strict(segment);
  if (!parsed.ok) {
    respond(error(400, "/set/{n}: " + parsed.error));
    return;
  }
  write_with_precondition(
      req, parsed.value, backend, respond,
      [respond](const versioned_value& v) { respond(text(std::to_string(v.value))); });
}

void handle_put_value(const http_request& req, gateway_backend& backend,
                      const responder& respond) {
  auto parsed = parse_value_body(req.body, req.content_type);
  if (!parsed.ok) {
    respond(error(400, parsed.error));
    return;
  }
  write_with_precondition(req, parsed.value, backend, respond,
                          [respond](const versioned_value& v) {
                            auto res = json(nlohmann::json(v));
                            add_version_headers(res, v);
                            respond(std::move(res));
                          });
}

/// `POST /v1/members/{name}/leave`: forces a failed member out (membership_core::
/// force_leave). 200 with the member's entry, 404 for an unknown name, 409 for a live
/// member or this node itself.
void handle_member_leave(std::string_view name, gateway_backend& backend,
                         const responder& respond) {
  if (name.empty()) {
    respond(error(400, "/v1/members/{name}/leave: the member name is empty"));
    return;
  }
  backend.force_leave(std::string{name}, [respond, name = std::string{name}](
                                             const leave_outcome& out) {
    using kind = leave_outcome::kind;
    switch (out.outcome) {
    case kind::ok:
      respond(json(nlohmann::json(out.member)));
      return;
    case kind::unknown_member:
      respond(error(404, "no member named " + name
                             + " (never known here, or forgotten after reap-after)"));
      return;
    case kind::not_failed:
      respond(error(409, name + " is " + to_string(out.member.state)
                             + ": only a failed member can be forced to leave (a live "
                               "one would refute it at once); a running node leaves "
                               "when it is stopped"));
      return;
    case kind::self:
      respond(error(409, name + " is this node: it leaves when it is stopped (SIGTERM)"));
      return;
    case kind::timeout: {
      auto res = error(503, "forced leave timed out: " + out.message);
      res.headers.emplace_back("Retry-After", "1");
      respond(std::move(res));
      return;
    }
    case kind::failed:
      break;
    }
    respond(error(500, "forced leave failed: " + out.message));
  });
}

/// `GET|HEAD /v1/keyring` lists the cluster's keys; `POST` changes them everywhere.
void handle_keyring(const http_request& request, gateway_backend& backend,
                    const responder& respond) {
  keyring_command command;
  if (request.method == "POST") {
    auto body = parse_keyring_body(request.body);
    if (!body.command) {
      respond(error(400, "/v1/keyring: " + body.error));
      return;
    }
    command = std::move(*body.command);
  }
  backend.keyring(command, [respond](const keyring_result& result) {
    respond(keyring_response(result));
  });
}

/// `GET /health`: 200 only when the node can take writes, else 503 with the status and
/// the reason (`assess_health`); with `?live` 200 whenever it answers at all.
http_response handle_health(const std::map<std::string, std::string>& params,
                            const node_view& view, bool encrypted) {
  auto probe = params.count("live") > 0 ? health_probe::live : health_probe::ready;
  auto report = assess_health(view);
  auto body = health_to_json(view, report);
  body["encrypted"] = encrypted;
  auto res = json(body);
  res.status = health_http_status(probe, report.status);
  return res;
}

const char* flag(bool b) {
  return b ? "true" : "false";
}

http_response value_response(const node_view& view) {
  auto body = nlohmann::json(view.value);
  body["synchronized"] = view.synchronized;
  auto res = json(body);
  add_version_headers(res, view.value);
  res.headers.emplace_back("X-Onevalue-Synchronized", flag(view.synchronized));
  res.headers.emplace_back(
      "X-Onevalue-Applied-At",
      std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(
                         view.applied_at.time_since_epoch())
                         .count()));
  return res;
}

/// The member table with, for each member, since when it has been in its state by this
/// node's wall clock (`state_since_ms`, Unix milliseconds) and how long that is
/// (`state_age_ms`, which a client can use without comparing clocks).
nlohmann::json members_with_state_since(const node_view& view,
                                        std::chrono::system_clock::time_point now) {
  auto out = members_to_json(view.members);
  for (auto& m : out) {
    auto since = view.state_since.find(m["name"].get<std::string>());
    if (since == view.state_since.end())
      continue;
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    m["state_since_ms"] =
        duration_cast<milliseconds>(since->second.time_since_epoch()).count();
    m["state_age_ms"] =
        std::max<int64_t>(0, duration_cast<milliseconds>(now - since->second).count());
  }
  return out;
}

http_response handle_read(route_kind kind,
                          const std::map<std::string, std::string>& params,
                          const node_view& view, bool encrypted) {
  switch (kind) {
  case route_kind::get: {
    auto res = text(std::to_string(view.value.value));
    res.headers.emplace_back("X-Onevalue-Synchronized", flag(view.synchronized));
    return res;
  }
  case route_kind::members:
    return json(members_with_state_since(view, std::chrono::system_clock::now()));
  case route_kind::health:
    return handle_health(params, view, encrypted);
  case route_kind::keyring: // answered by handle_keyring
  case route_kind::value:
  case route_kind::value_add:    // answered by handle_add
  case route_kind::metrics:      // answered by handle_metrics
  case route_kind::ui:           // answered by handle_ui
  case route_kind::set:          // answered by handle_set
  case route_kind::member_leave: // answered by handle_member_leave
    break;
  }
  return value_response(view);
}

/// `GET /v1/value?index=N&wait=D`: waits for a counter above N, then answers as a
/// plain read; 429 when too many reads already wait.
void handle_blocking_read(const blocking_query& query, gateway_backend& backend,
                          const responder& respond) {
  backend.watch(query.index, query.wait, [respond](const watch_result& result) {
    if (result.status == watch_status::too_many_watchers) {
      auto res = error(429, "too many blocking reads on this node (limit reached); retry "
                            "later or read without index");
      res.headers.emplace_back("Retry-After", "1");
      respond(std::move(res));
      return;
    }
    if (!result.view)
      respond(not_ready());
    else
      respond(value_response(*result.view));
  });
}

http_response needs_linearizable(const std::string& what) {
  return error(409, what
                        + " needs the linearizable mode (consistency = "
                          "\"linearizable\" with voters on every node); this cluster "
                          "runs in eventual mode");
}

/// The response to a successful consensus operation (add, consistent read).
http_response committed_response(const versioned_value& v, const char* read_kind) {
  auto res = json(nlohmann::json(v));
  add_version_headers(res, v);
  if (read_kind != nullptr)
    res.headers.emplace_back("X-Onevalue-Read", read_kind);
  return res;
}

/// `POST /v1/value/add` with `{"delta": n}` (linearizable mode).
void handle_add(const http_request& req, gateway_backend& backend,
                const responder& respond) {
  auto parsed = parse_delta_body(req.body);
  if (!parsed.ok) {
    respond(error(400, parsed.error));
    return;
  }
  backend.add(parsed.value, [respond](const write_outcome& out) {
    if (out.outcome != write_outcome::kind::ok)
      respond(write_failure(out));
    else
      respond(committed_response(out.value, nullptr));
  });
}

/// `GET /v1/value?consistent` (linearizable mode).
void handle_consistent_read(gateway_backend& backend, const responder& respond) {
  backend.read_consistent([respond](const write_outcome& out) {
    if (out.outcome != write_outcome::kind::ok)
      respond(write_failure(out));
    else
      respond(committed_response(out.value, "consistent"));
  });
}

/// `GET /metrics`: the backend's scrape as Prometheus text, 404 if it has none.
void handle_metrics(gateway_backend& backend, const responder& respond) {
  backend.scrape([respond](std::optional<std::string> text) {
    if (!text)
      respond(error(404, "this node keeps no metrics"));
    else
      respond(http_response{200, metrics_content_type, std::move(*text), {}});
  });
}

/// `GET /ui` (the page) and `GET /ui/{file}` (its script and style), from the files
/// embedded at build time; 404 for any other file.
http_response handle_ui(std::string_view path) {
  auto name = path == "/ui" || path == ui_prefix ? std::string_view{"index.html"}
                                                 : path.substr(ui_prefix.size());
  auto asset = find_ui_asset(name);
  if (!asset)
    return error(404, "no such file of the cluster page: " + std::string{name});
  http_response res{200, asset->content_type, std::string{asset->body}, {}};
  // The page is built into the binary: it changes only with the node's version.
  res.headers.emplace_back("Cache-Control", "no-cache");
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return res;
}

/// Everything `route` does but calling `respond` for the requests answered at once.
std::optional<http_response> route_now(const http_request& request,
                                       gateway_backend& backend,
                                       const router_limits& limits,
                                       const responder& respond) {
  std::string_view path = request.path;
  auto params = request.query;
  if (auto query = path.find('?'); query != std::string_view::npos) {
    for (auto& [key, value] : parse_query_string(path.substr(query + 1)))
      params.emplace(key, value);
    path = path.substr(0, query);
  }
  if (request.body.size() > limits.max_body_bytes)
    return error(413, "request body of " + std::to_string(request.body.size())
                          + " bytes exceeds the limit of "
                          + std::to_string(limits.max_body_bytes) + " bytes");
  auto match = match_path(path);
  if (!match)
    return error(404, "no such path: " + std::string{path});
  auto [kind, methods] = *match;
  if (!allows(methods, request.method)) {
    auto res =
        error(405, "method " + request.method + " not allowed on " + std::string{path}
                       + "; allowed: " + allow_header(methods));
    res.headers.emplace_back("Allow", allow_header(methods));
    return res;
  }
  if (request.method == "OPTIONS") {
    http_response res{204, "", "", {}};
    res.headers.emplace_back("Allow", allow_header(methods));
    return res;
  }
  if (kind == route_kind::set) {
    handle_set(request, path.substr(5), backend, respond);
    return std::nullopt;
  }
  if (kind == route_kind::member_leave) {
    auto name = path.substr(members_prefix.size(),
                            path.size() - members_prefix.size() - leave_suffix.size());
    handle_member_leave(name, backend, respond);
    return std::nullopt;
  }
  if (kind == route_kind::keyring) {
    handle_keyring(request, backend, respond);
    return std::nullopt;
  }
  if (kind == route_kind::value_add) {
    if (!backend.linearizable())
      return needs_linearizable("POST /v1/value/add");
    handle_add(request, backend, respond);
    return std::nullopt;
  }
  if (request.method == "PUT") {
    handle_put_value(request, backend, respond);
    return std::nullopt;
  }
  if (kind == route_kind::value && params.count("consistent") > 0) {
    if (!backend.linearizable())
      return needs_linearizable("GET /v1/value?consistent");
    if (params.count("index") > 0)
      return error(400, "?consistent and ?index cannot be combined: a consistent read "
                        "answers at once with the committed value");
    if (request.method == "HEAD")
      return error(405, "HEAD /v1/value?consistent is not served: a consistent read "
                        "goes through consensus; use GET");
    handle_consistent_read(backend, respond);
    return std::nullopt;
  }
  if (kind == route_kind::metrics) {
    handle_metrics(backend, respond);
    return std::nullopt;
  }
  if (kind == route_kind::ui)
    return handle_ui(path);
  if (kind == route_kind::value) {
    auto query = parse_blocking_query(params);
    if (!query.ok)
      return error(400, query.error);
    if (query.blocking) {
      handle_blocking_read(query, backend, respond);
      return std::nullopt;
    }
  }
  auto view = backend.view();
  if (!view)
    return not_ready();
  auto res = handle_read(kind, params, *view, backend.encrypted());
  if (kind == route_kind::value && backend.linearizable())
    res.headers.emplace_back("X-Onevalue-Read", "local");
  return res;
}

} // namespace

namespace {

/// True for a GET or HEAD of the cluster page's own files: they hold no data, and a
/// browser must load the page before it can send a token (the page then sends one with
/// every API request it makes).
bool is_public_page_file(const http_request& request) {
  if (request.method != "GET" && request.method != "HEAD")
    return false;
  auto kind = classify_route(request.path);
  return kind == http_route::ui || kind == http_route::ui_asset;
}

} // namespace

void route(const http_request& request, gateway_backend& backend,
           const router_limits& limits, responder respond) {
  if (!is_public_page_file(request) && !admit(limits.access.get(), request, respond))
    return;
  if (auto res = route_now(request, backend, limits, respond))
    respond(std::move(*res));
}

http_route classify_route(std::string_view path) {
  if (auto query = path.find('?'); query != std::string_view::npos)
    path = path.substr(0, query);
  auto match = match_path(path);
  if (!match)
    return http_route::unknown;
  switch (match->first) {
  case route_kind::get:
    return http_route::get;
  case route_kind::set:
    return http_route::set;
  case route_kind::value:
    return http_route::value;
  case route_kind::value_add:
    return http_route::value_add;
  case route_kind::members:
    return http_route::members;
  case route_kind::health:
    return http_route::health;
  case route_kind::member_leave:
    return http_route::member_leave;
  case route_kind::keyring:
    return http_route::keyring;
  case route_kind::metrics:
    return http_route::metrics;
  case route_kind::ui:
    return path == "/ui" ? http_route::ui : http_route::ui_asset;
  }
  return http_route::unknown;
}

request_handler api_handler(gateway_backend& backend, router_limits limits) {
  return [&backend, limits](const http_request& request, responder respond) {
    route(request, backend, limits, std::move(respond));
  };
}

} // namespace onevalue
