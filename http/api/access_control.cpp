#include "http/api/access_control.hpp"

#include "http/api/json_codec.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <string_view>

namespace onevalue {

namespace {

constexpr std::size_t min_token_length = 16;
constexpr std::size_t max_token_length = 4096;
constexpr const char* json_type = "application/json";
constexpr const char* realm = "Bearer realm=\"onevalue\"";

/// The methods `/set/{n}` accepts when GET may not write.
constexpr const char* set_methods_without_get = "POST, PUT, OPTIONS";

std::array<unsigned char, 32> sha256(std::string_view text) {
  std::array<unsigned char, 32> out{};
  unsigned int length = 0;
  // SHA-256 cannot fail on memory input; a zero digest (never a token's) if it did.
  if (EVP_Digest(text.data(), text.size(), out.data(), &length, EVP_sha256(), nullptr)
      != 1)
    out.fill(0);
  return out;
}

std::string_view path_of(const http_request& request) {
  std::string_view path = request.path;
  return path.substr(0, path.find('?'));
}

bool is_set_path(std::string_view path) {
  return path.substr(0, 5) == "/set/";
}

/// Whether the request may change state: every method but GET, HEAD and OPTIONS, and
/// `GET /set/{n}`.
bool is_write(const http_request& request) {
  if (request.method == "HEAD" || request.method == "OPTIONS")
    return false;
  if (request.method == "GET")
    return is_set_path(path_of(request));
  return true;
}

/// Whether the request changes the cluster's keyring (install, use or remove a key).
bool is_key_management(const http_request& request) {
  return path_of(request) == "/v1/keyring" && request.method != "GET"
         && request.method != "HEAD" && request.method != "OPTIONS";
}

bool is_health(const http_request& request) {
  return path_of(request) == "/health"
         && (request.method == "GET" || request.method == "HEAD"
             || request.method == "OPTIONS");
}

http_response refusal(int status, const std::string& message) {
  return {status, json_type, error_body(message), {}};
}

http_response unauthorized(const std::string& message, bool invalid_token) {
  auto res = refusal(401, message);
  res.headers.emplace_back(
      "WWW-Authenticate", invalid_token ? std::string{realm} + ", error=\"invalid_token\""
                                        : std::string{realm});
  return res;
}

/// The token in `Authorization: Bearer <token>`; nullopt if the header is absent, ""
/// if it is there in another form.
std::optional<std::string_view> bearer_token(const http_request& request) {
  auto it = request.headers.find("authorization");
  if (it == request.headers.end())
    return std::nullopt;
  std::string_view value = it->second;
  auto space = value.find(' ');
  if (space != 6)
    return std::string_view{};
  auto scheme = value.substr(0, space);
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if ((scheme[i] | 0x20) != "bearer"[i])
      return std::string_view{};
  auto token = value.substr(space);
  token.remove_prefix(std::min(token.find_first_not_of(' '), token.size()));
  return token;
}

/// Reduces a `/health` response to its `status` field.
void keep_only_status(http_response& res) {
  auto body = nlohmann::json::parse(res.body, nullptr, false);
  if (!body.is_object() || !body.contains("status"))
    return; // an error body says nothing about the node
  res.body = json_body(nlohmann::json{{"status", body["status"]}});
}

} // namespace

std::string check_token(const std::string& token) {
  if (token.size() < min_token_length)
    return "a token must have at least " + std::to_string(min_token_length)
           + " characters (e.g. from `openssl rand -hex 16`)";
  if (token.size() > max_token_length)
    return "a token must have at most " + std::to_string(max_token_length)
           + " characters";
  for (char c : token)
    if (c <= 0x20 || c >= 0x7f || c == ',')
      return "a token may only hold visible ASCII characters other than ','";
  return "";
}

access_control::access_control(const access_settings& settings)
    : allow_get_writes_(settings.allow_get_writes) {
  for (const auto& t : settings.read_tokens)
    tokens_.push_back({sha256(t), grant::read});
  for (const auto& t : settings.write_tokens)
    tokens_.push_back({sha256(t), grant::write});
  for (const auto& t : settings.admin_tokens)
    tokens_.push_back({sha256(t), grant::admin});
}

access_control::grant access_control::grant_of(const http_request& request) const {
  auto bearer = bearer_token(request);
  auto other = request.headers.find("x-onevalue-token");
  std::optional<std::string_view> token = bearer;
  if (!token && other != request.headers.end())
    token = other->second;
  if (!token)
    return grant::none;
  if (token->empty())
    return grant::unknown;
  auto presented = sha256(*token);
  // Every configured token is compared, whatever matched before; a token listed in
  // more than one class gets the widest (read < write < admin).
  auto found = grant::unknown;
  for (const auto& known : tokens_) {
    bool match =
        CRYPTO_memcmp(presented.data(), known.hash.data(), presented.size()) == 0;
    if (match && (found == grant::unknown || known.access > found))
      found = known.access;
  }
  return found;
}

std::optional<http_response> access_control::check(const http_request& request,
                                                   responder& respond) const {
  if (tokens_required()) {
    auto bearer = bearer_token(request);
    auto other = request.headers.find("x-onevalue-token");
    if (bearer && other != request.headers.end() && *bearer != other->second)
      return refusal(400, "Authorization and X-Onevalue-Token carry different tokens");
    auto access = grant_of(request);
    if (access == grant::unknown)
      return unauthorized("unknown token", true);
    if (access == grant::none) {
      if (is_health(request)) {
        respond = [inner = std::move(respond)](http_response res) {
          keep_only_status(res);
          inner(std::move(res));
        };
        return std::nullopt;
      }
      return unauthorized("this node requires a token: send Authorization: Bearer "
                          "<token> or X-Onevalue-Token: <token>",
                          false);
    }
    if (access != grant::admin && is_key_management(request))
      return refusal(403, "changing the keyring needs an admin token (acl-admin-tokens): "
                          "a key installed here is the cluster's key");
    if (access == grant::read && is_write(request))
      return refusal(403, "this token may only read; " + request.method + " "
                              + std::string{path_of(request)} + " needs a write token");
  }
  if (!allow_get_writes_ && is_set_path(path_of(request))) {
    if (request.method == "GET" || request.method == "HEAD") {
      auto res = refusal(405, "GET does not write on this node (allow-get-writes is "
                              "off); use POST or PUT");
      res.headers.emplace_back("Allow", set_methods_without_get);
      return res;
    }
    if (request.method == "OPTIONS") {
      http_response res{204, "", "", {}};
      res.headers.emplace_back("Allow", set_methods_without_get);
      return res;
    }
  }
  return std::nullopt;
}

bool admit(const access_control* access, const http_request& request,
           responder& respond) {
  if (access == nullptr)
    return true;
  auto refused = access->check(request, respond);
  if (!refused)
    return true;
  respond(std::move(*refused));
  return false;
}

} // namespace onevalue
