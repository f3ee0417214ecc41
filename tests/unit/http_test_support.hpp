#pragma once

// What the HTTP server tests share: a backend that answers like the store does, and a
// raw TCP client for what httplib's client cannot send.

#include "http/api/router.hpp"
#include "http/server/http_server.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace onevalue::testing {

/// A thread-safe backend with a fixed view that remembers the last write. Writes are
/// answered from another thread, as the store's replies are; blocking reads wait in a
/// real snapshot store.
class loopback_backend : public gateway_backend {
public:
  loopback_backend() { snapshots.publish_value({42, {7, "n2"}}); }

  ~loopback_backend() override {
    for (auto& f : replies_)
      f.wait();
  }

  std::shared_ptr<const node_view> view() const override { return snapshots.load(); }

  void write(int64_t n, write_callback done) override {
    std::lock_guard<std::mutex> guard{mutex_};
    last_write_ = n;
    ++writes_;
    replies_.push_back(std::async(std::launch::async, [n, done = std::move(done)] {
      done(write_outcome::success({n, {8, "n1"}}));
    }));
  }

  void write_if(int64_t n, const version&, write_callback done) override {
    done(write_outcome::mismatch({n, {8, "n1"}}));
  }

  void watch(uint64_t index, std::chrono::milliseconds wait,
             watch_callback done) override {
    snapshots.watch(index, wait, std::move(done));
  }

  void force_leave(const std::string&, leave_callback done) override {
    done(leave_outcome{leave_outcome::kind::unknown_member, {}, ""});
  }

  int64_t last_write() {
    std::lock_guard<std::mutex> guard{mutex_};
    return last_write_;
  }

  int writes() {
    std::lock_guard<std::mutex> guard{mutex_};
    return writes_;
  }

  /// Waits (on a condition, with a 10 s deadline) until `n` reads are parked in the
  /// snapshot store; false if they never were.
  bool wait_for_watchers(std::size_t n) const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    while (snapshots.watchers() != n && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
    return snapshots.watchers() == n;
  }

  snapshot_store snapshots{"n1", 8};

private:
  std::mutex mutex_;
  std::vector<std::future<void>> replies_;
  int64_t last_write_ = 0;
  int writes_ = 0;
};

/// A raw TCP client for what httplib's client can't send: pipelined, malformed,
/// partial and HTTP/1.0 requests, or nothing at all; optionally from a given loopback
/// source address (per-client limits).
class raw_client {
public:
  explicit raw_client(uint16_t port, const char* source = nullptr,
                      const char* server = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (source != nullptr) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      ::inet_pton(AF_INET, source, &local.sin_addr);
      REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof(local)) == 0);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, server, &addr.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    // Reads give up after 10 s: a deadline for a broken server, not a sync point.
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~raw_client() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  raw_client(raw_client&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), connected_(other.connected_),
        buffer_(std::move(other.buffer_)) {}
  raw_client(const raw_client&) = delete;
  raw_client& operator=(const raw_client&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }

  void send(const std::string& bytes) {
    REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL)
            == static_cast<ssize_t>(bytes.size()));
  }

  /// Reads one complete response; fails the test if the connection ends first.
  std::string read_response() {
    auto responses = read_responses(1);
    REQUIRE(responses.size() == 1);
    return responses[0];
  }

  /// Reads until `n` complete responses (framed by Content-Length) are in, or EOF.
  std::vector<std::string> read_responses(std::size_t n) {
    std::vector<std::string> out;
    while (out.size() < n) {
      auto head_end = buffer_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        auto head = buffer_.substr(0, head_end + 4);
        std::size_t length = 0;
        auto cl = head.find("Content-Length: ");
        if (cl != std::string::npos)
          length = std::stoul(head.substr(cl + 16));
        if (buffer_.size() >= head_end + 4 + length) {
          out.push_back(buffer_.substr(0, head_end + 4 + length));
          buffer_.erase(0, head_end + 4 + length);
          continue;
        }
      }
      char chunk[4096];
      auto got = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (got <= 0)
        break;
      buffer_.append(chunk, static_cast<std::size_t>(got));
    }
    return out;
  }

  /// True if the server closed the connection (reads EOF, or a reset) within the read
  /// deadline, with nothing more sent.
  bool closed_by_server() {
    char c = 0;
    auto got = ::recv(fd_, &c, 1, 0);
    return got == 0 || (got < 0 && errno == ECONNRESET);
  }

private:
  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

/// Settings for a test server on an ephemeral loopback port.
inline http_server_settings loopback_settings() {
  http_server_settings s;
  s.bind_address = "127.0.0.1";
  s.port = 0;
  s.threads = 2;
  s.max_body_bytes = 64;
  return s;
}

/// The address `host` (1-254) in this checkout's loopback /24 (ONEVALUE_TEST_NET,
/// default 127.0.0), so tests of several checkouts on one machine stay apart.
inline std::string test_net_ip(int host) {
  const char* net = std::getenv("ONEVALUE_TEST_NET");
  return std::string{net != nullptr && *net != '\0' ? net : "127.0.0"} + "."
         + std::to_string(host);
}

} // namespace onevalue::testing
