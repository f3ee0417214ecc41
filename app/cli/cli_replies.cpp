// How the client subcommands read a node's answer (see cli_replies.hpp).

#include "app/cli/cli_replies.hpp"

#include <string>

namespace onevalue::cli {

int report_failure(const http_reply& r, std::ostream& err) {
  if (!r.answered) {
    err << "onevalue: " << r.error << "\n";
    return exit_usage;
  }
  std::string message = r.body;
  auto parsed = nlohmann::json::parse(r.body, nullptr, false);
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_string())
    message = parsed["error"].get<std::string>();
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r'))
    message.pop_back();
  err << "onevalue: the node answered " << r.status << ": " << message << "\n";
  return exit_refused;
}

bool parse_body(const http_reply& r, nlohmann::json& out, std::ostream& err) {
  out = nlohmann::json::parse(r.body, nullptr, false);
  if (out.is_discarded()) {
    err << "onevalue: the node's answer is not JSON: " << r.body.substr(0, 200) << "\n";
    return false;
  }
  return true;
}

} // namespace onevalue::cli
