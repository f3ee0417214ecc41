// Fuzzes the keyring file decoder on arbitrary contents and checks its promises: a
// refusal names the file, an accepted file holds 1..16 keys and reads back byte for
// byte (the encoder writes exactly what was decoded, so no two files mean one keyring).

#include "actors/core/keyring_file.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view content{reinterpret_cast<const char*>(data), size};
  onevalue::persistence_error error;
  auto keys = onevalue::decode_keyring_file(content, "fuzz/keyring", error);
  if (!keys) {
    check(error.message.rfind("fuzz/keyring: ", 0) == 0);
    return 0;
  }
  check(!keys->keys().empty() && keys->keys().size() <= onevalue::max_keyring_keys);
  check(content.size() <= onevalue::max_keyring_file_bytes);
  check(onevalue::encode_keyring_file(*keys) == content);
  return 0;
}
