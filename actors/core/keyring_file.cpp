#include "actors/core/keyring_file.hpp"

#include "actors/core/atomic_file.hpp"
#include "actors/core/integer_text.hpp"
#include "actors/core/key_encoding.hpp"

#include <cctype>
#include <cstdio>

#include <openssl/crypto.h>

namespace onevalue {

namespace {

constexpr std::string_view magic_line = "onevalue-keyring";
constexpr std::string_view format_prefix = "format=";
constexpr std::string_view key_prefix = "key=";
constexpr std::string_view checksum_prefix = "crc32=";

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

/// Splits `content` into lines; false if the last line lacks its newline.
bool split_lines(std::string_view content, std::vector<std::string_view>& lines) {
  while (!content.empty()) {
    auto nl = content.find('\n');
    if (nl == std::string_view::npos)
      return false;
    lines.push_back(content.substr(0, nl));
    content.remove_prefix(nl + 1);
  }
  return true;
}

std::string hex32(uint32_t x) {
  char buf[9];
  std::snprintf(buf, sizeof(buf), "%08x", x);
  return buf;
}

std::string parent_dir(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

/// Parses the key lines between the header and the checksum (already verified).
std::optional<keyring> parse_keys(const std::vector<std::string_view>& lines,
                                  std::string& error) {
  std::vector<secret_key> keys;
  for (std::size_t i = 2; i + 1 < lines.size(); ++i) {
    if (!starts_with(lines[i], key_prefix)) {
      error = "line " + std::to_string(i + 1) + " is not a key=... line";
      return std::nullopt;
    }
    auto text = lines[i].substr(key_prefix.size());
    // parse_key forgives whitespace around a pasted key; a file this build wrote has
    // none, so any is damage (and the file must read back byte for byte).
    if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))
        || std::isspace(static_cast<unsigned char>(text.back()))) {
      error = "line " + std::to_string(i + 1) + ": empty key or whitespace around it";
      return std::nullopt;
    }
    std::string why;
    auto key = parse_key(text, why);
    if (!key) {
      error = "line " + std::to_string(i + 1) + ": " + why;
      return std::nullopt;
    }
    keys.push_back(*key);
  }
  return keyring::create(std::move(keys), error);
}

} // namespace

std::string keyring_file_path(const std::string& data_dir) {
  return data_dir + "/keyring";
}

std::string encode_keyring_file(const keyring& keys) {
  std::string body{magic_line};
  body += "\n";
  body += format_prefix;
  body += std::to_string(keyring_file_format_version) + "\n";
  for (const auto& key : keys.keys()) {
    auto text = format_key(key);
    body += key_prefix;
    body += text + "\n";
    OPENSSL_cleanse(text.data(), text.size());
  }
  auto checksum = hex32(crc32(body.data(), body.size()));
  body += checksum_prefix;
  body += checksum + "\n";
  return body;
}

std::optional<keyring> decode_keyring_file(std::string_view content,
                                           const std::string& path,
                                           persistence_error& error) {
  auto fail = [&](const std::string& what) -> std::optional<keyring> {
    error.message = path + ": " + what;
    return std::nullopt;
  };
  if (content.empty())
    return fail("keyring file is empty (truncated?)");
  if (content.size() > max_keyring_file_bytes)
    return fail("keyring file is larger than " + std::to_string(max_keyring_file_bytes)
                + " bytes; not a keyring file");
  std::vector<std::string_view> lines;
  bool complete = split_lines(content, lines);
  if (lines.empty() || lines[0] != magic_line)
    return fail("not a onevalue keyring file (bad magic line)");
  uint32_t format = 0;
  if (lines.size() < 2 || !starts_with(lines[1], format_prefix)
      || !parse_integer_into(lines[1].substr(format_prefix.size()), format))
    return fail(complete ? "malformed format line" : "keyring file is truncated");
  if (lines[1].substr(format_prefix.size()) != std::to_string(format))
    return fail("malformed format line (not a plain decimal number)");
  if (format != keyring_file_format_version)
    return fail("unknown keyring format version " + std::to_string(format)
                + " (this build reads " + std::to_string(keyring_file_format_version)
                + ")");
  if (!complete || !starts_with(lines.back(), checksum_prefix))
    return fail("keyring file is truncated (no checksum line)");
  // Exactly as written (8 lower-case hex digits), so one keyring has one file.
  uint32_t stored = 0;
  auto checksum = lines.back().substr(checksum_prefix.size());
  if (!parse_integer_into(checksum, stored, 16) || checksum != hex32(stored))
    return fail("malformed checksum line (not 8 lower-case hex digits)");
  auto covered = content.size() - lines.back().size() - 1;
  if (stored != crc32(content.data(), covered))
    return fail("checksum mismatch: the keyring file is corrupt");
  std::string why;
  auto keys = parse_keys(lines, why);
  if (!keys)
    return fail(why);
  return keys;
}

std::optional<persistence_error>
save_keyring_file(file_layer& files, const std::string& path, const keyring& keys) {
  auto content = encode_keyring_file(keys);
  auto failure =
      replace_file(files, path, parent_dir(path), content, file_access::private_);
  OPENSSL_cleanse(content.data(), content.size());
  if (!failure)
    return std::nullopt;
  return persistence_error{"cannot save the keyring to " + path + ": " + failure->step
                           + " " + failure->file + ": " + failure->error.message()};
}

keyring_file_load load_keyring_file(file_layer& files, const std::string& path) {
  keyring_file_load result;
  std::string content;
  if (auto ec = files.read_all(path, content)) {
    if (ec != std::errc::no_such_file_or_directory)
      result.error =
          persistence_error{path + ": cannot read the keyring file: " + ec.message()};
    return result;
  }
  unsigned mode = 0;
  if (!files.permissions(path, mode) && (mode & 077u) != 0) {
    char octal[16];
    std::snprintf(octal, sizeof(octal), "%04o", mode);
    result.warnings.push_back(path + " holds secret keys but has mode " + octal
                              + ": group or other users may access it; run chmod 600 "
                              + path);
  }
  persistence_error error;
  result.keys = decode_keyring_file(content, path, error);
  OPENSSL_cleanse(content.data(), content.size());
  if (!result.keys)
    result.error = std::move(error);
  return result;
}

} // namespace onevalue
