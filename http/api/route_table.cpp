#include "http/api/route_table.hpp"

#include "http/api/router.hpp"

namespace onevalue {

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

} // namespace onevalue
