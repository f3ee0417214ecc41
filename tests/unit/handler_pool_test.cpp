#include "actors/handler_pool.hpp"

#include <doctest/doctest.h>

#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <mutex>

#include <sys/stat.h>
#include <unistd.h>

using namespace onevalue;
using namespace std::chrono_literals;

namespace {

/// Records finished runs; waits for a number of them (with a deadline).
struct recorder {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::pair<std::string, process_result>> runs;

  handler_pool::observer observer() {
    return [this](const handler_job& job, const process_result& r) {
      std::lock_guard<std::mutex> guard{mutex};
      runs.emplace_back(job.command, r);
      changed.notify_all();
    };
  }

  bool wait_for(std::size_t n, std::chrono::seconds deadline = 20s) {
    std::unique_lock<std::mutex> lock{mutex};
    return changed.wait_for(lock, deadline, [&] { return runs.size() >= n; });
  }
};

handler_job job(event_type type, std::string command, std::string input = "") {
  return {type, std::move(command), std::move(input), {}};
}

} // namespace

TEST_CASE("runs of one type finish in order; a hanging one does not block others") {
  recorder rec;
  handler_pool_settings s;
  s.concurrency = 2;
  s.timeout = 10s;
  handler_pool pool{s, rec.observer()};
  // A value handler that waits until the member handler below has run shows the lanes
  // are independent: with one lane at a time it would time out.
  std::string flag = "/tmp/onevalue-pool-test-" + std::to_string(::getpid());
  std::remove(flag.c_str());
  pool.submit({job(event_type::value, "i=0; while [ ! -e " + flag
                                          + " ] && [ $i -lt 1000 ]; do "
                                            "/bin/sleep 0.01; i=$((i+1)); done; [ -e "
                                          + flag + " ]"),
               job(event_type::value, "echo second >&2")});
  pool.submit({job(event_type::member_join, "touch " + flag)});
  REQUIRE(rec.wait_for(3));
  std::lock_guard<std::mutex> guard{rec.mutex};
  // Exit 0: the first value run saw the flag, so the member-join run went while the
  // value lane was busy. The value runs finished in the order they were submitted.
  std::vector<std::string> value_runs;
  for (const auto& [command, result] : rec.runs) {
    CHECK(result.exit_code == 0);
    if (command != "touch " + flag)
      value_runs.push_back(command);
  }
  REQUIRE(value_runs.size() == 2);
  CHECK(value_runs[0].rfind("i=0;", 0) == 0);
  CHECK(value_runs[1] == "echo second >&2");
  std::remove(flag.c_str());
}

TEST_CASE("stop cancels a running handler and drops waiting ones") {
  recorder rec;
  handler_pool_settings s;
  s.concurrency = 1;
  s.timeout = 30s;
  s.kill_grace = 500ms;
  handler_pool pool{s, rec.observer()};
  // The running handler says it started through a FIFO: opening it for reading waits
  // until the handler opened it for writing.
  std::string fifo = "/tmp/onevalue-pool-fifo-" + std::to_string(::getpid());
  std::remove(fifo.c_str());
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  pool.submit({job(event_type::value, "echo started > " + fifo + "; exec /bin/sleep 30"),
               job(event_type::value, "/bin/true")});
  {
    std::ifstream started{fifo};
    std::string line;
    std::getline(started, line);
    CHECK(line == "started");
  }
  pool.stop();
  std::remove(fifo.c_str());
  std::lock_guard<std::mutex> guard{rec.mutex};
  REQUIRE(rec.runs.size() == 1);
  CHECK(rec.runs[0].second.cancelled);
  CHECK(rec.runs[0].second.signal == SIGTERM);
  CHECK(rec.runs[0].second.duration < 10s);
  pool.submit({job(event_type::value, "/bin/true")}); // ignored after stop
  CHECK(rec.runs.size() == 1);
}

TEST_CASE("the queue bound drops the oldest waiting runs") {
  recorder rec;
  handler_pool_settings s;
  s.concurrency = 1;
  s.queue_limit = 2;
  s.timeout = 10s;
  handler_pool pool{s, rec.observer()};
  std::vector<handler_job> burst;
  for (int i = 0; i < 6; ++i)
    burst.push_back(job(event_type::value, "echo " + std::to_string(i) + " >&2"));
  pool.submit(std::move(burst));
  // All six arrive under one lock, before any can start: 0..3 are dropped.
  REQUIRE(rec.wait_for(2));
  CHECK(pool.dropped() == 4);
  pool.stop();
  std::lock_guard<std::mutex> guard{rec.mutex};
  REQUIRE(rec.runs.size() == 2);
  CHECK(rec.runs[0].second.stderr_text == "4\n");
  CHECK(rec.runs[1].second.stderr_text == "5\n");
}
