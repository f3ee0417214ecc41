#include "actors/core/keyring_startup.hpp"

#include "actors/core/key_encoding.hpp"
#include "actors/core/keyring_file.hpp"

namespace onevalue {

namespace {

/// Parses `gossip-keys`; on failure sets `error` naming the entry by position.
std::optional<keyring> keys_from_option(const std::vector<std::string>& option_keys,
                                        std::string& error) {
  std::vector<secret_key> keys;
  for (std::size_t i = 0; i < option_keys.size(); ++i) {
    std::string why;
    auto key = parse_key(option_keys[i], why);
    if (!key) {
      error = "gossip-keys: entry " + std::to_string(i + 1) + ": " + why;
      return std::nullopt;
    }
    keys.push_back(*key);
  }
  std::string why;
  auto result = keyring::create(std::move(keys), why);
  if (!result)
    error = "gossip-keys: " + why;
  return result;
}

} // namespace

startup_keyring choose_startup_keyring(const std::vector<std::string>& option_keys,
                                       const std::string& file_path, file_layer& files) {
  startup_keyring result;
  std::optional<keyring> from_option;
  if (!option_keys.empty()) {
    std::string error;
    from_option = keys_from_option(option_keys, error);
    if (!from_option) {
      result.error = error;
      return result;
    }
  }
  if (!file_path.empty()) {
    auto loaded = load_keyring_file(files, file_path);
    result.warnings = std::move(loaded.warnings);
    if (loaded.error) {
      result.error = loaded.error->message + "; fix the file or remove it to start over "
                     + "from gossip-keys";
      return result;
    }
    if (loaded.keys) {
      if (from_option && from_option->keys() != loaded.keys->keys())
        result.warnings.push_back(
            "gossip-keys differs from the keyring file " + file_path
            + " and is ignored: the file holds the keys as rotated "
            + "since; remove the file to start over from gossip-keys");
      result.keys = std::move(loaded.keys);
      result.source = keyring_source::file;
      return result;
    }
  }
  if (!from_option)
    return result;
  if (file_path.empty()) {
    result.warnings.push_back("no keyring file (no data dir): key rotations made while "
                              "running are lost at restart, which falls back to "
                              "gossip-keys");
  } else if (auto failed = save_keyring_file(files, file_path, *from_option)) {
    result.error = failed->message;
    return result;
  }
  result.keys = std::move(from_option);
  result.source = keyring_source::option;
  return result;
}

} // namespace onevalue
