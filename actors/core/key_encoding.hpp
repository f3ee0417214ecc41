#pragma once

// How keys appear outside the process: as standard base64 (what `openssl rand -base64
// 32` prints) in options, keyring files and the keyring API, and as a fingerprint
// wherever a key must be named without being revealed (logs, /v1/keyring, errors).

#include "actors/core/aes_gcm.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace onevalue {

/// Number of SHA-256 bytes a fingerprint shows (as twice as many hex digits).
constexpr std::size_t fingerprint_bytes = 8;

/// Parses a key written in standard, padded base64 (RFC 4648 section 4), ignoring
/// spaces, tabs and line breaks around it (as `$(cat key)` or a pasted line carries).
///
/// On failure returns nullopt and sets `error` to a sentence that says what is wrong
/// (not base64, URL-safe alphabet, bad padding, not canonical, wrong length) without
/// ever quoting the key.
std::optional<secret_key> parse_key(std::string_view base64, std::string& error);

/// The key in standard padded base64: `parse_key(format_key(k)) == k`.
std::string format_key(const secret_key& key);

/// A short name for a key: the first `fingerprint_bytes` bytes of SHA-256 of the raw
/// key, in lower-case hex. Shown to operators in place of the key; computing the key
/// back from it is as hard as breaking SHA-256. The same as
/// `base64 -d <<<KEY | sha256sum | cut -c1-16`.
std::string key_fingerprint(const secret_key& key);

} // namespace onevalue
