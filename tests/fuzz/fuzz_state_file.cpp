// Fuzzes the state parsers (what a node reads from its data dir at start: a state slot,
// or the state file of the layout before slots) and checks that whatever they accept is
// a state the node can run with and save again.

#include "actors/core/persistence.hpp"
#include "actors/core/state_slots.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

using namespace onevalue;

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

/// A slot's bytes: accepted only as the text format then zeros, and then the same state
/// as that text alone.
void check_slot(const std::string& content) {
  const std::string path = "/data/state.0";
  persistence_error error;
  auto state = decode_state_slot(content, path, error);
  if (!state) {
    check(error.message.compare(0, path.size() + 2, path + ": ") == 0);
    return;
  }
  auto text = encode_state(*state);
  check(text.has_value());
  auto bytes = state_slot_bytes(*text);
  check(bytes.size() == state_slot_size);
  persistence_error again_error;
  auto again = decode_state_slot(bytes, path, again_error);
  check(again.has_value() && *again == *state);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string content{reinterpret_cast<const char*>(data), size};
  check_slot(content);
  const std::string path = "/data/state";
  persistence_error error;
  auto state = decode_state(content, path, error);
  if (!state) {
    // An error names the file and says what is wrong.
    check(error.message.compare(0, path.size() + 2, path + ": ") == 0);
    check(error.message.size() > path.size() + 2);
    return 0;
  }
  check(valid_version(state->value.ver));
  check(state->clock >= state->value.ver.counter);
  check(state->incarnation < std::numeric_limits<uint64_t>::max());
  // What was read can be written and read back unchanged.
  auto text = encode_state(*state);
  check(text.has_value());
  persistence_error again_error;
  auto again = decode_state(*text, path, again_error);
  check(again.has_value() && *again == *state);
  return 0;
}
