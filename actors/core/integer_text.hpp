#pragma once

// The one integer parser for text from outside (files, URLs, headers, arguments):
// all of the text, decimal (or another base), nothing before or after.

#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>

namespace onevalue {

/// Parses all of `text` as an integer of type T in `base`: digits only, with one
/// leading '-' for signed types. Returns nullopt for empty text, any other character
/// (no '+', no blanks, no "0x"), or a number outside T's range.
template <class T>
std::optional<T> parse_integer(std::string_view text, int base = 10) {
  if (text.empty())
    return std::nullopt;
  T out{};
  const char* last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), last, out, base);
  if (ec != std::errc{} || ptr != last)
    return std::nullopt;
  return out;
}

/// As `parse_integer`, into `out` (left unchanged on failure); true if it parsed.
template <class T>
bool parse_integer_into(std::string_view text, T& out, int base = 10) {
  auto parsed = parse_integer<T>(text, base);
  if (parsed)
    out = *parsed;
  return parsed.has_value();
}

} // namespace onevalue
