#include "actors/core/event_handler_spec.hpp"

#include <doctest/doctest.h>

using namespace onevalue;

TEST_CASE("handler specs: filters, bare commands and their written form") {
  struct row {
    const char* text;
    event_mask events;
    const char* command;
    const char* written;
  };
  const row rows[] = {
      {"member-join,member-leave=/path/script",
       mask_of(event_type::member_join) | mask_of(event_type::member_leave),
       "/path/script", "member-join,member-leave=/path/script"},
      {"/usr/bin/handle", all_events, "/usr/bin/handle", "/usr/bin/handle"},
      {"*=/usr/bin/handle", all_events, "/usr/bin/handle", "/usr/bin/handle"},
      {"value=/bin/reload --fast", mask_of(event_type::value), "/bin/reload --fast",
       "value=/bin/reload --fast"},
      {" member-failed , member-reap = /x/y ",
       mask_of(event_type::member_failed) | mask_of(event_type::member_reap), "/x/y",
       "member-failed,member-reap=/x/y"},
      {"member-update,*=/x", all_events, "/x", "/x"},
      {"*=FOO=bar /bin/x", all_events, "FOO=bar /bin/x", "*=FOO=bar /bin/x"},
      {"value=/bin/sh -c 'x=1; echo $x'", mask_of(event_type::value),
       "/bin/sh -c 'x=1; echo $x'", "value=/bin/sh -c 'x=1; echo $x'"},
      {"/bin/tool --opt=1", all_events, "/bin/tool --opt=1", "/bin/tool --opt=1"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.text);
    auto parsed = parse_event_handler_spec(r.text);
    REQUIRE(parsed.spec);
    CHECK(parsed.error.empty());
    CHECK(parsed.spec->events == r.events);
    CHECK(parsed.spec->command == r.command);
    CHECK(format_event_handler_spec(*parsed.spec) == r.written);
  }
}

TEST_CASE("handler specs: bad ones are refused with the reason") {
  struct row {
    std::string text;
    const char* reason;
  };
  const row rows[] = {
      {"member-joined=/x", "unknown event type \"member-joined\""},
      {"FOO=bar /bin/x", "unknown event type \"FOO\""},
      {"value=", "empty command"},
      {"value=   ", "empty command"},
      {"", "empty command"},
      {"=/x", "empty event filter"},
      {"member-join,,value=/x", "empty event type"},
      {"value=/x\n", "NUL, CR or LF"},
      {std::string{"value=/x\0y", 10}, "NUL, CR or LF"},
      {"value=" + std::string(5000, 'x'), "longer than 4096 bytes"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.text);
    auto parsed = parse_event_handler_spec(r.text);
    CHECK_FALSE(parsed.spec);
    CHECK(parsed.error.find(r.reason) != std::string::npos);
  }
}

TEST_CASE("event type names round-trip") {
  for (auto type : all_event_types)
    CHECK(parse_event_type(to_string(type)) == type);
  CHECK_FALSE(parse_event_type("user"));
  CHECK_FALSE(parse_event_type("*"));
}
