// Fuzzes the config file's duration respelling (app/config/ini_durations) and the
// duration parser under it: any text, with [onevalue] keys starting with 'd' as
// onevalue durations and [middleman] keys starting with 'h' as CAF's. Checks that
// no line is added or lost, that respelling twice changes nothing more, that a file
// CAF accepted stays acceptable to CAF, and that a parsed duration renders back to
// the same value.

#include "actors/core/duration_text.hpp"
#include "app/config/ini_durations.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/settings.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

namespace {

using namespace onevalue;
using namespace onevalue::config;

void check(bool condition) {
  if (!condition)
    std::abort();
}

duration_key lookup(std::string_view section, std::string_view key) {
  if (section == "onevalue" && !key.empty() && key.front() == 'd')
    return duration_key::onevalue;
  if (section == "middleman" && !key.empty() && key.front() == 'h')
    return duration_key::caf;
  return duration_key::no;
}

bool caf_accepts(const std::string& ini) {
  std::istringstream in{ini};
  return static_cast<bool>(caf::actor_system_config::parse_config(in));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string text{reinterpret_cast<const char*>(data), size};
  if (auto parsed = parse_duration(text))
    check(parse_duration(format_duration(*parsed)) == parsed
          && parse_duration(format_duration(*parsed, true)) == parsed);
  auto once = respell_ini_durations(text, lookup);
  check(std::count(once.begin(), once.end(), '\n')
        == std::count(text.begin(), text.end(), '\n'));
  check(respell_ini_durations(once, lookup) == once);
  if (caf_accepts(text))
    check(caf_accepts(once));
  return 0;
}
