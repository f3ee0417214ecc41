// The event-* options as the node loader reads them: parsed handler specs, defaults,
// and config errors that name the key and the file.

#include "app/config/node_config.hpp"
#include "app/config/node_loader.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

using namespace onevalue;
using namespace std::chrono_literals;

namespace {

/// Loads `section` as the [onevalue] section of a config file; returns the result and
/// the file's path.
std::pair<load_result, std::string> load_section(const std::string& section) {
  testing::temp_dir dir;
  auto file = (dir.path / "node.ini").string();
  std::ofstream{file} << "[onevalue]\nname=\"n1\"\nbind=\"127.0.0.1\"\n"
                      << section << "\n";
  std::string arg = "--config-file=" + file;
  std::vector<char*> argv{const_cast<char*>("onevalue"), arg.data()};
  std::ostringstream help;
  load_context ctx;
  ctx.getenv = [](const char*) -> const char* { return nullptr; };
  ctx.host_name = [] { return std::string{"testhost"}; };
  ctx.resolve_ipv4 = [](const std::string&) -> std::optional<std::string> {
    return std::nullopt;
  };
  ctx.help_out = &help;
  node_config cfg;
  return {load_node_options(cfg, static_cast<int>(argv.size()), argv.data(), ctx), file};
}

} // namespace

TEST_CASE("event handler options: defaults, and specs parsed into the options") {
  auto [defaults, file] = load_section("");
  REQUIRE(defaults.status == load_status::run);
  CHECK(defaults.options.event_handlers.empty());
  CHECK(defaults.options.event_handler_concurrency == 4);
  CHECK(defaults.options.event_handler_timeout == 30s);
  CHECK(defaults.options.event_coalesce_period == 1s);
  CHECK(defaults.options.event_quiescent_period == 200ms);
  CHECK(defaults.options.event_queue_limit == 256);

  auto [given, file2] = load_section(
      "event-handlers=[\"member-join,member-failed=/bin/a\", \"/bin/b --x\"]\n"
      "event-coalesce-period=0s\nevent-handler-concurrency=2\nevent-queue-limit=8");
  REQUIRE(given.status == load_status::run);
  REQUIRE(given.options.event_handlers.size() == 2);
  CHECK(given.options.event_handlers[0].command == "/bin/a");
  CHECK(given.options.event_handlers[0].handles(event_type::member_failed));
  CHECK_FALSE(given.options.event_handlers[0].handles(event_type::value));
  CHECK(given.options.event_handlers[1].events == all_events);
  CHECK(given.options.event_coalesce_period == 0ms);
  CHECK(given.options.event_handler_concurrency == 2);
  CHECK(given.options.event_queue_limit == 8);
}

TEST_CASE("a bad event handler option is a config error naming the key and the file") {
  struct row {
    std::string section;
    std::string expected;
  };
  const row rows[] = {
      {"event-handlers=[\"member-joined=/x\"]",
       "onevalue.event-handlers: \"member-joined=/x\": unknown event type "
       "\"member-joined\""},
      {"event-handlers=[\"value=\"]",
       "onevalue.event-handlers: \"value=\": empty command"},
      {"event-handlers=\"/bin/x\"", "onevalue.event-handlers: expected a list"},
      {"event-handler-concurrency=0",
       "onevalue.event-handler-concurrency: expected an integer in 1..64, got 0"},
      {"event-handler-timeout=0s", "onevalue.event-handler-timeout:"},
      {"event-queue-limit=0", "onevalue.event-queue-limit: expected an integer"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.section);
    auto [result, file] = load_section(r.section);
    CHECK(result.status == load_status::exit_error);
    CHECK(result.message.find("config error in " + file) != std::string::npos);
    CHECK(result.message.find(r.expected) != std::string::npos);
  }
}
