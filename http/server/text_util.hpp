#pragma once

// Small text helpers shared by the HTTP parsers. Pure, ASCII only.

#include <string>
#include <string_view>

namespace onevalue {

/// The value of one hexadecimal digit (either case), or -1 for any other character.
int hex_digit(char c);

/// `text` without leading and trailing spaces and tabs (HTTP's optional whitespace).
std::string_view trim_blanks(std::string_view text);

/// `text` with ASCII letters in lower case.
std::string to_lower(std::string_view text);

} // namespace onevalue
