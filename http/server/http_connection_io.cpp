#include "http/server/http_loop.hpp"

// The per-connection half of the HTTP event loop: reading (and decrypting), parsing,
// handing requests to the handler, applying their responses and writing them
// (http_loop.cpp has the loop and timeouts, http_loop_accept.cpp accepting and the
// limits).

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

bool http_loop::take_input(connection& c, std::string_view bytes) {
  bool was_empty = c.in.empty();
  if (!c.tls) {
    c.in.append(bytes);
  } else {
    auto outcome = c.tls->receive(bytes, c.in, input_cap(), c.out);
    if (outcome == tls_session::result::failed) {
      OV_LOG_DEBUG("HTTPS connection from {} closed: {}", describe_client(c.client),
                   c.tls->error());
      // Best effort for the alert; the connection is closed either way.
      [[maybe_unused]] auto sent =
          ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent,
                 MSG_NOSIGNAL | MSG_DONTWAIT);
      close_connection(c.id);
      return false;
    }
    if (outcome == tls_session::result::closed)
      c.peer_closed = true;
    if (c.out_sent < c.out.size() && !flush(c))
      return false;
  }
  if (was_empty && !c.in.empty())
    c.request_started = clock::now();
  return true;
}

void http_loop::on_readable(connection& c, bool hung_up) {
  if (c.lingering) {
    discard_input(c);
    return;
  }
  // A TLS session may still hold records decrypted no further when reading paused.
  if (c.read_paused && c.tls && !take_input(c, {}))
    return;
  c.read_paused = false;
  while (!c.peer_closed) {
    if (c.in.size() >= input_cap()) {
      c.read_paused = true;
      break;
    }
    auto got = ::read(c.fd, scratch_.data(), scratch_.size());
    if (got > 0) {
      c.last_activity = clock::now();
      if (!take_input(c, {scratch_.data(), static_cast<std::size_t>(got)}))
        return;
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
    // Empty lines (CRLF) between requests, such as an extra CRLF after a body, are
    // skipped here, so a connection holding only those counts as idle.
    std::size_t blank = 0;
    while (c.in.compare(blank, 2, "\r\n") == 0)
      blank += 2;
    if (blank != 0) {
      c.in.erase(0, blank);
      continue;
    }
    auto parsed = parse_http_request(c.in, parser_limits_);
    if (parsed.outcome == http_parse_result::status::incomplete) {
      c.has_request_line = parsed.has_request_line;
      if (c.in.size() >= input_cap()) {
        answer_and_close(c, 431, "request too large for the header and body limits");
        return;
      }
      if (parsed.expects_continue && !c.sent_continue) {
        c.sent_continue = true;
        queue_output(c, "HTTP/1.1 100 Continue\r\n\r\n");
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
    c.has_request_line = false;
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
  ++c.requests;
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
    shared_.handler(parsed.request, respond);
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
      if (c.out.empty() && !c.tls)
        c.out = std::move(done.bytes);
      else
        queue_output(c, done.bytes);
      c.last_activity = clock::now();
      if (flush(c))
        resume(c);
      if (auto again = connections_.find(done.connection); again != connections_.end())
        track_idle(again->second);
    }
  }
}

void http_loop::queue_output(connection& c, std::string_view plain) {
  if (!c.tls) {
    c.out += plain;
    return;
  }
  // Fails only after a fatal TLS error; flush() then closes on the socket error or
  // the write timeout does.
  if (c.tls->send(plain, c.out) == tls_session::result::failed)
    c.close_after_write = true;
}

bool http_loop::flush(connection& c) {
  bool progressed = false;
  for (;;) {
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
    // An HTTPS connection says close_notify before our side shuts down.
    if (!c.close_after_write || !c.tls)
      break;
    c.tls->close(c.out);
    if (c.out.empty())
      break;
  }
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
  queue_output(c, closing_error_response(status, message));
  flush(c);
}

} // namespace onevalue
