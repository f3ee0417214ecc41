#include "actors/process_runner.hpp"

#include <doctest/doctest.h>

#include <csignal>

#include <unistd.h>

using namespace onevalue;
using namespace std::chrono_literals;

namespace {

process_request request(std::string command, std::string input = "") {
  process_request r;
  r.command = std::move(command);
  r.input = std::move(input);
  r.timeout = 10s;
  r.kill_grace = 1s;
  return r;
}

} // namespace

TEST_CASE("commands without shell characters run directly; others through /bin/sh") {
  CHECK(command_argv("/bin/cat") == std::vector<std::string>{"/bin/cat"});
  CHECK(command_argv("  /usr/bin/logger  -t onevalue ")
        == std::vector<std::string>{"/usr/bin/logger", "-t", "onevalue"});
  CHECK(command_argv("cat > /tmp/x")
        == std::vector<std::string>{"/bin/sh", "-c", "cat > /tmp/x"});
  CHECK(needs_shell("echo $ONEVALUE_VALUE"));
  CHECK(needs_shell("a 'b c'"));
  CHECK_FALSE(needs_shell("/opt/handler --verbose"));
  CHECK(command_argv("   ").empty());
}

TEST_CASE("a handler gets its input on stdin and its variables; stderr is captured") {
  auto r = request("printf '%s|' \"$ONEVALUE_EVENT\" >&2; cat >&2; exit 3", "n2\tx\n");
  r.env = {{"ONEVALUE_EVENT", "member-join"}};
  auto result = run_process(r);
  REQUIRE(result.started);
  CHECK(result.exit_code == 3);
  CHECK(result.signal == 0);
  CHECK_FALSE(result.timed_out);
  CHECK(result.stderr_text == "member-join|n2\tx\n");
}

TEST_CASE("a large input reaches stdin whole (written without blocking)") {
  std::string big(300000, 'x');
  auto result = run_process(request("/bin/sh -c 'wc -c >&2'", big));
  REQUIRE(result.started);
  CHECK(result.exit_code == 0);
  CHECK(result.stderr_text == "300000\n");
}

TEST_CASE("stderr is kept up to its bound and the rest counted") {
  auto r = request("head -c 10000 /dev/zero | tr '\\0' e >&2");
  r.max_stderr_bytes = 100;
  auto result = run_process(r);
  REQUIRE(result.started);
  CHECK(result.exit_code == 0);
  CHECK(result.stderr_text == std::string(100, 'e'));
  CHECK(result.stderr_dropped == 9900);
}

TEST_CASE("a handler that ignores its stdin and exits does not hurt the caller") {
  auto result = run_process(request("/bin/true", std::string(1 << 20, 'x')));
  REQUIRE(result.started);
  CHECK(result.exit_code == 0);
}

TEST_CASE("a missing program is reported, not thrown") {
  auto result = run_process(request("/nonexistent/handler"));
  CHECK_FALSE(result.started);
  CHECK(result.error.find("/nonexistent/handler") != std::string::npos);
}

TEST_CASE("a hanging handler gets SIGTERM at its timeout") {
  auto r = request("/bin/sleep 30");
  r.timeout = 200ms;
  auto result = run_process(r);
  REQUIRE(result.started);
  CHECK(result.timed_out);
  CHECK_FALSE(result.killed);
  CHECK(result.signal == SIGTERM);
  CHECK(result.duration >= 200ms);
  CHECK(result.duration < 5s);
}

TEST_CASE("a handler that ignores SIGTERM gets SIGKILL after the grace period") {
  auto r = request("trap '' TERM; echo ready >&2; while :; do /bin/sleep 1; done");
  r.timeout = 300ms;
  r.kill_grace = 300ms;
  auto result = run_process(r);
  REQUIRE(result.started);
  CHECK(result.timed_out);
  CHECK(result.killed);
  CHECK(result.signal == SIGKILL);
  CHECK(result.stderr_text == "ready\n");
}

TEST_CASE("a readable cancel descriptor ends the run as a timeout would") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  REQUIRE(::write(fds[1], "x", 1) == 1);
  auto result = run_process(request("/bin/sleep 30"), fds[0]);
  ::close(fds[0]);
  ::close(fds[1]);
  REQUIRE(result.started);
  CHECK(result.cancelled);
  CHECK(result.timed_out);
  CHECK(result.signal == SIGTERM);
}
