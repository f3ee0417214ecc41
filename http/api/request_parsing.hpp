#pragma once

// Pure parsing of the values clients send: the `/set/{n}` path segment and the body
// of `PUT /v1/value`. No I/O, no CAF; every rejection carries a reason for the client.

#include <cstdint>
#include <string>
#include <string_view>

namespace onevalue {

/// Either a parsed int64 or the reason it could not be parsed.
struct parse_result {
  bool ok = false;
  int64_t value = 0;
  /// Why parsing failed, phrased for the client ("" when `ok`).
  std::string error;

  static parse_result success(int64_t value) { return {true, value, {}}; }
  static parse_result failure(std::string error) { return {false, 0, std::move(error)}; }
};

/// Parses `text` as a decimal int64: an optional '-' followed by digits, nothing else.
///
/// Rejects empty text, '+', whitespace, fractions, exponents, hex and anything
/// outside [-9223372036854775808, 9223372036854775807], saying which.
parse_result parse_int64_strict(std::string_view text);

/// Parses the body of `PUT /v1/value`.
///
/// JSON when `content_type` mentions json or the body starts with a JSON delimiter
/// (`{`, `[`, `"`): `{"value": <integer>}` or a bare JSON integer (`13`); otherwise a
/// plain decimal integer with optional surrounding whitespace (curl's trailing
/// newline). Fails on malformed JSON, a JSON array, string, boolean or null, an object
/// without "value" or with any other field (the error names them: a typo such as
/// `{"value": 1, "vlaue": 2}` must not pass unnoticed), a non-integer value (fraction,
/// exponent, string, bool, null) and numbers outside int64.
parse_result parse_value_body(std::string_view body, std::string_view content_type);

} // namespace onevalue
