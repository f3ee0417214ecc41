#include "actors/core/duration_text.hpp"

#include <array>
#include <cstdint>
#include <utility>

namespace onevalue {

namespace {

using ns = std::chrono::nanoseconds;

/// Units, longest spelling first so that "min" and "ms" win over "m".
constexpr std::array<std::pair<std::string_view, int64_t>, 7> units{{
    {"min", int64_t{60'000'000'000}},
    {"ms", int64_t{1'000'000}},
    {"us", int64_t{1'000}},
    {"ns", int64_t{1}},
    {"h", int64_t{3'600'000'000'000}},
    {"m", int64_t{60'000'000'000}},
    {"s", int64_t{1'000'000'000}},
}};

/// About 100 years: far above any sensible interval, and no overflow on the way.
constexpr int64_t limit = int64_t{3'600'000'000'000} * 24 * 366 * 100;

} // namespace

std::optional<ns> parse_duration(std::string_view text) {
  if (text.empty())
    return std::nullopt;
  int64_t total = 0;
  while (!text.empty()) {
    int64_t number = 0;
    std::size_t digits = 0;
    for (; digits < text.size() && text[digits] >= '0' && text[digits] <= '9'; ++digits) {
      int64_t digit = text[digits] - '0';
      if (number > (limit - digit) / 10) // checked before it could overflow
        return std::nullopt;
      number = number * 10 + digit;
    }
    if (digits == 0)
      return std::nullopt;
    text.remove_prefix(digits);
    int64_t unit = 0;
    for (const auto& [name, size] : units)
      if (text.substr(0, name.size()) == name) {
        unit = size;
        text.remove_prefix(name.size());
        break;
      }
    if (unit == 0 || number > (limit - total) / unit)
      return std::nullopt;
    total += number * unit;
  }
  return ns{total};
}

std::string format_duration(ns value, bool caf_units) {
  // Largest first; "m" stands for minutes here, "min" in CAF's spelling.
  constexpr std::array<std::pair<std::string_view, int64_t>, 5> largest_first{{
      {"h", int64_t{3'600'000'000'000}},
      {"m", int64_t{60'000'000'000}},
      {"s", int64_t{1'000'000'000}},
      {"ms", int64_t{1'000'000}},
      {"us", int64_t{1'000}},
  }};
  auto count = value.count();
  for (const auto& [name, size] : largest_first)
    if (count != 0 && count % size == 0) {
      auto unit = caf_units && name == "m" ? std::string_view{"min"} : name;
      return std::to_string(count / size) + std::string{unit};
    }
  return std::to_string(count) + (count == 0 ? "s" : "ns");
}

} // namespace onevalue
