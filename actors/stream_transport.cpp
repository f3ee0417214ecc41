#include "actors/stream_transport.hpp"

#include "actors/log.hpp"
#include "actors/protocol.hpp"
#include "actors/tcp_connector.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <map>
#include <string_view>

namespace onevalue {

namespace {

using caf::io::connection_handle;
using caf::io::receive_policy;

/// Where a connection is in its exchange (stream_frame.hpp).
enum class stage {
  awaiting_hello,    ///< initiator: the acceptor's challenge
  awaiting_request,  ///< acceptor: the initiator's request
  handling,          ///< acceptor: the handler is answering; nothing more may arrive
  awaiting_response, ///< initiator: the acceptor's response
};

struct connection {
  uint64_t id = 0;
  stage at = stage::awaiting_request;
  /// The next read is a length header (true) or a body of that length.
  bool reading_header = true;
  std::string peer;
  std::string challenge;
  /// Initiator: the request payload to seal, then the request body as sent.
  /// Acceptor: the request body as received (for the response's context).
  std::vector<char> request;
  /// Initiator: the caller waiting for the response.
  caf::response_promise caller;
};

/// An exchange of this node waiting for its connector.
struct dialing {
  std::string peer;
  std::vector<char> payload;
  caf::response_promise caller;
};

struct stream_state {
  stream_config config;
  uint64_t next_id = 1;
  std::map<connection_handle, connection> connections;
  std::map<uint64_t, dialing> dials;
  stream_counters counters;
};

using state_ptr = std::shared_ptr<stream_state>;

caf::error exchange_error(std::string what) {
  return caf::make_error(caf::sec::runtime_error, std::move(what));
}

/// Ends `hdl`'s exchange: an initiator's caller gets `why` unless it has its answer.
void finish(caf::io::broker* self, stream_state& st, connection_handle hdl,
            const std::string& why) {
  auto it = st.connections.find(hdl);
  if (it == st.connections.end())
    return;
  if (it->second.caller.pending())
    it->second.caller.deliver(exchange_error(why + " (" + it->second.peer + ")"));
  st.connections.erase(it);
  self->close(hdl);
}

void write_frame(caf::io::broker* self, connection_handle hdl, std::string_view body) {
  auto frame = make_frame(body);
  self->write(hdl, frame.size(), frame.data());
  self->flush(hdl);
}

void start_connection(caf::io::broker* self, stream_state& st, connection_handle hdl,
                      connection c) {
  auto id = c.id;
  st.connections.emplace(hdl, std::move(c));
  self->configure_read(hdl, receive_policy::exactly(frame_header_bytes));
  self->delayed_send(self, st.config.deadline, deadline_atom::value, id);
}

void on_accept(caf::io::broker* self, stream_state& st, connection_handle hdl) {
  ++st.counters.accepted;
  auto challenge = make_challenge();
  if (!challenge) {
    OV_LOG_ERROR("no randomness for a stream challenge; closing the connection");
    self->close(hdl);
    return;
  }
  connection c;
  c.id = st.next_id++;
  c.at = stage::awaiting_request;
  c.peer = self->remote_addr(hdl) + ":" + std::to_string(self->remote_port(hdl));
  c.challenge = *challenge;
  auto hello = encode_hello(*challenge);
  write_frame(self, hdl, {hello.data(), hello.size()});
  start_connection(self, st, hdl, std::move(c));
}

void on_request(caf::io::broker* self, const state_ptr& state, connection_handle hdl,
                connection& c, std::string_view body) {
  auto& st = *state;
  auto opened = st.config.frames->open(body, request_context(c.challenge));
  if (!opened) {
    ++st.counters.not_opened;
    OV_LOG_DEBUG("stream request from {} dropped: {}", c.peer,
                 to_string(*opened.dropped));
    finish(self, st, hdl, "request dropped");
    return;
  }
  c.at = stage::handling;
  c.request.assign(body.begin(), body.end());
  auto id = c.id;
  self->request(st.config.handler, st.config.deadline, exchange_atom::value,
                std::move(opened.payload), opened.authenticated)
      .then(
          [self, state, hdl, id](std::vector<char>& reply) {
            auto& st = *state;
            auto it = st.connections.find(hdl);
            if (it == st.connections.end() || it->second.id != id)
              return;
            auto& c = it->second;
            auto ctx =
                response_context(c.challenge, {c.request.data(), c.request.size()});
            auto sealed = st.config.frames->seal({reply.data(), reply.size()}, ctx);
            if (sealed) {
              ++st.counters.served;
              write_frame(self, hdl, {sealed->data(), sealed->size()});
            }
            finish(self, st, hdl, "served");
          },
          [self, state, hdl, id](caf::error& err) {
            auto& st = *state;
            auto it = st.connections.find(hdl);
            if (it == st.connections.end() || it->second.id != id)
              return;
            ++st.counters.handler_refused;
            OV_LOG_DEBUG("stream request from {} refused: {}", it->second.peer,
                         self->system().render(err));
            finish(self, st, hdl, "refused");
          });
}

void on_hello(caf::io::broker* self, stream_state& st, connection_handle hdl,
              connection& c, std::string_view body) {
  auto challenge = decode_hello(body);
  if (!challenge) {
    ++st.counters.bad_hello;
    finish(self, st, hdl, "the peer's hello is not onevalue's stream framing");
    return;
  }
  c.challenge = *challenge;
  auto sealed = st.config.frames->seal({c.request.data(), c.request.size()},
                                       request_context(c.challenge));
  if (!sealed) {
    finish(self, st, hdl, "cannot seal the request (too large, or no randomness)");
    return;
  }
  c.request = std::move(*sealed);
  c.at = stage::awaiting_response;
  write_frame(self, hdl, {c.request.data(), c.request.size()});
}

void on_response(caf::io::broker* self, stream_state& st, connection_handle hdl,
                 connection& c, std::string_view body) {
  auto ctx = response_context(c.challenge, {c.request.data(), c.request.size()});
  auto opened = st.config.frames->open(body, ctx);
  if (!opened) {
    ++st.counters.not_opened;
    finish(self, st, hdl, std::string{"response dropped: "} + to_string(*opened.dropped));
    return;
  }
  ++st.counters.completed;
  c.caller.deliver(std::move(opened.payload));
  finish(self, st, hdl, "done");
}

void on_data(caf::io::broker* self, const state_ptr& state, caf::io::new_data_msg& msg) {
  auto& st = *state;
  auto it = st.connections.find(msg.handle);
  if (it == st.connections.end())
    return;
  auto& c = it->second;
  if (c.at == stage::handling) {
    finish(self, st, msg.handle, "bytes after the request");
    return;
  }
  if (c.reading_header) {
    auto cap = c.at == stage::awaiting_hello ? hello_bytes : st.config.max_frame_bytes;
    auto length = parse_frame_header(msg.buf.data(), cap);
    if (!length) {
      ++st.counters.frames_refused;
      OV_LOG_DEBUG("stream frame from {} refused: length {} ({})", c.peer, length.size,
                   to_string(length.error));
      finish(self, st, msg.handle,
             std::string{"frame refused: "} + to_string(length.error));
      return;
    }
    c.reading_header = false;
    self->configure_read(msg.handle, receive_policy::exactly(length.size));
    return;
  }
  c.reading_header = true;
  self->configure_read(msg.handle, receive_policy::exactly(frame_header_bytes));
  std::string_view body{msg.buf.data(), msg.buf.size()};
  switch (c.at) {
  case stage::awaiting_hello:
    on_hello(self, st, msg.handle, c, body);
    break;
  case stage::awaiting_request:
    on_request(self, state, msg.handle, c, body);
    break;
  case stage::awaiting_response:
    on_response(self, st, msg.handle, c, body);
    break;
  case stage::handling:
    break;
  }
}

void on_dialed(caf::io::broker* self, stream_state& st, uint64_t id,
               const dialed_socket& socket, const std::string& error) {
  auto it = st.dials.find(id);
  if (it == st.dials.end())
    return; // past its deadline: the socket closes with the message
  auto d = std::move(it->second);
  st.dials.erase(it);
  int fd = socket.release();
  if (fd < 0) {
    ++st.counters.connect_failed;
    d.caller.deliver(exchange_error(error + " (" + d.peer + ")"));
    return;
  }
  auto hdl = self->add_scribe(fd);
  connection c;
  c.id = id;
  c.at = stage::awaiting_hello;
  c.peer = d.peer;
  c.request = std::move(d.payload);
  c.caller = std::move(d.caller);
  start_connection(self, st, hdl, std::move(c));
}

} // namespace

caf::behavior stream_transport(caf::io::broker* self, stream_config config) {
  auto state = std::make_shared<stream_state>();
  state->config = std::move(config);
  // The owner's exit (a link) stops the broker and closes every socket, so the
  // middleman can shut down; a connector's normal end changes nothing.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (msg.reason == caf::exit_reason::normal)
      return;
    self->close_all();
    self->quit(msg.reason);
  });
  return {
      [self](open_atom, const std::string& bind, uint16_t port) -> caf::result<uint16_t> {
        auto bound =
            self->add_tcp_doorman(port, bind.empty() ? nullptr : bind.c_str(), true);
        if (!bound)
          return bound.error();
        return bound->second;
      },
      [self, state](exchange_atom, const std::string& host, uint16_t port,
                    std::vector<char>& payload) -> caf::result<std::vector<char>> {
        auto& st = *state;
        auto rp = self->make_response_promise<std::vector<char>>();
        auto id = st.next_id++;
        ++st.counters.dialed;
        st.dials.emplace(
            id, dialing{host + ":" + std::to_string(port), std::move(payload), rp});
        self->spawn<caf::detached>(tcp_connector, caf::actor_cast<caf::actor>(self), id,
                                   host, port, st.config.deadline);
        self->delayed_send(self, st.config.deadline, deadline_atom::value, id);
        return rp;
      },
      [self, state](dialed_atom, uint64_t id, const dialed_socket& socket,
                    const std::string& error) {
        on_dialed(self, *state, id, socket, error);
      },
      [self, state](deadline_atom, uint64_t id) {
        auto& st = *state;
        if (auto d = st.dials.find(id); d != st.dials.end()) {
          // The connector gives up at the same deadline; a socket that still
          // arrives finds no dial and is closed with its message (on_dialed).
          ++st.counters.connect_failed;
          d->second.caller.deliver(
              exchange_error("connect deadline passed (" + d->second.peer + ")"));
          st.dials.erase(d);
          return;
        }
        for (auto& [hdl, c] : st.connections)
          if (c.id == id) {
            ++st.counters.deadline_passed;
            OV_LOG_DEBUG("stream exchange with {} passed its deadline", c.peer);
            finish(self, st, hdl, "deadline passed");
            return;
          }
      },
      [state](keyring_atom, const keyring_snapshot& snapshot) {
        state->config.frames->set_keyring(snapshot.keys);
      },
      [state](get_atom, metrics_atom) { return state->counters; },
      [self, state](caf::io::new_connection_msg& msg) {
        on_accept(self, *state, msg.handle);
      },
      [self, state](caf::io::new_data_msg& msg) { on_data(self, state, msg); },
      [self, state](caf::io::connection_closed_msg& msg) {
        auto& st = *state;
        if (st.connections.count(msg.handle) != 0) {
          ++st.counters.closed_early;
          finish(self, st, msg.handle, "the peer closed the connection");
        }
      },
      [](caf::io::acceptor_closed_msg&) {
        OV_LOG_ERROR("the cluster TCP port was closed; push-pulls can no longer arrive");
      },
  };
}

} // namespace onevalue
