#pragma once

// The one duration syntax of onevalue: options (config file, command line,
// environment), the API's `?wait=` and the client's flags. No CAF, no I/O.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace onevalue {

/// How durations are written, for help texts and error messages.
inline constexpr const char* duration_syntax =
    "a number with a unit: ms, s, m or min, h (also us, ns), e.g. 250ms, 10m, 1m30s";

/// Parses one or more `<digits><unit>` with unit ns, us, ms, s, m, min or h, as in
/// `250ms`, `10m` or `1m30s`. Returns nullopt for anything else: no unit, a sign,
/// a fraction, blanks, or a total above about 100 years.
std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text);

/// Renders `value` in the largest unit that holds it exactly: "250ms", "2s", "10m",
/// "1h". With `caf_units`, minutes are "min", the spelling CAF's own parser needs.
std::string format_duration(std::chrono::nanoseconds value, bool caf_units = false);

} // namespace onevalue
