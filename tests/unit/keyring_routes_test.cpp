#include "actors/core/key_encoding.hpp"
#include "http/api/keyring_routes.hpp"
#include "tests/unit/crypto_test_util.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace onevalue;
using namespace onevalue::testing;

namespace {

const auto key = filled_key(32, 'k');

keyring_answer answer(keyring_outcome o, bool with_key) {
  keyring_answer a;
  a.outcome = o;
  a.keys.push_back(key_info{"aaaa", true, 32});
  if (with_key)
    a.keys.push_back(key_info{key_fingerprint(key), false, 32});
  return a;
}

} // namespace

TEST_CASE("a keyring body names exactly one change and a valid key") {
  auto ok = parse_keyring_body("{\"install\": \"" + format_key(key) + "\"}");
  REQUIRE(ok.command);
  CHECK(ok.command->op == keyring_op::install);
  CHECK(*ok.command->key == key);
  CHECK(parse_keyring_body("{\"use\": \"" + format_key(key) + "\"}").command->op
        == keyring_op::use);
  for (std::string bad :
       {"", "[]", "{}", "{\"install\": 5}", "{\"rotate\": \"x\"}",
        "{\"install\": \"a\", \"use\": \"b\"}", "{\"remove\": \"not base64!\"}"}) {
    CAPTURE(bad);
    auto parsed = parse_keyring_body(bad);
    CHECK_FALSE(parsed.command);
    CHECK_FALSE(parsed.error.empty());
  }
  // The error never quotes the key, even a wrong one.
  auto short_key = parse_keyring_body("{\"install\": \"c2hvcnRrZXk=\"}");
  CHECK(short_key.error.find("c2hvcnRrZXk=") == std::string::npos);
}

TEST_CASE("a listing counts the members holding each key") {
  keyring_result r;
  r.report.op = keyring_op::list;
  r.report.nodes = {{"n1", answer(keyring_outcome::unchanged, true), {}},
                    {"n2", answer(keyring_outcome::unchanged, false), {}},
                    {"n3", std::nullopt, "connect timed out"}};
  auto res = keyring_response(r);
  CHECK(res.status == 500); // n3 could not be asked
  auto body = nlohmann::json::parse(res.body);
  CHECK(body["members"] == 3);
  CHECK(body["keys"][0]
        == nlohmann::json{{"fingerprint", "aaaa"}, {"members", 2}, {"primary_on", 2}});
  CHECK(body["keys"][1]["members"] == 1);
  CHECK(body["nodes"][2]["result"] == "unreachable");
  CHECK(body["nodes"][2]["detail"] == "connect timed out");
}

TEST_CASE("a change answers 200 when every member took it, 409 when refused here") {
  keyring_result r;
  r.report.op = keyring_op::install;
  r.report.fingerprint = key_fingerprint(key);
  r.report.nodes = {{"n1", answer(keyring_outcome::changed, true), {}},
                    {"n2", answer(keyring_outcome::unchanged, true), {}}};
  auto res = keyring_response(r);
  CHECK(res.status == 200);
  auto body = nlohmann::json::parse(res.body);
  CHECK(body["op"] == "install");
  CHECK(body["fingerprint"] == key_fingerprint(key));
  CHECK(body["nodes"][0]["result"] == "changed");
  CHECK(res.body.find(format_key(key)) == std::string::npos);
  r.outcome = keyring_result::kind::refused;
  r.message = "key aaaa is the primary key";
  CHECK(keyring_response(r).status == 409);
  r.outcome = keyring_result::kind::timeout;
  CHECK(keyring_response(r).status == 503);
}
