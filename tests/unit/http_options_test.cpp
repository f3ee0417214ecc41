// The HTTP security options of the [onevalue] section (issue 11): HTTPS files and
// ports, tokens from the file and the environment, GET writes and the fair limits.

#include "app/config/node_loader.hpp"
#include "config_test_support.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace onevalue;
using namespace onevalue::testing;
using namespace std::chrono_literals;

namespace {

const std::string read_token = "read-token-0123456789";
const std::string write_token = "write-token-0123456789";

/// A config file whose HTTPS files exist (their content is checked when the server
/// starts, not here).
struct https_files {
  temp_dir dir;
  std::string cert = dir.write("node.crt", "certificate");
  std::string key = dir.write("node.key", "key");
  std::string ca = dir.write("ca.crt", "ca");

  load_result load(const std::string& section, loader& with) {
    auto file = dir.write("node.ini", "[onevalue]\n" + section + "\n");
    return with({"--config-file=" + file});
  }
  load_result load(const std::string& section) {
    loader plain;
    return load(section, plain);
  }
  std::string file() const { return (dir.path / "node.ini").string(); }
};

} // namespace

TEST_CASE("the HTTP security options default to the blog's open API") {
  auto [result, file] = load_section("");
  REQUIRE(result.status == load_status::run);
  const auto& o = result.options;
  CHECK(o.http_port == 8080);
  CHECK(o.https_port == 0);
  CHECK(o.https_cert.empty());
  CHECK(o.https_key.empty());
  CHECK(o.https_client_ca.empty());
  CHECK(o.acl_read_tokens.empty());
  CHECK(o.acl_write_tokens.empty());
  CHECK(o.acl_admin_tokens.empty());
  CHECK(o.allow_get_writes);
  CHECK(o.request_header_timeout == 5s);
  CHECK(o.max_connections_per_client == 64);
}

TEST_CASE("HTTPS alone: http-port 0 with https-port, certificate, key and client CA") {
  https_files f;
  auto result =
      f.load("http-port=0\nhttps-port=8443\nhttps-cert=\"" + f.cert + "\"\nhttps-key=\""
             + f.key + "\"\nhttps-client-ca=\"" + f.ca + "\"");
  REQUIRE(result.status == load_status::run);
  CHECK(result.options.http_port == 0);
  CHECK(result.options.https_port == 8443);
  CHECK(result.options.https_cert == f.cert);
  CHECK(result.options.https_key == f.key);
  CHECK(result.options.https_client_ca == f.ca);
}

TEST_CASE("HTTPS settings that cannot work are errors naming the key and the file") {
  https_files f;
  auto files = "https-cert=\"" + f.cert + "\"\nhttps-key=\"" + f.key + "\"";
  struct row {
    std::string section;
    std::string expected;
  };
  const row rows[] = {
      {"http-port=0",
       "onevalue.http-port: http-port = 0 turns plain HTTP off and https-port is 0"},
      {"https-port=8443\nhttps-key=\"" + f.key + "\"",
       "onevalue.https-cert: https-port is 8443, so HTTPS needs a PEM file here"},
      {"https-port=8443\nhttps-cert=\"" + f.cert + "\"",
       "onevalue.https-key: https-port is 8443, so HTTPS needs a PEM file here"},
      {"https-port=8443\nhttps-cert=\"/nonexistent/node.crt\"\nhttps-key=\"" + f.key
           + "\"",
       "onevalue.https-cert: \"/nonexistent/node.crt\" is not a file"},
      {"https-port=8443\n" + files + "\nhttps-client-ca=\"" + f.dir.path.string() + "\"",
       "onevalue.https-client-ca: \"" + f.dir.path.string() + "\" is not a file"},
      {files, "onevalue.https-cert: is set but https-port is 0 (HTTPS off)"},
      {"https-port=8080\n" + files, "onevalue.https-port: http-port and https-port "
                                    "must differ (both are 8080)"},
      {"https-port=7946\n" + files, "onevalue.https-port: cluster-port and https-port "
                                    "must differ (both are 7946)"},
      {"https-port=70000",
       "onevalue.https-port: expected an integer in 0..65535, 0 = off"},
      {"allow-get-writes=\"no\"", "onevalue.allow-get-writes: expected true or false"},
      {"request-header-timeout=0s",
       "onevalue.request-header-timeout: expected a duration of at least 1ms, got 0s"},
      {"max-connections-per-client=-1",
       "onevalue.max-connections-per-client: expected an integer in 0..1000000, 0 = no "
       "limit, got -1"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.section);
    auto result = f.load(r.section);
    CHECK(result.status == load_status::exit_error);
    CHECK(result.message.find("config error in " + f.file() + ": ") == 0);
    CHECK(result.message.find(r.expected) != std::string::npos);
  }
}

TEST_CASE("tokens come from the file, or comma-separated from the environment") {
  https_files f;
  auto section = "acl-read-tokens=[\"" + read_token + "\"]\nacl-write-tokens=[\""
                 + write_token + "\"]\nallow-get-writes=false";
  auto from_file = f.load(section);
  REQUIRE(from_file.status == load_status::run);
  CHECK(from_file.options.acl_read_tokens == std::vector<std::string>{read_token});
  CHECK(from_file.options.acl_write_tokens == std::vector<std::string>{write_token});
  CHECK_FALSE(from_file.options.allow_get_writes);

  loader with_env;
  with_env.env["ONEVALUE_ACL_READ_TOKENS"] =
      "env-read-0123456789ab, env-read-second-0123";
  with_env.env["ONEVALUE_ACL_WRITE_TOKENS"] = "env-write-0123456789ab";
  auto from_env = f.load(section, with_env);
  REQUIRE(from_env.status == load_status::run);
  // The environment overrides the file, as for every option with a variable.
  CHECK(from_env.options.acl_read_tokens
        == std::vector<std::string>{"env-read-0123456789ab", "env-read-second-0123"});
  CHECK(from_env.options.acl_write_tokens
        == std::vector<std::string>{"env-write-0123456789ab"});
}

TEST_CASE("admin tokens come from the file or ONEVALUE_ACL_ADMIN_TOKENS, checked as "
          "every token") {
  https_files f;
  auto from_file = f.load("acl-admin-tokens=[\"admin-file-0123456789\"]");
  REQUIRE(from_file.status == load_status::run);
  CHECK(from_file.options.acl_admin_tokens
        == std::vector<std::string>{"admin-file-0123456789"});
  loader with_env;
  with_env.env["ONEVALUE_ACL_ADMIN_TOKENS"] =
      "admin-env-0123456789a,admin-env-0123456789b";
  auto from_env = f.load("acl-admin-tokens=[\"admin-file-0123456789\"]", with_env);
  REQUIRE(from_env.status == load_status::run);
  CHECK(from_env.options.acl_admin_tokens
        == std::vector<std::string>{"admin-env-0123456789a", "admin-env-0123456789b"});
  auto weak = f.load("acl-admin-tokens=[\"short\"]");
  CHECK(weak.status == load_status::exit_error);
  CHECK(weak.message.find("onevalue.acl-admin-tokens: ") != std::string::npos);
  CHECK(weak.message.find("\"short\"") == std::string::npos);
}

TEST_CASE("a token that is too short or has a space is refused without repeating it") {
  const std::string weak = "short";
  const std::string spaced = "has a space in it, long enough";
  auto [result, file] = load_section("acl-write-tokens=[\"" + weak + "\"]");
  CHECK(result.status == load_status::exit_error);
  CHECK(result.message.find("onevalue.acl-write-tokens: ") != std::string::npos);
  CHECK(result.message.find("\"" + weak + "\"") == std::string::npos);

  loader with_env;
  with_env.env["ONEVALUE_ACL_READ_TOKENS"] = spaced;
  auto from_env = with_env({});
  CHECK(from_env.status == load_status::exit_error);
  CHECK(from_env.message.find("config error in environment ONEVALUE_ACL_READ_TOKENS: "
                              "onevalue.acl-read-tokens")
        == 0);
  CHECK(from_env.message.find("has a space") == std::string::npos);
}

TEST_CASE("limits: max-connections-per-client 0 lifts the limit, timeouts take units") {
  auto [result, file] =
      load_section("max-connections-per-client=0\nrequest-header-timeout=1500ms");
  REQUIRE(result.status == load_status::run);
  CHECK(result.options.max_connections_per_client == 0);
  CHECK(result.options.request_header_timeout == 1500ms);
}
