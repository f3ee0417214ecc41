#pragma once

#include "http/server/client_limiter.hpp"
#include "http/server/completion_inbox.hpp"
#include "http/server/connection_handoff.hpp"
#include "http/server/http_message.hpp"
#include "http/server/http_parser.hpp"
#include "http/server/http_server.hpp"
#include "http/server/tls_session.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace onevalue {

/// What the event loops of one server share. Owned by http_server (which outlives its
/// loops); the counters are thread-safe, the rest is read-only while loops run.
struct http_loop_shared {
  http_loop_shared(request_handler h, http_server_settings s)
      : handler(std::move(h)), settings(std::move(s)),
        clients(settings.max_connections_per_client) {}

  request_handler handler;
  /// With `max_connections` already lowered to the descriptor limit.
  http_server_settings settings;
  /// The listening sockets; -1 when that listener is off.
  int plain_fd = -1;
  int tls_fd = -1;
  /// Set when HTTPS is on.
  std::unique_ptr<tls_context> tls;
  /// Connections open in all loops, against `settings.max_connections`.
  std::atomic<std::size_t> open_connections{0};
  /// Connections open per client address.
  client_limiter clients;
  /// Each loop's handoff queue and load, by loop index (connection_handoff.hpp); set
  /// before the loops run, read-only afterwards.
  std::vector<std::shared_ptr<connection_handoff>> handoffs;
};

/// One HTTP event loop: an epoll set with the shared listening sockets, its completion
/// inbox's eventfd and the connections it serves, all non-blocking and served by one
/// thread. A loop that accepts a connection gives it to the loop serving the fewest
/// (itself or another, through that loop's handoff queue), so the loops share a burst
/// of connections from one client instead of the first to wake taking it all.
///
/// A connection from the HTTPS listener carries a TLS session: the loop reads and
/// sends ciphertext on the socket as for any other connection and the session turns it
/// into the plaintext the parser sees, and back. A request is parsed when its bytes are
/// in and handed to the request handler; the response comes back through the loop's
/// completion inbox, at once (reads) or later from the store's reply or a blocking
/// read's wake-up (writes, watches). Requests on one connection are answered in order:
/// the next is parsed only after the previous was answered, so pipelining works.
/// Keep-alive connections cost no thread while idle. Constructed and `run()` by
/// http_server on a thread of its own; `stop()` from any thread.
class http_loop {
public:
  /// `shared` stays owned by the server and must outlive the loop. Uses the timeouts
  /// and limits of `shared.settings` (documented there), not its addresses, ports or
  /// thread count.
  http_loop(http_loop_shared& shared, std::size_t index);
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

  /// Where other loops hand this loop the connections they accepted for it; the
  /// server puts it in `http_loop_shared::handoffs` at this loop's index.
  const std::shared_ptr<connection_handoff>& handoff() const { return handoff_; }

private:
  using clock = std::chrono::steady_clock;

  struct connection {
    int fd = -1;
    uint64_t id = 0;
    /// The source address (see `client_key`), counted in the shared client limiter.
    std::string client;
    /// Set for a connection from the HTTPS listener.
    std::unique_ptr<tls_session> tls;
    /// Plaintext received and not yet parsed.
    std::string in;
    /// Bytes to send (ciphertext on an HTTPS connection).
    std::string out;
    std::size_t out_sent = 0;
    /// Requests handed to the handler so far.
    uint64_t requests = 0;
    /// A request is with the router or backend; nothing more is parsed until it is
    /// answered.
    bool awaiting_response = false;
    bool close_after_write = false;
    bool sent_continue = false;
    /// The request in `in` has its complete request line (the request-header timeout
    /// no longer applies to it).
    bool has_request_line = false;
    /// The client shut down its side; close once the in-flight response is out.
    bool peer_closed = false;
    /// Reading stopped because `in` is full; resumed when a response consumed it.
    bool read_paused = false;
    /// The last response went out and our side is shut down; what the client still
    /// sends is read and dropped until its EOF, so an unread request body cannot make
    /// the kernel reset the connection and destroy that response in transit.
    bool lingering = false;
    /// Where the connection stands in `idle_order_` while it is idle.
    std::list<uint64_t>::iterator idle_pos;
    bool in_idle_order = false;
    clock::time_point accepted_at;
    clock::time_point last_activity;
    /// When the first byte of the request now in `in` arrived (read timeout).
    clock::time_point request_started;
    /// When sending last made progress while output was pending (write timeout).
    clock::time_point write_blocked_since;
  };

  /// Accepts what waits on one listener; each admitted socket goes to the loop with
  /// the fewest connections (connection_handoff.hpp).
  void accept_all(int listen_fd, bool tls);
  /// Counts a freshly accepted socket against the limits, or refuses it (503 on plain
  /// HTTP); false if refused (the caller closes it). At `max_connections` it closes
  /// this loop's longest-idle connection to make room, or, with none idle here, marks
  /// `s.evict_first` and names in `evicting_loop` a loop that has one.
  bool admit(accepted_socket& s, std::size_t& evicting_loop);
  /// Logs (at most every 10 s) and sends the 503 of a refused connection (closed
  /// silently on the HTTPS port); does not close it.
  void send_refusal(int fd, bool tls, const std::string& client, const char* reason);
  /// Refuses an admitted socket this loop holds (the limit's 503) and drops it.
  void refuse_admitted(const accepted_socket& s);
  /// Another loop with an idle connection, if any.
  std::optional<std::size_t> loop_with_idle() const;
  /// Gives an admitted socket to the loop with the fewest connections, or an
  /// `evict_first` one to `evicting_loop`; serves it here if that is this loop or if
  /// the other loop stopped.
  void assign(accepted_socket s, std::size_t evicting_loop);
  /// Stops taking handed sockets and closes those still queued.
  void close_handoff();
  /// Starts serving an admitted socket on this loop (for an `evict_first` one, after
  /// closing this loop's longest-idle connection, or refuses it if none is idle).
  void adopt(accepted_socket s);
  /// Serves the sockets other loops handed over (closes them while draining).
  void adopt_handed_over();
  /// Closes an admitted socket that will not be served, releasing what it counted.
  void drop(const accepted_socket& s);
  /// Stops watching the listening sockets for `accept_pause` (out of fds or memory).
  void pause_accepting(const char* reason);
  void watch_listeners(bool on);
  /// Closes the connection that has been idle longest to make room for a new one;
  /// false if none is idle.
  bool evict_idle();
  /// Keeps `c`'s place in `idle_order_` in line with `is_idle(c)`.
  void track_idle(connection& c);
  /// Continues a connection whose response went out: resumes a paused read, else
  /// parses what is buffered.
  void resume(connection& c);
  /// Most bytes buffered for one connection before a request is refused (431).
  std::size_t input_cap() const;
  /// Reads what the socket holds and parses it; `hung_up` when the peer may have
  /// closed (read until EOF or EAGAIN then).
  void on_readable(connection& c, bool hung_up);
  /// Adds received bytes to `c.in` (decrypting on an HTTPS connection; empty `bytes`
  /// decrypts what the TLS session still buffers); false if `c` was closed.
  bool take_input(connection& c, std::string_view bytes);
  void process_input(connection& c);
  void dispatch(connection& c, http_parse_result& parsed);
  void apply_completions();
  /// Queues response bytes for `c` (encrypting on an HTTPS connection).
  void queue_output(connection& c, std::string_view plain);
  /// Writes what `c.out` holds; false if `c` was closed or is lingering (no more
  /// requests are parsed on it).
  bool flush(connection& c);
  /// Reads and drops input of a lingering connection; closes it at EOF.
  void discard_input(connection& c);
  void answer_and_close(connection& c, int status, const std::string& message);
  void close_connection(uint64_t id);
  /// What a timeout asks for a connection: nothing, closing it, or a 408 and closing.
  enum class timeout_verdict { none, close, answer_408 };
  timeout_verdict check_timeouts(const connection& c, clock::time_point now) const;
  void sweep_timeouts(clock::time_point now);
  bool is_idle(const connection& c) const;

  http_loop_shared& shared_;
  const http_server_settings& settings_;
  /// This loop's place in `shared_.handoffs`.
  std::size_t index_ = 0;
  http_parser_limits parser_limits_;
  int epoll_fd_ = -1;
  std::string init_error_;
  std::shared_ptr<completion_inbox> inbox_;
  std::shared_ptr<connection_handoff> handoff_;
  std::unordered_map<uint64_t, connection> connections_;
  /// Idle connections, longest idle first (candidates to make room at the limit).
  std::list<uint64_t> idle_order_;
  /// Where read(2) puts bytes before they are appended to a connection's input.
  std::vector<char> scratch_ = std::vector<char>(16384);
  uint64_t next_id_ = 3; // 0, 1 and 2 tag the listening sockets and the eventfd
  std::atomic<bool> stop_requested_{false};
  bool draining_ = false;
  bool accept_paused_ = false;
  clock::time_point accept_resume_at_;
  clock::time_point last_accept_warning_;
  clock::time_point last_limit_warning_;
};

} // namespace onevalue
