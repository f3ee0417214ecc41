// `onevalue watch` (see cli_watch.hpp): the loop of blocking reads, and the -handler
// runner the real CLI uses.

#include "app/cli/cli_watch.hpp"

#include "app/cli/cli_format.hpp"
#include "app/cli/cli_replies.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <thread>

namespace onevalue::cli {

namespace {

/// How long one blocking read asks the node to wait, and how much longer the client
/// waits for its answer.
constexpr std::chrono::minutes watch_wait{5};
constexpr std::chrono::seconds watch_slack{10};

/// Prints one value, or hands it to the -handler command (reporting a failed run).
void deliver(const invocation& inv, const nlohmann::json& value, std::ostream& out,
             std::ostream& err, const watch_hooks& hooks) {
  auto v = std::to_string(value.at("value").get<int64_t>());
  if (!inv.has("handler")) {
    out << v << std::endl;
    return;
  }
  std::map<std::string, std::string> env{
      {"ONEVALUE_VALUE", v},
      {"ONEVALUE_VERSION", format_version(value)},
      {"ONEVALUE_INDEX", std::to_string(value.at("index").get<uint64_t>())}};
  int status = hooks.run_handler(inv.flag("handler"), v + "\n", env);
  if (status != 0)
    err << "onevalue: watch: handler exited with status " << status << " for value " << v
        << "\n";
}

/// Runs `command` with /bin/sh (popen), `input` on its stdin, `env` set in this
/// process first (the child inherits it); 127 if it cannot start, 128 + the signal
/// if one ended it.
int run_with_shell(const std::string& command, const std::string& input,
                   const std::map<std::string, std::string>& env) {
  for (const auto& [k, v] : env)
    ::setenv(k.c_str(), v.c_str(), 1);
  FILE* pipe = ::popen(command.c_str(), "w");
  if (!pipe)
    return 127;
  std::fwrite(input.data(), 1, input.size(), pipe);
  int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace

watch_hooks default_watch_hooks() {
  return {[](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); },
          [] { return false; }, run_with_shell};
}

int cmd_watch(const invocation& inv, api_client& client, std::ostream& out,
              std::ostream& err, const watch_hooks& hooks) {
  bool first = true;
  uint64_t index = 0;
  while (!hooks.stop()) {
    std::string path = "/v1/value";
    auto timeout = inv.connection.timeout;
    if (!first) {
      path += "?index=" + std::to_string(index)
              + "&wait=" + std::to_string(watch_wait.count()) + "m";
      timeout = watch_wait + watch_slack;
    }
    auto r = client.send("GET", path, "", {}, timeout);
    nlohmann::json value;
    if (!r.answered || r.status != 200 || !parse_body(r, value, err)) {
      if (r.answered && r.status != 200)
        report_failure(r, err);
      else if (!r.answered)
        err << "onevalue: watch: " << r.error << "; retrying\n";
      hooks.pause(std::chrono::seconds{1});
      continue;
    }
    try {
      auto got = value.at("index").get<uint64_t>();
      if (first || got > index) {
        index = got;
        deliver(inv, value, out, err, hooks);
      }
      first = false;
    } catch (const nlohmann::json::exception& e) {
      err << "onevalue: watch: unexpected answer from the node: " << e.what() << "\n";
      return exit_usage;
    }
  }
  return exit_ok;
}

} // namespace onevalue::cli
