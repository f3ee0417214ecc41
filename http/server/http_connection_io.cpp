#include "http/server/http_loop.hpp"

// The per-connection half of the HTTP event loop: reading, parsing, handing requests to
// the router, applying their responses and writing them (http_loop.cpp has the loop,
// accepting and timeouts).

#include "actors/log.hpp"
#include "http/server/response_writer.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <memory>

namespace onevalue {

void http_loop::resume(connection& c) {
  if (c.read_paused)
    on_readable(c, true);
  else
    process_input(c);
}

std::size_t http_loop::input_cap() const {
  // A request at both limits, with room for chunk framing and a pipelined next one.
  return 2 * (settings_.max_header_bytes + settings_.max_body_bytes);
}

void http_loop::on_readable(connection& c, bool hung_up) {
  if (c.lingering) {
    discard_input(c);
    return;
  }
  c.read_paused = false;
  while (!c.peer_closed) {
    if (c.in.size() >= input_cap()) {
      c.read_paused = true;
      break;
    }
    auto got = ::read(c.fd, scratch_.data(), scratch_.size());
    if (got > 0) {
      if (c.in.empty())
        c.request_started = clock::now();
      c.in.append(scratch_.data(), static_cast<std::size_t>(got));
      c.last_activity = clock::now();
      // A short read drained the socket; more data raises a new edge (saves the
      // read(2) that would only say EAGAIN, one per request).
      // Not when the peer hung up: its FIN may have come with this data, and then no
      // new edge would report it.
      if (!hung_up && static_cast<std::size_t>(got) < scratch_.size())
        break;
      continue;
    }
    if (got == 0) {
      c.peer_closed = true;
      break;
    }
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      break;
    close_connection(c.id); // reset by peer and the like
    return;
  }
  process_input(c);
}

void http_loop::process_input(connection& c) {
  auto id = c.id;
  // Nothing new is parsed while a response waits for the client to read it: a client
  // that pipelines without reading gets no more buffered for it than one response.
  while (!c.awaiting_response && !c.close_after_write && c.out.empty() && !c.in.empty()) {
    // Empty lines between requests (an extra CRLF after a body) are skipped here, so a
    // connection holding only those counts as idle.
    auto text = c.in.find_first_not_of("\r\n");
    if (text != 0) {
      c.in.erase(0, text == std::string::npos ? c.in.size() : text);
      continue;
    }
    auto parsed = parse_http_request(c.in, parser_limits_);
    if (parsed.outcome == http_parse_result::status::incomplete) {
      if (c.in.size() >= input_cap()) {
        answer_and_close(c, 431, "request too large for the header and body limits");
        return;
      }
      if (parsed.expects_continue && !c.sent_continue) {
        c.sent_continue = true;
        c.out += "HTTP/1.1 100 Continue\r\n\r\n";
        if (!flush(c))
          return;
      }
      break;
    }
    if (parsed.outcome == http_parse_result::status::bad) {
      answer_and_close(c, parsed.error_status, parsed.error_message);
      return;
    }
    c.in.erase(0, parsed.consumed);
    c.sent_continue = false;
    if (!c.in.empty())
      c.request_started = clock::now();
    dispatch(c, parsed);
  }
  if (connections_.count(id) == 0)
    return;
  if (c.peer_closed && is_idle(c))
    close_connection(id);
}

void http_loop::dispatch(connection& c, http_parse_result& parsed) {
  c.awaiting_response = true;
  bool keep_alive = parsed.keep_alive && !draining_;
  bool head = parsed.request.method == "HEAD";
  // One answer per request, whoever gives it first: the route's responder (on any
  // thread) or the 500 below if routing throws.
  auto answered = std::make_shared<std::atomic<bool>>(false);
  auto respond = [inbox = inbox_, id = c.id, keep_alive, head,
                  answered](const http_response& res) {
    if (answered->exchange(true))
      return;
    completion done{id, {}, !keep_alive};
    append_response(done.bytes, res, keep_alive, head);
    inbox->post(std::move(done));
  };
  try {
    handler_(parsed.request, respond);
  } catch (const std::exception& e) {
    OV_LOG_ERROR("HTTP {} {} failed: {}", parsed.request.method, parsed.request.path,
                 e.what());
    if (!answered->exchange(true))
      inbox_->post({c.id, closing_error_response(500, "internal error"), true});
  }
}

void http_loop::apply_completions() {
  // Applying one may parse a pipelined request that is answered at once: repeat.
  while (true) {
    auto batch = inbox_->take();
    if (batch.empty())
      return;
    for (auto& done : batch) {
      auto it = connections_.find(done.connection);
      if (it == connections_.end())
        continue; // closed while its request was in flight
      auto& c = it->second;
      if (c.lingering || !c.awaiting_response)
        continue; // nothing asked for it (a second answer to one request)
      c.awaiting_response = false;
      // While draining, close once the answer is out: the loop is going away.
      c.close_after_write = c.close_after_write || done.close_after || draining_;
      if (c.out.empty())
        c.out = std::move(done.bytes);
      else
        c.out += done.bytes;
      c.last_activity = clock::now();
      if (!flush(c))
        continue;
      resume(c);
    }
  }
}

bool http_loop::flush(connection& c) {
  bool progressed = false;
  while (c.out_sent < c.out.size()) {
    auto sent = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent,
                       MSG_NOSIGNAL);
    if (sent > 0) {
      c.out_sent += static_cast<std::size_t>(sent);
      progressed = true;
      continue;
    }
    if (sent < 0 && errno == EINTR)
      continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // The write timeout counts from the last progress: a slow reader of a large
      // response is not cut off while it keeps reading.
      if (progressed || c.write_blocked_since == clock::time_point{})
        c.write_blocked_since = clock::now();
      return true;
    }
    close_connection(c.id);
    return false;
  }
  c.out.clear();
  c.out_sent = 0;
  c.write_blocked_since = {};
  if (c.close_after_write) {
    ::shutdown(c.fd, SHUT_WR);
    c.lingering = true;
    c.in.clear();
    c.last_activity = clock::now();
    if (c.peer_closed)
      close_connection(c.id);
    else
      discard_input(c);
    return false;
  }
  return true;
}

void http_loop::discard_input(connection& c) {
  for (;;) {
    auto got = ::read(c.fd, scratch_.data(), scratch_.size());
    if (got > 0)
      continue;
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return;
    close_connection(c.id); // EOF or error: the client is done
    return;
  }
}

void http_loop::answer_and_close(connection& c, int status, const std::string& message) {
  c.in.clear();
  c.close_after_write = true;
  c.out += closing_error_response(status, message);
  flush(c);
}

} // namespace onevalue
