// Fuzzes the parser of `event-handlers` entries (config text from outside) and checks
// its promises: a refusal says why; an accepted spec has a non-empty trimmed command
// without NUL, CR or LF, subscribes to at least one known event, and its written form
// parses back to the same spec.

#include "actors/core/event_handler_spec.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto parsed = onevalue::parse_event_handler_spec(text);
  if (!parsed.spec) {
    check(!parsed.error.empty());
    return 0;
  }
  const auto& spec = *parsed.spec;
  check(parsed.error.empty());
  check(!spec.command.empty() && spec.command.size() <= text.size());
  check(spec.command.find_first_of(std::string_view{"\0\r\n", 3}) == std::string::npos);
  check(spec.command.front() != ' ' && spec.command.back() != ' ');
  check(spec.events != 0 && (spec.events & ~onevalue::all_events) == 0);
  auto again =
      onevalue::parse_event_handler_spec(onevalue::format_event_handler_spec(spec));
  check(again.spec && *again.spec == spec);
  return 0;
}
