#pragma once

// The character classes and line splitting of HTTP/1.1's grammar (RFC 9110, 9112) that
// the request parser and the chunked-body decoder share. Pure, byte-oriented.

#include <string>
#include <string_view>
#include <utility>

namespace onevalue {

/// A parse result of type `Result` (http_parse_result, chunked_result) that refuses its
/// input: outcome `bad`, to be answered with `code` and `message`.
template <class Result>
Result refusal(int code, std::string message) {
  Result out;
  out.outcome = Result::status::bad;
  out.error_status = code;
  out.error_message = std::move(message);
  return out;
}

/// A tchar: the characters of method names, header names and chunk extensions.
bool is_token_char(char c);

/// One or more tchars.
bool is_token(std::string_view text);

/// Whether `text` is a valid field value (after trimming): visible ASCII, obs-text
/// (bytes >= 0x80), spaces and tabs; no NUL, CR, LF, DEL or other control character.
bool is_field_value(std::string_view text);

/// Whether `text` is a request target's bytes: visible ASCII only (0x21-0x7e); raw
/// spaces, control characters and non-ASCII bytes must be percent-encoded.
bool is_target_text(std::string_view text);

/// Whether `text` can be a Host value: a registered name, IPv4 or bracketed IP
/// literal, with an optional port (the characters of RFC 3986's uri-host and port);
/// empty is allowed (RFC 9112 §3.2).
bool is_host_value(std::string_view text);

/// How `next_crlf_line` ended.
enum class line_status {
  /// `line` holds the next line; `rest` starts after its CRLF.
  complete,
  /// No line end yet; nothing was taken.
  incomplete,
  /// A LF without the CR before it.
  bare_lf,
  /// A CR followed by something other than LF.
  bare_cr,
};

/// Splits the next CRLF-terminated line (without its CRLF) off `rest`. A CR that ends
/// `rest` may still be followed by its LF, so it is `incomplete`.
line_status next_crlf_line(std::string_view& rest, std::string_view& line);

/// What a line-ending error is called in an error message.
const char* describe(line_status bad_line);

} // namespace onevalue
