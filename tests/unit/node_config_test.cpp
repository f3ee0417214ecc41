#include "app/config/config_checks.hpp"
#include "app/config/node_config.hpp"
#include "app/config/node_help.hpp"
#include "app/config/node_loader.hpp"
#include "app/config/option_table.hpp"
#include "config_test_support.hpp"
#include "tests/unit/source_tree.hpp"

#include <caf/config_value.hpp>
#include <caf/settings.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

using namespace onevalue;
using namespace onevalue::testing;
namespace fs = std::filesystem;

TEST_CASE("a wrongly typed file value is an error naming the key and the file") {
  auto [result, file] = load_section("http-port=\"abc\"");
  CHECK(result.status == load_status::exit_error);
  CHECK(result.exit_code == 2);
  CHECK(result.message
        == "config error in " + file
               + ": onevalue.http-port: expected an integer in 0..65535, 0 = plain HTTP "
                 "off, got \"abc\"");
}

TEST_CASE("each validation rule of the [onevalue] section reports its key") {
  struct row {
    std::string section;
    std::string expected;
  };
  std::vector<row> rows = {
      {"http-port=70000",
       "onevalue.http-port: expected an integer in 0..65535, 0 = plain HTTP off, got "
       "70000"},
      {"http-port=0", "onevalue.http-port: http-port = 0 turns plain HTTP off and "
                      "https-port is 0 (off): the node would serve no API"},
      {"cluster-port=0", "onevalue.cluster-port: expected an integer in 1..65535, got 0"},
      {"cluster-port=-1",
       "onevalue.cluster-port: expected an integer in 1..65535, got -1"},
      {"cluster-port=8080",
       "onevalue.cluster-port: cluster-port and http-port must differ"},
      {"probe-interval=250",
       "onevalue.probe-interval: expected a duration (at least 1ms), a number with a "
       "unit: ms, s, m or min, h (also us, ns), e.g. 250ms, 10m, 1m30s, got 250"},
      {"probe-interval=0s",
       "onevalue.probe-interval: expected a duration of at least 1ms, got 0s"},
      {"gossip-interval=500us",
       "onevalue.gossip-interval: expected a duration of at least 1ms, got 500us"},
      {"reap-after=10x", "onevalue.reap-after: expected a duration (at least 1ms), a "
                         "number with a unit: ms, s, m or min, h (also us, ns), e.g. "
                         "250ms, 10m, 1m30s, got 10x"},
      {"reap-after=10 m", "onevalue.reap-after: expected a duration"},
      {"reap-after=\"ten\"", "onevalue.reap-after: expected a duration"},
      {"status-interval=-1s", "onevalue.status-interval: expected a duration"},
      {"ack-timeout=1s",
       "onevalue.ack-timeout: ack-timeout (1s) must be below probe-interval (1s)"},
      {"probe-interval=400ms",
       "onevalue.probe-interval: ack-timeout (500ms) must be below"},
      {"htp-port=1",
       "onevalue.htp-port: not an option (did you mean onevalue.http-port?)"},
      {"bogus=1", "onevalue.bogus: not an option"},
      {"name=\"bad name\"", "onevalue.name: expected 1 to 64 letters"},
      {"name=\"\"", "onevalue.name: expected 1 to 64 letters"},
      {"bind=\"localhost\"", "onevalue.bind: expected an IPv4 address"},
      {"bind=\"300.1.1.1\"", "onevalue.bind: expected an IPv4 address"},
      {"advertise=\"nowhere.invalid\"",
       "onevalue.advertise: host name \"nowhere.invalid\" does not resolve"},
      {"advertise=\"bad host!\"",
       "onevalue.advertise: expected an IPv4 address or a host name"},
      {"advertise=\"0.0.0.0\"", "onevalue.advertise: 0.0.0.0 cannot be reached"},
      {"seeds=\"10.0.0.1\"",
       "onevalue.seeds: expected a list of \"host\" or \"host:port\""},
      {"seeds=[\"a:b\"]", "onevalue.seeds: \"a:b\" is not host or host:port"},
      {"seeds=[\"a:0\"]", "port 0 is out of range 1..65535"},
      {"seeds=[\"a:70000\"]", "port 70000 is out of range 1..65535"},
      {"seeds=[\"[::1]:7946\"]", "IPv6 addresses are not supported"},
      {"seeds=[\"bad_host!\"]", "is not a host name or IPv4 address"},
      {"log-level=\"verbose\"", "onevalue.log-level: expected one of"},
      {"log-level='debug'",
       "onevalue.log-level: expected one of \"trace\", \"debug\", \"info\", \"warning\", "
       "\"error\", \"off\", got 'debug'"},
      {"data-dir=42", "onevalue.data-dir: expected a string in double quotes, got 42"},
      {"profile=\"wan\"",
       "onevalue.profile: expected one of \"lan\", \"local\", got \"wan\""},
      {"reset-state=\"yes\"",
       "onevalue.reset-state: expected true or false, got \"yes\""},
      {"http-threads=0", "onevalue.http-threads: expected an integer in 1..256, got 0"},
      {"max-body-bytes=1",
       "onevalue.max-body-bytes: expected an integer in 16..1048576, got 1"},
      {"max-body-bytes=-5",
       "onevalue.max-body-bytes: expected an integer in 16..1048576, got -5"},
      {"http-threads=2.5", "onevalue.http-threads: expected an integer in 1..256"},
      {"max-connections=0",
       "onevalue.max-connections: expected an integer in 1..1000000, got 0"},
      {"keep-alive-timeout=0s", "onevalue.keep-alive-timeout:"},
      {"indirect-checks=17",
       "onevalue.indirect-checks: expected an integer in 0..16, got 17"},
      {"suspicion-mult=0",
       "onevalue.suspicion-mult: expected an integer in 1..100, got 0"},
      {"gossip-nodes=0", "onevalue.gossip-nodes: expected an integer in 1..64, got 0"},
      {"awareness-max-multiplier=0",
       "onevalue.awareness-max-multiplier: expected an integer in 1..100, got 0"},
      {"leave-propagation=2s",
       "onevalue.leave-propagation: expected a duration of 1ms..1500ms, got 2s"},
      {"max-packet-bytes=100",
       "onevalue.max-packet-bytes: expected an integer in 512..65507"},
      {"request-timeout=0s",
       "onevalue.request-timeout: expected a duration of at least 1ms, got 0s"},
      {"max-watchers=0", "onevalue.max-watchers: expected an integer in 1..4096, got 0"},
      {"max-watchers=5000",
       "onevalue.max-watchers: expected an integer in 1..4096, got 5000"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.section);
    auto [result, file] = load_section(r.section);
    CHECK(result.status == load_status::exit_error);
    CHECK(result.message.find("config error in " + file + ": ") == 0);
    CHECK(result.message.find(r.expected) != std::string::npos);
  }
}

TEST_CASE("unknown sections and keys in CAF's own sections are reported too") {
  temp_dir dir;
  auto file = dir.write("node.ini",
                        "[onevalu]\nname=\"x\"\n[middleman]\nheartbeat-intervall=1s\n");
  loader load;
  auto result = load({"--config-file=" + file});
  CHECK(result.status == load_status::exit_error);
  CHECK(result.message.find("[onevalu]: unknown section (did you mean [onevalue]?)")
        != std::string::npos);
  CHECK(result.message.find("middleman.heartbeat-intervall: not an option (did you mean "
                            "middleman.heartbeat-interval?)")
        != std::string::npos);
}

TEST_CASE("every problem in a file is reported, one line each") {
  auto [result, file] = load_section("http-port=\"abc\"\nbind=\"x\"\nprofile=\"wan\"");
  CHECK(result.status == load_status::exit_error);
  CHECK(std::count(result.message.begin(), result.message.end(), '\n') == 2);
}

TEST_CASE("every problem on the command line and in the environment is reported") {
  loader load;
  load.env["CLUSTER_ADDR"] = "a:x";
  auto result = load({"--onevalue.http-port=abc", "--onevalue.bind=x"});
  CHECK(result.status == load_status::exit_error);
  CHECK(std::count(result.message.begin(), result.message.end(), '\n') == 2);
}

TEST_CASE("a missing explicit config file is an error naming the file") {
  temp_dir dir;
  auto missing = (dir.path / "missing.ini").string();
  loader load;
  auto result = load({"--config-file=" + missing});
  CHECK(result.status == load_status::exit_error);
  CHECK(result.message
        == "config error in " + missing
               + ": cannot open the config file given by --config-file");
}

TEST_CASE("a syntax error names the file, line and column") {
  auto [result, file] = load_section("# hash comments are not CAF's INI\nhttp-port=9000");
  CHECK(result.status == load_status::exit_error);
  CHECK(result.message.find("config error in " + file + ": line 2, column") == 0);
  CHECK(result.message.find("syntax error") != std::string::npos);
}

TEST_CASE("a data-dir that is a file is rejected") {
  temp_dir dir;
  auto plain = dir.write("plain", "x");
  auto [result, file] = load_section("data-dir=\"" + plain + "\"");
  CHECK(result.message.find("onevalue.data-dir: \"" + plain
                            + "\" exists and is not a directory")
        != std::string::npos);
}

TEST_CASE("command line errors name the command line and the key") {
  struct row {
    std::vector<std::string> args;
    std::string expected;
  };
  std::vector<row> rows = {
      {{"--onevalue.http-port=abc"},
       "config error in command line: onevalue.http-port: expected an integer in "
       "0..65535, 0 = plain HTTP off, got abc"},
      {{"--onevalue.http-port=70000"},
       "onevalue.http-port: expected an integer in 0..65535"},
      {{"--onevalue.probe-interval=250"},
       "config error in command line: onevalue.probe-interval: expected a duration (at "
       "least 1ms), a number with a unit: ms, s, m or min, h (also us, ns), e.g. 250ms, "
       "10m, 1m30s, got 250"},
      {{"--onevalue.reset-state=maybe"},
       "config error in command line: onevalue.reset-state: expected true or false, got "
       "maybe"},
      {{"--onevalue.http-port"},
       "config error in command line: onevalue.http-port: needs a value"},
      {{"--onevalue.seeds=a,b:x"},
       "config error in command line: onevalue.seeds: \"b:x\" is not host or host:port"},
      {{"--onevalue.htp-port=1"},
       "config error in command line: onevalue.htp-port: not an option (did you mean "
       "onevalue.http-port?)"},
      {{"--onevalue.bind=nope"},
       "config error in command line: onevalue.bind: expected an IPv4"},
      {{"stray"}, "config error in command line: unexpected argument \"stray\""},
  };
  for (const auto& r : rows) {
    CAPTURE(r.expected);
    loader load;
    auto result = load(r.args);
    CHECK(result.status == load_status::exit_error);
    CHECK(result.message.find(r.expected) != std::string::npos);
  }
}

TEST_CASE("the command line overrides the file, and a CLI list replaces the file's") {
  auto [result, file] =
      load_section("http-port=9000\nseeds=[\"a\", \"b\"]",
                   {"--onevalue.http-port=9001", "--onevalue.seeds=[\"c:1\"]"});
  REQUIRE(result.status == load_status::run);
  CHECK(result.options.http_port == 9001);
  CHECK(result.options.seeds == std::vector<peer_address>{{"c", 1}});
  CHECK(result.options.config_file == file);
}

TEST_CASE("max-watchers and the bare reset-state flag reach the options") {
  auto [defaults, file] = load_section("");
  REQUIRE(defaults.status == load_status::run);
  CHECK(defaults.options.max_watchers == 64);
  CHECK_FALSE(defaults.options.reset_state);
  auto [given, file2] = load_section("max-watchers=128", {"--onevalue.reset-state"});
  REQUIRE(given.status == load_status::run);
  CHECK(given.options.max_watchers == 128);
  CHECK(given.options.reset_state);
}

TEST_CASE("ADVERTISE_ADDR overrides the file and the command line overrides both") {
  temp_dir dir;
  auto file = dir.write("node.ini", "[onevalue]\nadvertise=\"10.0.0.1\"\n");
  loader from_file;
  CHECK(from_file({"--config-file=" + file}).options.advertise == "10.0.0.1");
  loader from_env;
  from_env.env["ADVERTISE_ADDR"] = "10.0.0.2";
  CHECK(from_env({"--config-file=" + file}).options.advertise == "10.0.0.2");
  loader from_cli;
  from_cli.env["ADVERTISE_ADDR"] = "10.0.0.2";
  CHECK(from_cli({"--config-file=" + file, "--onevalue.advertise=10.0.0.3"})
            .options.advertise
        == "10.0.0.3");
  loader bad_env;
  bad_env.env["ADVERTISE_ADDR"] = "bad host!";
  CHECK(bad_env({}).message.find(
            "config error in environment ADVERTISE_ADDR: "
            "onevalue.advertise: expected an IPv4 address or a host name")
        == 0);
}

TEST_CASE("advertise defaults to bind, else to the address the host name resolves to") {
  loader with_bind;
  CHECK(with_bind({"--onevalue.bind=127.0.0.5"}).options.advertise == "127.0.0.5");
  loader any_address;
  auto result = any_address({});
  REQUIRE(result.status == load_status::run);
  CHECK(result.options.advertise == "10.1.2.3");
  CHECK(result.options.name == "testhost");
  loader by_name;
  CHECK(by_name({"--onevalue.advertise=peer.example"}).options.advertise
        == "peer.example");
}

TEST_CASE("CLUSTER_ADDR adds seeds to the configured ones, default port 7946") {
  loader load;
  load.env["CLUSTER_ADDR"] = "b:1, c,a";
  temp_dir dir;
  auto path = dir.write("node.ini", "[onevalue]\nseeds=[\"a\"]\n");
  auto with_env = load({"--config-file=" + path});
  REQUIRE(with_env.status == load_status::run);
  CHECK(with_env.options.seeds
        == std::vector<peer_address>{{"a", 7946}, {"b", 1}, {"c", 7946}});
  loader bad;
  bad.env["CLUSTER_ADDR"] = "a:1,b:x";
  CHECK(bad({}).message.find("config error in environment CLUSTER_ADDR: onevalue.seeds: "
                             "\"b:x\" is not host or host:port")
        == 0);
}

TEST_CASE("seeds parse as host or host:port and reject everything else") {
  std::string why;
  auto plain = config::parse_peer_address("node1", 7946, why);
  REQUIRE(plain);
  CHECK(*plain == peer_address{"node1", 7946});
  auto with_port = config::parse_peer_address("10.0.0.2:7000", 7946, why);
  REQUIRE(with_port);
  CHECK(*with_port == peer_address{"10.0.0.2", 7000});
  for (const char* bad : {"", ":7946", "host:", "host:0", "host:65536", "host:12ab",
                          "a b", "::1", "[::1]:1", "-host", "10.0.0"}) {
    CAPTURE(bad);
    CHECK_FALSE(config::parse_peer_address(bad, 7946, why));
    CHECK_FALSE(why.empty());
  }
}

TEST_CASE("the profile picks interval defaults and explicit options override them") {
  loader lan;
  auto lan_result = lan({});
  REQUIRE(lan_result.status == load_status::run);
  CHECK(lan_result.options.swim.probe_interval == lan_profile().probe_interval);
  CHECK(lan_result.options.swim.push_pull_interval == lan_profile().push_pull_interval);
  loader local;
  auto local_result = local({"--onevalue.profile=local"});
  REQUIRE(local_result.status == load_status::run);
  CHECK(local_result.options.swim.probe_interval == local_profile().probe_interval);
  CHECK(local_result.options.swim.gossip_interval == local_profile().gossip_interval);
  auto [overridden, file] =
      load_section("profile=\"local\"\nprobe-interval=300ms\nretransmit-mult=7");
  REQUIRE(overridden.status == load_status::run);
  CHECK(overridden.options.swim.probe_interval == millis{300});
  CHECK(overridden.options.swim.ack_timeout == local_profile().ack_timeout);
  CHECK(overridden.options.swim.retransmit_mult == 7);
}

TEST_CASE("every example config under config/ loads") {
  for (const char* example :
       {"config/single.ini", "config/local-cluster/node1.ini",
        "config/local-cluster/node2.ini", "config/local-cluster/node3.ini"}) {
    CAPTURE(example);
    loader load;
    auto result = load({"--config-file=" + (source_dir / example).string()});
    CHECK(result.message == "");
    REQUIRE(result.status == load_status::run);
    CHECK(result.options.cluster_port == 7946);
    CHECK(result.options.http_port == 8080);
  }
  loader node2;
  auto result = node2(
      {"--config-file=" + (source_dir / "config/local-cluster/node2.ini").string()});
  CHECK(result.options.name == "node2");
  CHECK(result.options.bind == "127.0.0.2");
  CHECK(result.options.seeds
        == std::vector<peer_address>{{"127.0.0.1", 7946}, {"127.0.0.3", 7946}});
  CHECK(result.options.swim.probe_interval == local_profile().probe_interval);
}

TEST_CASE("--help prints every onevalue option to the help stream and exits 0") {
  for (const char* flag : {"--help", "-h", "--long-help"}) {
    loader load;
    auto result = load({flag});
    CHECK(result.status == load_status::exit_ok);
    CHECK(result.exit_code == 0);
    auto text = load.help.str();
    CHECK(node_option_table().size() == 56);
    for (const auto& row : node_option_table()) {
      CAPTURE(row.key);
      bool listed = text.find("--onevalue." + row.key + "=") != std::string::npos
                    || text.find("--onevalue." + row.key + "[=") != std::string::npos;
      CHECK(listed);
    }
    CHECK(text.find("ADVERTISE_ADDR sets onevalue.advertise") != std::string::npos);
    CHECK(text.find("CLUSTER_ADDR adds to onevalue.seeds") != std::string::npos);
    bool long_help = std::string{flag} == "--long-help";
    CHECK((text.find("--scheduler.max-threads") != std::string::npos) == long_help);
    CHECK((text.find("  scheduler.max-threads=") != std::string::npos) == long_help);
  }
}

TEST_CASE("the help text states both profile defaults of a protocol interval") {
  node_config cfg;
  // Undo the line wrapping: collapse every run of blanks and newlines to one space.
  std::string text;
  for (char c : node_help_text(cfg.option_set(), false))
    if (!std::isspace(static_cast<unsigned char>(c)))
      text += c;
    else if (text.empty() || text.back() != ' ')
      text += ' ';
  CHECK(text.find("Default: 1s (profile lan), 200ms (profile local).")
        != std::string::npos);
  CHECK(text.find("Default: 10m (every profile).") != std::string::npos);
}

TEST_CASE("durations take m for minutes in the file and on the command line") {
  auto [from_file, file] = load_section("reap-after = 10m ; ten minutes\n"
                                        "failed-probe-interval=1m30s\n"
                                        "status-interval = 0s\n"
                                        "join-retry-interval=\"2s\"");
  REQUIRE(from_file.status == load_status::run);
  CHECK(from_file.options.swim.reap_after == std::chrono::minutes(10));
  CHECK(from_file.options.swim.failed_probe_interval == std::chrono::seconds(90));
  CHECK(from_file.options.status_interval == millis{0});
  CHECK(from_file.options.swim.join_retry_interval == std::chrono::seconds(2));
  loader cli;
  auto from_cli = cli({"--onevalue.reap-after=20m", "--onevalue.push-pull-interval=1min",
                       "--onevalue.gossip-interval=1500us"});
  REQUIRE(from_cli.status == load_status::run);
  CHECK(from_cli.options.swim.reap_after == std::chrono::minutes(20));
  CHECK(from_cli.options.swim.push_pull_interval == std::chrono::minutes(1));
  CHECK(from_cli.options.swim.gossip_interval == millis{1}); // whole milliseconds
}

TEST_CASE("CAF's own durations take m too, in the file and on the command line") {
  temp_dir dir;
  auto file = dir.write("node.ini", "[middleman]\nheartbeat-interval = 1m\n");
  loader load;
  REQUIRE(load({"--config-file=" + file, "--middleman.connection-timeout=3m"}).status
          == load_status::run);
  CHECK(caf::get_or(load.cfg.content, "middleman.heartbeat-interval", caf::timespan{0})
        == std::chrono::minutes(1));
  CHECK(caf::get_or(load.cfg.content, "middleman.connection-timeout", caf::timespan{0})
        == std::chrono::minutes(3));
  loader bad;
  auto refused = bad({"--config-file="
                      + dir.write("bad.ini", "[middleman]\n"
                                             "heartbeat-interval=\"x\"\n")});
  CHECK(
      refused.message.find("middleman.heartbeat-interval: expected a duration, a number "
                           "with a unit")
      != std::string::npos);
}

TEST_CASE("a flag is bare or takes true or false, in the file and on the command line") {
  auto [file_on, file] = load_section("reset-state=true");
  CHECK(file_on.options.reset_state);
  auto [cli_off, file2] =
      load_section("reset-state=true", {"--onevalue.reset-state=false"});
  REQUIRE(cli_off.status == load_status::run);
  CHECK_FALSE(cli_off.options.reset_state);
  loader bare;
  CHECK(bare({"--onevalue.reset-state"}).options.reset_state);
}

TEST_CASE("--dump-config checks the configuration first") {
  auto [result, file] = load_section("http-port=\"abc\"", {"--dump-config"});
  CHECK(result.status == load_status::exit_error);
  CHECK(result.message.find("onevalue.http-port: expected an integer")
        != std::string::npos);
}

TEST_CASE("a seed list without brackets on the command line is comma-separated") {
  loader load;
  auto result = load({"--onevalue.seeds=a, b:7000"});
  REQUIRE(result.status == load_status::run);
  CHECK(result.options.seeds == std::vector<peer_address>{{"a", 7946}, {"b", 7000}});
}

TEST_CASE("CAF defaults for the cluster are set unless the user set them") {
  loader defaults;
  REQUIRE(defaults({}).status == load_status::run);
  auto ids = caf::get_if<std::vector<std::string>>(&defaults.cfg.content,
                                                   "middleman.app-identifiers");
  REQUIRE(ids);
  CHECK(*ids == std::vector<std::string>{"onevalue"});
  // No BASP links any more (node-to-node TCP is the stream broker's own framing), so
  // no heartbeats and no connection timeout: CAF's defaults (off) stay.
  CHECK(
      caf::get_or(defaults.cfg.content, "middleman.heartbeat-interval", caf::timespan{0})
      == caf::timespan{0});
  auto half_the_cores = std::max(1u, std::thread::hardware_concurrency() / 2);
  CHECK(caf::get_or(defaults.cfg.content, "scheduler.max-threads", size_t{0})
        == half_the_cores);
  // One read per readiness event (caf_defaults.cpp: CAF's UDP servant does not stop
  // reading at EAGAIN).
  CHECK(caf::get_or(defaults.cfg.content, "middleman.max-consecutive-reads", size_t{0})
        == 1);
  CHECK(caf::get_or(defaults.cfg.content, "scheduler.policy", caf::atom(""))
        == caf::atom("sharing"));
  temp_dir dir;
  auto file = dir.write("node.ini",
                        "[middleman]\nheartbeat-interval=2s\nmax-consecutive-reads=8\n");
  loader user;
  REQUIRE(user({"--config-file=" + file}).status == load_status::run);
  CHECK(caf::get_or(user.cfg.content, "middleman.heartbeat-interval", caf::timespan{0})
        == std::chrono::seconds(2));
  CHECK(caf::get_or(user.cfg.content, "middleman.max-consecutive-reads", size_t{0}) == 8);
}

TEST_CASE("helpers: list splitting and typo suggestions") {
  CHECK(config::split_list(" a, b ,,c ", ',') == std::vector<std::string>{"a", "b", "c"});
  CHECK(config::split_list("", ',').empty());
  CHECK(config::nearest_name("probe-intervall", {"probe-interval", "gossip-interval"})
        == "probe-interval");
  CHECK(config::nearest_name("zzz", {"probe-interval"}) == "");
}
