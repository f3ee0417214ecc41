#include "http/api/keyring_routes.hpp"

#include "actors/core/key_encoding.hpp"
#include "http/api/json_codec.hpp"

#include <nlohmann/json.hpp>

namespace onevalue {

namespace {

constexpr const char* json_type = "application/json";

http_response reply(int status, const nlohmann::json& body) {
  return {status, json_type, json_body(body), {}};
}

nlohmann::json keys_json(const std::vector<key_info>& keys) {
  auto out = nlohmann::json::array();
  for (const auto& k : keys)
    out.push_back(
        {{"fingerprint", k.fingerprint}, {"primary", k.primary}, {"bytes", k.size}});
  return out;
}

nlohmann::json nodes_json(const keyring_report& r) {
  auto out = nlohmann::json::array();
  for (const auto& n : r.nodes) {
    nlohmann::json j{{"node", n.node}};
    if (n.answer) {
      j["result"] = to_string(n.answer->outcome);
      j["keys"] = keys_json(n.answer->keys);
      if (!n.answer->detail.empty())
        j["detail"] = n.answer->detail;
    } else {
      j["result"] = "unreachable";
      j["detail"] = n.error;
    }
    out.push_back(std::move(j));
  }
  return out;
}

} // namespace

keyring_body parse_keyring_body(std::string_view body) {
  keyring_body out;
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object() || parsed.size() != 1) {
    out.error = "expected a JSON object with exactly one of \"install\", \"use\" or "
                "\"remove\" and a base64 key, e.g. {\"install\": \"<key>\"}";
    return out;
  }
  auto field = parsed.begin().key();
  keyring_op op = keyring_op::list;
  if (field == "install")
    op = keyring_op::install;
  else if (field == "use")
    op = keyring_op::use;
  else if (field == "remove")
    op = keyring_op::remove;
  else {
    out.error = "unknown field \"" + field
                + "\"; expected \"install\", \"use\" or "
                  "\"remove\"";
    return out;
  }
  if (!parsed.begin().value().is_string()) {
    out.error = "\"" + field + "\" must be a base64 key as a JSON string";
    return out;
  }
  std::string why;
  auto key = parse_key(parsed.begin().value().get<std::string>(), why);
  if (!key) {
    out.error = "\"" + field + "\": " + why;
    return out;
  }
  out.command = keyring_command{op, *key};
  return out;
}

http_response keyring_response(const keyring_result& result) {
  using kind = keyring_result::kind;
  const auto& r = result.report;
  switch (result.outcome) {
  case kind::timeout:
    return reply(503, {{"error", "keyring request timed out: " + result.message}});
  case kind::failed:
    return reply(500, {{"error", "keyring request failed: " + result.message}});
  case kind::refused: {
    nlohmann::json body{{"error", result.message}};
    if (!r.nodes.empty())
      body["nodes"] = nodes_json(r);
    return reply(409, body);
  }
  case kind::ok:
    break;
  }
  nlohmann::json body;
  if (r.op == keyring_op::list) {
    auto keys = nlohmann::json::array();
    for (const auto& k : keys_by_holders(r))
      keys.push_back({{"fingerprint", k.fingerprint},
                      {"members", k.members},
                      {"primary_on", k.primary_on}});
    body["keys"] = std::move(keys);
    body["members"] = r.nodes.size();
  } else {
    body["op"] = to_string(r.op);
    body["fingerprint"] = r.fingerprint;
  }
  body["nodes"] = nodes_json(r);
  bool ok = all_succeeded(r);
  if (!ok)
    body["error"] = "not every member took the change; repeat the request once the "
                    "members named in nodes are reachable (it is idempotent)";
  return reply(ok ? 200 : 500, body);
}

} // namespace onevalue
