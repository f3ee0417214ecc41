#include "app/config/ini_durations.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace onevalue::config;
using namespace std::string_literals;

namespace {

/// [onevalue] reap-after and probe-interval are onevalue durations, [middleman]
/// heartbeat-interval is CAF's; everything else is not a duration.
duration_key lookup(std::string_view section, std::string_view key) {
  if (section == "onevalue" && (key == "reap-after" || key == "probe-interval"))
    return duration_key::onevalue;
  if (section == "middleman" && key == "heartbeat-interval")
    return duration_key::caf;
  return duration_key::no;
}

} // namespace

TEST_CASE("bare durations of duration keys are respelled for CAF, the rest stays") {
  struct row {
    std::string in;
    std::string out;
  };
  for (const auto& r : std::initializer_list<row>{
           {"[onevalue]\nreap-after=10m\n", "[onevalue]\nreap-after=10min\n"},
           {"[onevalue]\n  reap-after =\t1m30s ; why\n",
            "[onevalue]\n  reap-after =\t90s ; why\n"},
           {"[ onevalue ]\nprobe-interval = 250ms",
            "[ onevalue ]\nprobe-interval = 250ms"},
           {"[onevalue]\nreap-after=10x\n", "[onevalue]\nreap-after=\"10x\"\n"},
           {"[onevalue]\nreap-after=600\n", "[onevalue]\nreap-after=\"600\"\n"},
           {"[onevalue]\nreap-after=1\"0\\\n", "[onevalue]\nreap-after=\"1\\\"0\\\\\"\n"},
           {"[onevalue]\nreap-after=\"10m\"\n", "[onevalue]\nreap-after=\"10m\"\n"},
           {"[onevalue]\nreap-after=['10m']\n", "[onevalue]\nreap-after=['10m']\n"},
           {"[onevalue]\nreap-after=\n", "[onevalue]\nreap-after=\n"},
           {"[onevalue]\n; reap-after=10m\n", "[onevalue]\n; reap-after=10m\n"},
           {"[onevalue]\nname=10m\n", "[onevalue]\nname=10m\n"},
           {"[other]\nreap-after=10m\n", "[other]\nreap-after=10m\n"},
           {"reap-after=10m\n", "reap-after=10m\n"},
           {"[middleman]\nheartbeat-interval=1m\n",
            "[middleman]\nheartbeat-interval=1min\n"},
           {"[middleman]\nheartbeat-interval=soon\n",
            "[middleman]\nheartbeat-interval=soon\n"},
           {"[onevalue]\nseeds=[\n[\"a\"],\n]\nreap-after=5m\n",
            "[onevalue]\nseeds=[\n[\"a\"],\n]\nreap-after=5min\n"},
           {"[onevalue]\r\nreap-after=5m\r\n", "[onevalue]\r\nreap-after=5min\r\n"},
           {"", ""},
           {"[onevalue]\nreap-after=\r5m\n", "[onevalue]\nreap-after=\r5min\n"},
           {"[onevalue]\nreap-after=6\0x\n"s, "[onevalue]\nreap-after=6\0x\n"s},
           {"[onevalue]\nreap-after=6\x01\n", "[onevalue]\nreap-after=6\x01\n"},
       }) {
    CAPTURE(r.in);
    CHECK(respell_ini_durations(r.in, lookup) == r.out);
  }
}

TEST_CASE("respelling keeps every line, so CAF's line numbers match the file") {
  std::string ini = "[onevalue]\nreap-after=10x\n\n;c\nprobe-interval=1m\nlast=1";
  auto out = respell_ini_durations(ini, lookup);
  CHECK(std::count(out.begin(), out.end(), '\n')
        == std::count(ini.begin(), ini.end(), '\n'));
  CHECK(respell_ini_durations(out, lookup) == out);
}
