// Benchmark server (not a test): the node's HTTP stack (http_server, the router with
// its access control, a snapshot store) on a backend that applies writes at once in
// memory, so the HTTP layer's own cost (plain, TLS, tokens) is measured without the
// store and cluster around it. tests/bench/http_security.py drives it with wrk.
//
//   http_bench_server --bind 127.0.0.1 --port 8080 [--https-port 8443 --cert F --key F]
//                     [--read-token T] [--write-token T] [--threads 2]
//
// Prints "ready http=<port> https=<port>" once listening and serves until SIGINT or
// SIGTERM.

#include "http/api/access_control.hpp"
#include "http/api/router.hpp"
#include "http/server/http_server.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>

using namespace onevalue;

namespace {

/// Writes are applied at once under a lock and published to the snapshot store.
class memory_backend : public gateway_backend {
public:
  memory_backend() {
    snapshots_.publish_value({0, {0, ""}});
    snapshots_.publish_synchronized();
  }
  std::shared_ptr<const node_view> view() const override { return snapshots_.load(); }
  void write(int64_t n, write_callback done) override {
    versioned_value v;
    {
      std::lock_guard<std::mutex> guard{mutex_};
      v = {n, {++counter_, "bench"}};
      snapshots_.publish_value(v);
    }
    done(write_outcome::success(v));
  }
  void write_if(int64_t n, const version&, write_callback done) override {
    write(n, std::move(done));
  }
  void watch(uint64_t index, std::chrono::milliseconds wait,
             watch_callback done) override {
    snapshots_.watch(index, wait, std::move(done));
  }
  void force_leave(const std::string&, leave_callback done) override {
    done(leave_outcome{leave_outcome::kind::unknown_member, {}, ""});
  }
  void stop() { snapshots_.stop_watchers(); }

private:
  std::mutex mutex_;
  uint64_t counter_ = 0;
  snapshot_store snapshots_{"bench", 1024};
};

} // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i + 1 < argc; i += 2)
    args[argv[i]] = argv[i + 1];
  auto arg = [&](const std::string& key, const std::string& fallback) {
    auto it = args.find(key);
    return it == args.end() ? fallback : it->second;
  };
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  http_server_settings s;
  s.bind_address = arg("--bind", "127.0.0.1");
  s.port = static_cast<uint16_t>(std::stoi(arg("--port", "0")));
  s.threads = std::stoi(arg("--threads", "2"));
  if (args.count("--https-port") != 0) {
    s.tls.enabled = true;
    s.tls.port = static_cast<uint16_t>(std::stoi(arg("--https-port", "0")));
    s.tls.cert_file = arg("--cert", "");
    s.tls.key_file = arg("--key", "");
  }
  access_settings rules;
  if (args.count("--read-token") != 0)
    rules.read_tokens.push_back(arg("--read-token", ""));
  if (args.count("--write-token") != 0)
    rules.write_tokens.push_back(arg("--write-token", ""));
  memory_backend backend;
  router_limits limits{s.max_body_bytes, std::make_shared<access_control>(rules)};
  http_server server{api_handler(backend, limits), s};
  if (auto error = server.start(); !error.empty()) {
    std::cerr << error << '\n';
    return EXIT_FAILURE;
  }
  std::cout << "ready http=" << server.port() << " https=" << server.tls_port()
            << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
  backend.stop();
  server.stop();
  return EXIT_SUCCESS;
}
