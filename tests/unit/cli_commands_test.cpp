#include "app/cli/cli_commands.hpp"

#include <doctest/doctest.h>

#include <deque>
#include <sstream>

using namespace onevalue::cli;

namespace {

/// Answers requests from a script and records what was sent.
struct scripted_client : api_client {
  struct sent {
    std::string method, path, body;
    std::map<std::string, std::string> headers;
  };
  std::deque<http_reply> replies;
  std::vector<sent> requests;

  http_reply send(const std::string& method, const std::string& path,
                  const std::string& body,
                  const std::map<std::string, std::string>& headers,
                  std::chrono::milliseconds) override {
    requests.push_back({method, path, body, headers});
    REQUIRE_FALSE(replies.empty());
    auto r = replies.front();
    replies.pop_front();
    return r;
  }
};

http_reply answer(int status, std::string body) {
  http_reply r;
  r.answered = true;
  r.status = status;
  r.body = std::move(body);
  return r;
}

http_reply no_answer() {
  http_reply r;
  r.error = "Connection";
  return r;
}

const std::string value_7 =
    R"({"index":7,"synchronized":true,"value":5,"version":{"counter":7,"node":"n2"}})";

struct fixture {
  scripted_client client;
  std::ostringstream out, err;
  watch_hooks hooks = default_watch_hooks();

  int run(std::vector<std::string> args) {
    auto p = parse_arguments(args, {});
    REQUIRE(p.parsed);
    return run_command(*p.parsed, client, out, err, hooks);
  }
};

} // namespace

TEST_CASE_FIXTURE(fixture,
                  "get prints the plain value with a newline; -detailed the version") {
  client.replies.push_back(answer(200, "5"));
  CHECK(run({"get"}) == 0);
  CHECK(out.str() == "5\n");
  CHECK(client.requests.back().path == "/get");
  out.str("");
  client.replies.push_back(answer(200, value_7));
  CHECK(run({"get", "-detailed"}) == 0);
  CHECK(out.str().find("version       7-n2") != std::string::npos);
  CHECK(out.str().find("writer        n2") != std::string::npos);
  CHECK(out.str().find("synchronized  true") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "set sends a JSON PUT; -cas becomes a quoted If-Match") {
  client.replies.push_back(answer(200, value_7));
  CHECK(run({"set", "5", "-cas", "6-n1"}) == 0);
  CHECK(out.str() == "5\n");
  auto& req = client.requests.back();
  CHECK(req.method == "PUT");
  CHECK(req.path == "/v1/value");
  CHECK(req.body == R"({"value":5})");
  CHECK(req.headers.at("If-Match") == "\"6-n1\"");
}

TEST_CASE_FIXTURE(fixture, "a failed -cas exits 1 and prints the current value") {
  client.replies.push_back(answer(412, value_7));
  CHECK(run({"set", "9", "-cas", "6-n1"}) == 1);
  CHECK(out.str() == "5\n");
  CHECK(err.str().find("version is 7-n2, not 6-n1") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "set refuses a non-integer before sending anything (exit 2)") {
  CHECK(run({"set", "12abc"}) == 2);
  CHECK(client.requests.empty());
  CHECK(run({"set", "9223372036854775808"}) == 2);
}

TEST_CASE_FIXTURE(fixture, "a refusal exits 1 with the node's error; no answer exits 2") {
  client.replies.push_back(answer(503, R"({"error":"node has not synchronized"})"));
  CHECK(run({"set", "1"}) == 1);
  CHECK(err.str().find("503: node has not synchronized") != std::string::npos);
  client.replies.push_back(no_answer());
  CHECK(run({"get"}) == 2);
  CHECK(err.str().find("Connection") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "members prints a table or JSON, filtered by state") {
  std::string body = R"([{"name":"n2","address":"127.0.0.2","cluster_port":7946,)"
                     R"("http_port":8080,"state":"failed","incarnation":3},)"
                     R"({"name":"n1","address":"127.0.0.1","cluster_port":7946,)"
                     R"("http_port":8080,"state":"alive","incarnation":1}])";
  client.replies.push_back(answer(200, body));
  CHECK(run({"members"}) == 0);
  CHECK(out.str()
        == "NAME  ADDRESS         STATE   INCARNATION  HTTP\n"
           "n1    127.0.0.1:7946  alive   1            8080\n"
           "n2    127.0.0.2:7946  failed  3            8080\n");
  out.str("");
  client.replies.push_back(answer(200, body));
  CHECK(run({"members", "-status", "failed", "-format", "json"}) == 0);
  CHECK(out.str().find("\"n2\"") != std::string::npos);
  CHECK(out.str().find("\"n1\"") == std::string::npos);
  CHECK(run({"members", "-status", "dead"}) == 2);
  CHECK(run({"members", "-format", "yaml"}) == 2);
}

TEST_CASE_FIXTURE(fixture, "force-leave POSTs the member's leave and prints its entry") {
  client.replies.push_back(
      answer(200, R"({"name":"n3","address":"127.0.0.3","cluster_port":7946,)"
                  R"("http_port":8080,"state":"left","incarnation":4})"));
  CHECK(run({"force-leave", "n3"}) == 0);
  REQUIRE(client.requests.size() == 1);
  CHECK(client.requests[0].method == "POST");
  CHECK(client.requests[0].path == "/v1/members/n3/leave");
  CHECK(out.str()
        == "NAME  ADDRESS         STATE  INCARNATION  HTTP\n"
           "n3    127.0.0.3:7946  left   4            8080\n");
}

TEST_CASE_FIXTURE(fixture,
                  "force-leave exits 1 on a refusal, 2 on a bad name or no answer") {
  client.replies.push_back(
      answer(409, R"({"error":"n2 is alive: only a failed member"})"));
  CHECK(run({"force-leave", "n2"}) == 1);
  CHECK(err.str().find("409: n2 is alive") != std::string::npos);
  client.replies.push_back(answer(404, R"({"error":"no member named zz"})"));
  CHECK(run({"force-leave", "zz"}) == 1);
  CHECK(run({"force-leave", "../v1/value"}) == 2);
  CHECK(run({"force-leave", "a b"}) == 2);
  CHECK(client.requests.size() == 2);
  client.replies.push_back(no_answer());
  CHECK(run({"force-leave", "n4"}) == 2);
  CHECK_FALSE(parse_arguments({"force-leave"}, {}).parsed);
  CHECK_FALSE(parse_arguments({"force-leave", "a", "b"}, {}).parsed);
}

TEST_CASE_FIXTURE(fixture, "health exits 0 on 200 and 1 on 503") {
  client.replies.push_back(answer(200, R"({"status":"ok"})"));
  CHECK(run({"health"}) == 0);
  client.replies.push_back(answer(503, R"({"status":"syncing"})"));
  CHECK(run({"health"}) == 1);
  CHECK(out.str().find("syncing") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture,
                  "metrics prints the scrape as it came and fails on anything but 200") {
  const std::string scrape =
      "# TYPE onevalue_writes_total counter\nonevalue_writes_total{result=\"ok\"} 3\n";
  client.replies.push_back(answer(200, scrape));
  CHECK(run({"metrics"}) == 0);
  CHECK(out.str() == scrape);
  REQUIRE(client.requests.size() == 1);
  CHECK(client.requests[0].method == "GET");
  CHECK(client.requests[0].path == "/metrics");
  client.replies.push_back(answer(404, R"({"error":"this node keeps no metrics"})"));
  CHECK(run({"metrics"}) == 1);
  CHECK(err.str().find("no metrics") != std::string::npos);
  client.replies.push_back(no_answer());
  CHECK(run({"metrics"}) == 2);
}

TEST_CASE_FIXTURE(
    fixture, "watch prints the current value, then each newer one by blocking reads") {
  std::size_t rounds = 0;
  std::vector<std::chrono::milliseconds> pauses;
  hooks.stop = [&] { return rounds++ == 5; };
  hooks.pause = [&](std::chrono::milliseconds d) { pauses.push_back(d); };
  client.replies.push_back(answer(200, value_7));
  client.replies.push_back(answer(200, value_7)); // the wait ran out: same index
  client.replies.push_back(no_answer());          // the node restarts: retried
  client.replies.push_back(
      answer(200, R"({"index":9,"value":-3,"version":{"counter":9,"node":"n1"}})"));
  client.replies.push_back(
      answer(200, R"({"index":10,"value":4,"version":{"counter":10,"node":"n3"}})"));
  CHECK(run({"watch"}) == 0);
  CHECK(out.str() == "5\n-3\n4\n");
  CHECK(pauses.size() == 1);
  CHECK(client.requests[0].path == "/v1/value");
  CHECK(client.requests[1].path == "/v1/value?index=7&wait=5m");
  CHECK(client.requests[4].path == "/v1/value?index=9&wait=5m");
}

TEST_CASE_FIXTURE(fixture,
                  "watch -handler runs the command per value with its environment") {
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> runs;
  std::size_t rounds = 0;
  hooks.stop = [&] { return rounds++ == 2; };
  hooks.run_handler = [&](const std::string& cmd, const std::string& input,
                          const std::map<std::string, std::string>& env) {
    CHECK(cmd == "reload.sh");
    runs.emplace_back(input, env);
    return runs.size() == 2 ? 3 : 0;
  };
  client.replies.push_back(answer(200, value_7));
  client.replies.push_back(
      answer(200, R"({"index":9,"value":-3,"version":{"counter":9,"node":"n1"}})"));
  CHECK(run({"watch", "-handler", "reload.sh"}) == 0);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].first == "5\n");
  CHECK(runs[0].second.at("ONEVALUE_VERSION") == "7-n2");
  CHECK(runs[1].second.at("ONEVALUE_VALUE") == "-3");
  CHECK(runs[1].second.at("ONEVALUE_INDEX") == "9");
  CHECK(out.str().empty());
  CHECK(err.str().find("handler exited with status 3 for value -3") != std::string::npos);
}
