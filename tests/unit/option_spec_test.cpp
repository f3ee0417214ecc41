// The option table machinery on its own, with a table of the kinds of options the
// next features need (tokens, keys, TLS files, consistency modes, limits, an optional
// port), parsed by CAF from a file and a command line as the node's table is.

#include "app/config/option_docs.hpp"
#include "app/config/option_parsing.hpp"
#include "app/config/option_spec.hpp"
#include "temp_dir.hpp"

#include <caf/actor_system_config.hpp>

#include <doctest/doctest.h>

#include <fstream>
#include <map>

using namespace onevalue;
using namespace std::chrono_literals;
using config::option;

namespace {

struct future_options {
  std::vector<std::string> read_tokens;
  std::vector<std::string> keys;
  bool verify_incoming = false;
  std::string cert;
  std::string consistency;
  std::chrono::milliseconds header_timeout{};
  int per_client = 0;
  uint16_t https_port = 0;
};

using row = config::option_row<future_options>;
using strings = std::vector<std::string>;

const std::vector<row>& future_table() {
  static const std::vector<row> rows{
      option("read-tokens", &future_options::read_tokens, "tokens", strings{})
          .from_env("TEST_READ_TOKENS")
          .doc("Tokens that may read.", "More tokens, more to rotate."),
      option("keys", &future_options::keys, "keys", strings{})
          .doc("Gossip keys.", "None sends gossip in the clear."),
      option("verify-incoming", &future_options::verify_incoming, "flag")
          .derived("true when keys are set",
                   [](const future_options& o) { return !o.keys.empty(); })
          .doc("Refuse unsigned gossip.", "Off eases a rolling key change."),
      option("cert", &future_options::cert, "path", "")
          .checked_by(config::readable_file)
          .doc("Certificate file.", "None serves no HTTPS."),
      option("consistency", &future_options::consistency, "mode", "eventual")
          .one_of({"eventual", "linearizable"})
          .doc("Read and write mode.", "linearizable costs a round trip."),
      option("header-timeout", &future_options::header_timeout, "duration", 10s)
          .doc("Time to send the request head.", "Shorter drops slow clients sooner."),
      option("per-client", &future_options::per_client, "connections", 100)
          .range(1, 1000)
          .doc("Connections per client address.", "Lower limits one client's share."),
      option("https-port", &future_options::https_port, "port", 0)
          .range(0, 65535)
          .zero_is("off")
          .doc("Port of the HTTPS API.", "Another port to open in firewalls."),
  };
  return rows;
}

class future_config : public caf::actor_system_config {
public:
  future_config() {
    for (const auto& r : future_table())
      config::add_to_caf(custom_options_, "future", r);
  }
  const caf::config_option_set& options() const { return custom_options_; }
};

struct outcome {
  future_options values;
  config::option_origins origins;
  std::vector<std::string> errors;

  bool reported(const std::string& text) const {
    for (const auto& line : errors)
      if (line.find(text) != std::string::npos)
        return true;
    return false;
  }
};

outcome load(const std::string& section, std::vector<std::string> args = {},
             std::map<std::string, std::string> env = {}) {
  future_config cfg;
  auto getenv = [env](const char* key) -> const char* {
    auto found = env.find(key);
    return found == env.end() ? nullptr : found->second.c_str();
  };
  auto parsed = config::parse_options(
      cfg, cfg.options(), config::specs_of(future_table()), "future", std::move(args),
      "test.ini", true, "[future]\n" + section + "\n", getenv);
  outcome out;
  REQUIRE_FALSE(parsed.error);
  out.origins =
      config::resolve_options(future_table(), parsed.sources, out.values, out.errors);
  return out;
}

} // namespace

TEST_CASE("every row gets its fallback when nothing is given, from 'defaults'") {
  auto out = load("");
  CHECK(out.errors.empty());
  CHECK(out.values.read_tokens.empty());
  CHECK_FALSE(out.values.verify_incoming);
  CHECK(out.values.consistency == "eventual");
  CHECK(out.values.header_timeout == 10s);
  CHECK(out.values.per_client == 100);
  CHECK(out.values.https_port == 0);
  CHECK(out.origins.of("per-client") == "defaults");
}

TEST_CASE(
    "a list's environment variable is comma-separated and overrides the file only") {
  auto from_file = load("read-tokens=[\"f1\"]");
  CHECK(from_file.values.read_tokens == std::vector<std::string>{"f1"});
  CHECK(from_file.origins.of("read-tokens") == "test.ini");
  auto from_env = load("read-tokens=[\"f1\"]", {}, {{"TEST_READ_TOKENS", "e1, e2,,e3"}});
  CHECK(from_env.values.read_tokens == std::vector<std::string>{"e1", "e2", "e3"});
  CHECK(from_env.origins.of("read-tokens") == "environment TEST_READ_TOKENS");
  auto from_cli = load("", {"--future.read-tokens=c1,c2"}, {{"TEST_READ_TOKENS", "e1"}});
  CHECK(from_cli.values.read_tokens == std::vector<std::string>{"c1", "c2"});
  CHECK(from_cli.origins.of("read-tokens") == "command line");
  auto bracketed = load("", {"--future.read-tokens=[\"c1\", \"c,2\"]"});
  CHECK(bracketed.values.read_tokens == std::vector<std::string>{"c1", "c,2"});
  auto empty_env = load("read-tokens=[\"f1\"]", {}, {{"TEST_READ_TOKENS", ""}});
  CHECK(empty_env.values.read_tokens == std::vector<std::string>{"f1"});
}

TEST_CASE("a boolean default can depend on another option; an explicit value wins") {
  CHECK_FALSE(load("").values.verify_incoming);
  CHECK(load("keys=[\"k1\"]").values.verify_incoming);
  CHECK_FALSE(load("keys=[\"k1\"]\nverify-incoming=false").values.verify_incoming);
  CHECK_FALSE(
      load("keys=[\"k1\"]", {"--future.verify-incoming=false"}).values.verify_incoming);
  CHECK(load("", {"--future.verify-incoming"}).values.verify_incoming);
  CHECK(load("verify-incoming=1")
            .reported("config error in test.ini: future.verify-incoming: expected true "
                      "or false, got 1"));
}

TEST_CASE("a path option must name a readable file") {
  testing::temp_dir dir;
  auto cert = (dir.path / "cert.pem").string();
  std::ofstream{cert} << "x";
  auto good = load("cert=\"" + cert + "\"");
  CHECK(good.errors.empty());
  CHECK(good.values.cert == cert);
  auto missing = load("", {"--future.cert=" + cert + ".missing"});
  CHECK(missing.reported("config error in command line: future.cert: \"" + cert
                         + ".missing\" is not a file"));
  CHECK(load("cert=\"" + dir.str() + "\"").reported("is not a file"));
}

TEST_CASE("an enum takes only its choices and says which") {
  CHECK(load("consistency=\"linearizable\"").values.consistency == "linearizable");
  CHECK(load("consistency=\"strong\"")
            .reported("future.consistency: expected one of \"eventual\", "
                      "\"linearizable\", got \"strong\""));
}

TEST_CASE("a duration takes m for minutes in the file and on the command line") {
  CHECK(load("header-timeout=1m").values.header_timeout == 1min);
  CHECK(load("header-timeout = 1m30s ; note").values.header_timeout == 90s);
  CHECK(load("", {"--future.header-timeout=2m"}).values.header_timeout == 2min);
  auto bare = load("header-timeout=15");
  CHECK(bare.reported("config error in test.ini: future.header-timeout: expected a "
                      "duration (at least 1ms), a number with a unit"));
  CHECK(bare.reported("got 15"));
  CHECK(load("header-timeout=0s")
            .reported(
                "future.header-timeout: expected a duration of at least 1ms, got 0s"));
}

TEST_CASE("a count keeps to its range") {
  CHECK(load("per-client=1000").values.per_client == 1000);
  CHECK(load("per-client=0")
            .reported("future.per-client: expected an integer in 1..1000, got 0"));
  CHECK(load("", {"--future.per-client=x"})
            .reported("config error in command line: future.per-client: expected an "
                      "integer in 1..1000, got x"));
}

TEST_CASE("a port where 0 means off takes 0 and documents it") {
  CHECK(load("https-port=8443").values.https_port == 8443);
  CHECK(load("https-port=0").errors.empty());
  CHECK(load("https-port=65536").reported("expected an integer in 0..65535, 0 = off"));
  auto help = config::options_help(config::specs_of(future_table()), "future");
  CHECK(help.find("--future.https-port=<port, 0..65535, 0 = off>") != std::string::npos);
}

TEST_CASE("every problem is reported with its source, and a refused value is not used") {
  auto out = load("per-client=0\nconsistency=\"x\"", {"--future.https-port=-1"},
                  {{"TEST_READ_TOKENS", "ok"}});
  CHECK(out.errors.size() == 3);
  CHECK(out.origins.rejected
        == std::set<std::string>{"consistency", "https-port", "per-client"});
  CHECK_FALSE(out.origins.given("per-client"));
  CHECK(out.values.per_client == 100); // the fallback, so later checks see sane values
}

TEST_CASE("help and Markdown show each row's values, default and environment") {
  auto specs = config::specs_of(future_table());
  auto help = config::options_help(specs, "future");
  CHECK(help.find("--future.verify-incoming[=true|false]") != std::string::npos);
  CHECK(help.find("Default: true when keys are set.") != std::string::npos);
  auto markdown = config::options_markdown(specs);
  CHECK(markdown.find("Environment TEST_READ_TOKENS sets it (comma-separated).")
        != std::string::npos);
  CHECK(markdown.find("| option | values | default | meaning and trade-off |\n") == 0);
  CHECK(
      markdown.find("| `header-timeout` | duration, at least 1ms | `10s` | Time to send "
                    "the request head. Shorter drops slow clients sooner. |")
      != std::string::npos);
  CHECK(std::count(markdown.begin(), markdown.end(), '\n') == 2 + future_table().size());
}
