#include "app/cli/cli_http.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>

namespace onevalue::cli {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

class httplib_client : public api_client {
public:
  explicit httplib_client(const connection_options& options) : options_(options) {
    auto addr = options.http_addr;
    if (addr.find("://") == std::string::npos)
      addr = "http://" + addr;
    https_ = addr.rfind("https://", 0) == 0;
    if (!options.client_cert.empty() || !options.client_key.empty())
      client_ = std::make_unique<httplib::Client>(addr, options.client_cert,
                                                  options.client_key);
    else
      client_ = std::make_unique<httplib::Client>(addr);
    if (https_) {
      if (!options.ca_file.empty())
        client_->set_ca_cert_path(options.ca_file.c_str());
      client_->enable_server_certificate_verification(true);
    }
    if (!options.token.empty())
      client_->set_bearer_token_auth(options.token.c_str());
    client_->set_keep_alive(true);
  }

  http_reply send(const std::string& method, const std::string& path,
                  const std::string& body,
                  const std::map<std::string, std::string>& headers,
                  std::chrono::milliseconds timeout) override {
    http_reply out;
    if (!client_->is_valid()) {
      out.error = "cannot use the address " + options_.http_addr;
      return out;
    }
    client_->set_connection_timeout(options_.timeout);
    client_->set_read_timeout(timeout);
    client_->set_write_timeout(options_.timeout);
    httplib::Headers h;
    for (const auto& [k, v] : headers)
      h.emplace(k, v);
    httplib::Request req;
    req.method = method;
    req.path = path;
    req.headers = h;
    req.body = body;
    if (!body.empty() && !req.has_header("Content-Type"))
      req.set_header("Content-Type", "application/json");
    auto result = client_->send(req);
    if (!result) {
      out.error = "no answer from " + options_.http_addr + ": "
                  + httplib::to_string(result.error());
      return out;
    }
    out.answered = true;
    out.status = result->status;
    out.body = result->body;
    for (const auto& [k, v] : result->headers)
      out.headers[lower(k)] = v;
    return out;
  }

private:
  connection_options options_;
  bool https_ = false;
  std::unique_ptr<httplib::Client> client_;
};

} // namespace

std::unique_ptr<api_client> make_http_client(const connection_options& options) {
  return std::make_unique<httplib_client>(options);
}

} // namespace onevalue::cli
