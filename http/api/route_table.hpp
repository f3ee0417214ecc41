#pragma once

// The API's route table: which known path a request names and which methods it
// accepts. Pure; shared by the router and by the route labels of the metrics
// (classify_route in router.hpp).

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace onevalue {

/// The methods a known path accepts.
enum method_set : unsigned {
  get_only = 1,
  get_put = 2,
  get_post_put = 3,
  post_only = 4,
  get_post = 5,
};

/// The `Allow` header's value for `methods`.
std::string allow_header(method_set methods);

/// Whether `method` may be used on a path that accepts `methods` (OPTIONS always may).
bool allows(method_set methods, const std::string& method);

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

/// Which known path `path` (without its query) is, and the methods it accepts; nothing
/// for an unknown path.
std::optional<std::pair<route_kind, method_set>> match_path(std::string_view path);

} // namespace onevalue
