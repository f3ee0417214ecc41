#pragma once

// Pure parsing of the HTTP API's conditional and blocking-read parameters: ETags
// (`"<counter>-<node>"`) and the `index` and `wait` query parameters of a blocking read
// (the query string itself is split by http/server/url_decoding.hpp). No I/O, no CAF;
// every rejection carries a reason for the client.

#include "actors/core/version.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace onevalue {

/// Longest a blocking read waits, whatever `wait` asks for (as Consul caps it).
constexpr std::chrono::milliseconds max_blocking_wait{std::chrono::minutes{5}};

/// The wait of a blocking read that gives `index` without `wait`.
constexpr std::chrono::milliseconds default_blocking_wait{std::chrono::minutes{5}};

/// The entity tag of a version, quoted: `"7-n2"` (counter, '-', writer's node name;
/// the initial value is `"0-"`).
std::string format_etag(const version& v);

/// An `If-Match` header: `*` (any version) or one entity tag.
struct if_match {
  /// False if the header was malformed (see `error`).
  bool ok = false;
  /// The version required; empty for `*`.
  std::optional<version> expected;
  std::string error;
};

/// Parses an `If-Match` value: `*`, or one quoted tag as `format_etag` makes it
/// (a `W/` weak prefix is refused: the check is strong). Fails on lists, missing
/// quotes, a counter that is not a decimal uint64 or a missing '-'.
if_match parse_if_match(std::string_view text);

/// The `index` and `wait` parameters of a blocking read (`GET /v1/value?index=N&wait=D`).
struct blocking_query {
  /// False if a parameter was malformed (see `error`).
  bool ok = false;
  /// True if `index` was given: the read blocks until the counter exceeds it.
  bool blocking = false;
  uint64_t index = 0;
  /// How long to wait at most, already capped at `max_blocking_wait`.
  std::chrono::milliseconds wait{0};
  std::string error;
};

/// Parses a Consul-style duration in the one syntax of `parse_duration`
/// (actors/core/duration_text.hpp: `500ms`, `10s`, `1m30s`), truncated to whole
/// milliseconds. Returns nullopt for anything else (no unit, negative, fractions,
/// overflow).
std::optional<std::chrono::milliseconds> parse_wait(std::string_view text);

/// Reads `index` and `wait` from decoded query parameters. Without `index` the read
/// does not block (`wait` alone is ignored, as in Consul). Fails on an `index` that
/// is not a decimal uint64 or a `wait` that `parse_wait` refuses.
blocking_query parse_blocking_query(const std::map<std::string, std::string>& params);

} // namespace onevalue
