#include "app/cli/cli_args.hpp"

#include <doctest/doctest.h>

using namespace onevalue::cli;

namespace {

parse_result parse(std::vector<std::string> args,
                   std::map<std::string, std::string> env = {}) {
  return parse_arguments(args, env);
}

} // namespace

TEST_CASE("client subcommands are told apart from node options") {
  CHECK(is_client_command("get"));
  CHECK(is_client_command("members"));
  CHECK_FALSE(is_client_command("--config-file=x.ini"));
  CHECK_FALSE(is_client_command("--help"));
  CHECK_FALSE(is_client_command("bogus"));
}

TEST_CASE("flags take one or two dashes and a value after '=' or as the next word") {
  for (auto args : std::vector<std::vector<std::string>>{{"set", "5", "-cas", "7-n2"},
                                                         {"set", "5", "--cas=7-n2"},
                                                         {"set", "-cas=7-n2", "5"}}) {
    auto r = parse(args);
    REQUIRE(r.parsed);
    CHECK(r.parsed->flag("cas") == "7-n2");
    CHECK(r.parsed->positional == std::vector<std::string>{"5"});
  }
}

TEST_CASE("a negative number is a positional argument, not a flag") {
  auto r = parse({"set", "-17"});
  REQUIRE(r.parsed);
  CHECK(r.parsed->positional == std::vector<std::string>{"-17"});
}

TEST_CASE("the address and token come from the environment unless a flag gives them") {
  auto r = parse({"get"}, {{"ONEVALUE_HTTP_ADDR", "10.0.0.5:9000"},
                           {"ONEVALUE_HTTP_TOKEN", "secret"}});
  REQUIRE(r.parsed);
  CHECK(r.parsed->connection.http_addr == "10.0.0.5:9000");
  CHECK(r.parsed->connection.token == "secret");
  r = parse({"get", "-http-addr", "127.0.0.2:8080", "-token=t2"},
            {{"ONEVALUE_HTTP_ADDR", "10.0.0.5:9000"}});
  REQUIRE(r.parsed);
  CHECK(r.parsed->connection.http_addr == "127.0.0.2:8080");
  CHECK(r.parsed->connection.token == "t2");
  CHECK(parse({"get"}).parsed->connection.http_addr == "127.0.0.1:8080");
}

TEST_CASE("the timeout takes a duration with a unit") {
  CHECK(parse({"get", "-timeout", "500ms"}).parsed->connection.timeout.count() == 500);
  CHECK(parse({"get", "-timeout=2m"}).parsed->connection.timeout.count() == 120000);
  auto bad = parse({"get", "-timeout", "5"});
  CHECK_FALSE(bad.parsed);
  CHECK(bad.error.find("-timeout") != std::string::npos);
  CHECK_FALSE(parse({"get", "-timeout", "0s"}).parsed);
}

TEST_CASE("usage errors name what is wrong") {
  struct row {
    std::vector<std::string> args;
    std::string expected;
  };
  for (const auto& r : std::vector<row>{
           {{"set"}, "expected `onevalue set N"},
           {{"set", "1", "2"}, "expected `onevalue set N"},
           {{"get", "-bogus"}, "unknown flag -bogus"},
           {{"get", "-detailed=yes"}, "-detailed takes no value"},
           {{"set", "1", "-cas"}, "-cas needs a value"},
           {{"frobnicate"}, "unknown command \"frobnicate\""},
           {{}, "no command given"},
       }) {
    auto p = parse(r.args);
    CAPTURE(r.expected);
    CHECK_FALSE(p.parsed);
    CHECK(p.error.find(r.expected) != std::string::npos);
  }
}

TEST_CASE("-help asks for the subcommand's usage, which lists flags and exit codes") {
  auto r = parse({"members", "-help"});
  CHECK(r.help);
  REQUIRE(r.parsed);
  auto text = usage(r.parsed->command);
  CHECK(text.find("-status STATE") != std::string::npos);
  CHECK(text.find("Exit codes") != std::string::npos);
  CHECK(text.find("onevalue set") == std::string::npos);
  CHECK(usage().find("onevalue watch") != std::string::npos);
}

TEST_CASE("durations: one number and one unit") {
  CHECK(parse_timeout("250ms")->count() == 250);
  CHECK(parse_timeout("3s")->count() == 3000);
  CHECK(parse_timeout("1h")->count() == 3600000);
  CHECK(parse_timeout("1s500ms")->count() == 1500);
  CHECK(parse_timeout("10m")->count() == 600000);
  CHECK_FALSE(parse_timeout("-1s"));
  CHECK_FALSE(parse_timeout("s"));
  CHECK_FALSE(parse_timeout(""));
}
