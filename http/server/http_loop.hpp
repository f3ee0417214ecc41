#pragma once

#include "http/server/completion_inbox.hpp"
#include "http/server/http_parser.hpp"
#include "http/server/http_server.hpp"
#include "http/server/http_message.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace onevalue {

/// One HTTP event loop: an epoll set with the shared listening socket, its completion
/// inbox's eventfd and the connections this loop accepted, all non-blocking and served by one thread.
///
/// A request is parsed when its bytes are in and handed to the request handler; the response
/// comes back through the loop's completion inbox, at once (reads) or later from the
/// store's reply or a blocking read's wake-up (writes, watches). Requests on one
/// connection are answered in order: the next is parsed only after the previous was
/// answered, so pipelining works. Keep-alive connections cost no thread while idle.
/// Constructed and `run()` by http_server on a thread of its own; `stop()` from any
/// thread.
class http_loop {
public:
  /// `listen_fd` stays owned by the server; `open_connections` counts connections of
  /// all loops against `settings.max_connections`. Uses the timeouts and limits of
  /// `settings` (documented there), not its address, port or thread count.
  http_loop(int listen_fd, const request_handler& handler, const http_server_settings& settings,
            std::atomic<std::size_t>& open_connections);
  ~http_loop();

  http_loop(const http_loop&) = delete;
  http_loop& operator=(const http_loop&) = delete;

  /// "" once the epoll set is ready, else why not (then `run()` must not be called).
  const std::string& init_error() const { return init_error_; }

  /// Serves until `stop()`, then drains: stops accepting, closes idle connections and
  /// gives in-flight requests up to `drain_timeout` to be answered.
  void run();

  /// Asks `run()` to drain and return. Thread-safe, idempotent.
  void stop();

private:
  using clock = std::chrono::steady_clock;

  struct connection {
    int fd = -1;
    uint64_t id = 0;
    std::string in;
    std::string out;
    std::size_t out_sent = 0;
    /// A request is with the router or backend; nothing more is parsed until it is
    /// answered.
    bool awaiting_response = false;
    bool close_after_write = false;
    bool sent_continue = false;
    /// The client shut down its side; close once the in-flight response is out.
    bool peer_closed = false;
    /// Reading stopped because `in` is full; resumed when a response consumed it.
    bool read_paused = false;
    /// The last response went out and our side is shut down; what the client still
    /// sends is read and dropped until its EOF, so an unread request body cannot make
    /// the kernel reset the connection and destroy that response in transit.
    bool lingering = false;
    clock::time_point last_activity;
    /// When the first byte of the request now in `in` arrived (read timeout).
    clock::time_point request_started;
    /// When sending last made progress while output was pending (write timeout).
    clock::time_point write_blocked_since;
  };

  void accept_all();
  /// Stops watching the listening socket for `accept_pause` (out of fds or memory).
  void pause_accepting(const char* reason);
  void resume_accepting();
  /// Continues a connection whose response went out: resumes a paused read, else
  /// parses what is buffered.
  void resume(connection& c);
  /// Most bytes buffered for one connection before a request is refused (431).
  std::size_t input_cap() const;
  /// Reads what the socket holds and parses it; `hung_up` when the peer may have
  /// closed (read until EOF or EAGAIN then).
  void on_readable(connection& c, bool hung_up);
  void process_input(connection& c);
  void dispatch(connection& c, http_parse_result& parsed);
  void apply_completions();
  /// Writes what `c.out` holds; false if `c` was closed or is lingering (no more
  /// requests are parsed on it).
  bool flush(connection& c);
  /// Reads and drops input of a lingering connection; closes it at EOF.
  void discard_input(connection& c);
  void answer_and_close(connection& c, int status, const std::string& message);
  void close_connection(uint64_t id);
  void sweep_timeouts(clock::time_point now);
  bool is_idle(const connection& c) const;

  int listen_fd_;
  const request_handler& handler_;
  http_server_settings settings_;
  http_parser_limits parser_limits_;
  std::atomic<std::size_t>& open_connections_;
  int epoll_fd_ = -1;
  std::string init_error_;
  std::shared_ptr<completion_inbox> inbox_;
  std::unordered_map<uint64_t, connection> connections_;
  /// Where read(2) puts bytes before they are appended to a connection's input.
  std::vector<char> scratch_ = std::vector<char>(16384);
  uint64_t next_id_ = 2; // 0 and 1 tag the listening socket and the eventfd
  std::atomic<bool> stop_requested_{false};
  bool draining_ = false;
  bool accept_paused_ = false;
  clock::time_point accept_resume_at_;
  clock::time_point last_accept_warning_;
};

} // namespace onevalue
