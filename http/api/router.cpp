#include "http/api/router.hpp"

#include "http/api/api_responses.hpp"
#include "http/api/consensus_routes.hpp"
#include "http/api/health.hpp"
#include "http/api/json_codec.hpp"
#include "http/api/page_routes.hpp"
#include "http/api/query_parsing.hpp"
#include "http/api/request_parsing.hpp"
#include "http/api/route_table.hpp"
#include "http/server/url_decoding.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

namespace onevalue {

namespace {

using reply::add_version_headers;
using reply::error;
using reply::flag;
using reply::json;
using reply::not_ready;
using reply::text;
using reply::value_response;
using reply::write_failure;

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

void route(const http_request& request, gateway_backend& backend,
           const router_limits& limits, responder respond) {
  if (!is_public_page_file(request) && !admit(limits.access.get(), request, respond))
    return;
  if (auto res = route_now(request, backend, limits, respond))
    respond(std::move(*res));
}

request_handler api_handler(gateway_backend& backend, router_limits limits) {
  return [&backend, limits](const http_request& request, responder respond) {
    route(request, backend, limits, std::move(respond));
  };
}

} // namespace onevalue
