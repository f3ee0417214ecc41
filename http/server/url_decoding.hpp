#pragma once

// Percent-decoding of request targets: the path and the query string. Pure, one
// decoder for both (they differ only in what they refuse and in '+').

#include <map>
#include <string>
#include <string_view>

namespace onevalue {

/// Percent-decodes a path; false (and `out` unspecified) for a bad or truncated
/// escape, a decoded NUL byte or an encoded '?' (%3F, which a router would read as the
/// start of a query string).
bool percent_decode_path(std::string_view in, std::string& out);

/// Splits a raw query string (`a=1&b=%32`) into decoded parameters; '+' is a space,
/// a key without '=' gets "", a repeated key keeps its first value, and a malformed
/// escape stays as it was written (`c%2` is "c%2").
std::map<std::string, std::string> parse_query_string(std::string_view query);

} // namespace onevalue
