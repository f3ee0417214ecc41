#pragma once

// Parsing of the body of `POST /v1/value/add` (linearizable mode): the amount to add.

#include "http/api/request_parsing.hpp"

#include <string_view>

namespace onevalue {

/// Parses `{"delta": <integer>}` (JSON, nothing else in the object) or a plain
/// decimal integer with optional surrounding whitespace. Fails, saying why, on
/// malformed JSON, other fields, a missing "delta", a non-integer or a number outside
/// int64.
parse_result parse_delta_body(std::string_view body);

} // namespace onevalue
