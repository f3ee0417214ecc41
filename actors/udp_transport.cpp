#include "actors/udp_transport.hpp"

#include "actors/log.hpp"
#include "actors/protocol.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <map>
#include <memory>
#include <optional>
#include <set>

namespace onevalue {

namespace {

struct udp_state {
  caf::io::datagram_handle local;
  bool open = false;
  /// One sending endpoint per peer "host:port"; CAF sends from an ephemeral port, which
  /// is why the payload names its sender.
  std::map<std::string, caf::io::datagram_handle> peers;
  /// The local port of the endpoint that sent the startup byte to ourselves, and the
  /// handle under which the local endpoint knows it once that byte arrived.
  uint16_t probe_port = 0;
  std::optional<caf::io::datagram_handle> probe;
  /// The handles this transport keeps: the local endpoint, the sending ones, the probe.
  /// Every other handle names a sender that CAF registered when its first datagram
  /// arrived; it is released after that datagram (see forget_sender).
  std::set<caf::io::datagram_handle> kept;
};

/// Releases the handle CAF made for the sender of one datagram. CAF 0.17.6 keeps one for
/// every sender address and port it ever saw, never freeing them: 200,000 junk
/// datagrams from distinct ports grew a node by 56 MB (test_security_outsider.py).
/// Replies never use these handles (each peer has its own sending endpoint), so each is
/// dropped at once; a sender's next datagram gets a new one.
void forget_sender(caf::io::broker* self, const udp_state& state,
                   caf::io::datagram_handle hdl) {
  if (state.kept.count(hdl))
    return;
  self->remove_endpoint(hdl);
  self->erase(hdl);
}

/// True for the startup byte that the local endpoint sent itself (see open_atom).
bool is_probe(caf::io::broker* self, const udp_state& state,
              const caf::io::new_datagram_msg& msg) {
  return !state.probe && state.probe_port != 0 && msg.buf.size() == 1
         && *msg.buf.begin() == '\0' && self->remote_port(msg.handle) == state.probe_port;
}

} // namespace

caf::behavior udp_transport(caf::io::broker* self, caf::actor owner) {
  auto state = std::make_shared<udp_state>();
  // Close every endpoint explicitly when the owner goes away, so the multiplexer has no
  // socket left and the middleman can shut down.
  self->set_exit_handler([self, state](caf::exit_msg& msg) {
    // CAF 0.17.6's local endpoint takes a reference to itself as its writer whenever a
    // datagram arrives from a new sender, and drops it only when one of its own writes
    // completes; it never writes, so it would never be freed (LeakSanitizer: 67 KB at
    // every exit). One byte back to our own startup endpoint, written as it closes,
    // drops that reference.
    if (state->open && state->probe) {
      self->enqueue_datagram(*state->probe, std::vector<char>{'\0'});
      self->flush(*state->probe);
    }
    self->close_all();
    self->quit(msg.reason);
  });
  return {
      [=](open_atom, const std::string& bind, uint16_t port) -> caf::result<uint16_t> {
        auto bound = self->add_udp_datagram_servant(
            port, bind.empty() ? nullptr : bind.c_str(), true);
        if (!bound)
          return bound.error();
        state->local = bound->first;
        state->open = true;
        state->kept.insert(state->local);
        // CAF 0.17.6 never releases a local datagram endpoint that has not received a
        // single datagram: the middleman's shutdown then waits forever (a lone node hung
        // on SIGTERM). One byte to ourselves avoids that; it is not passed on (see
        // is_probe), and its sender's handle serves the write at exit.
        auto loopback =
            bind.empty() || bind == "0.0.0.0" ? std::string{"127.0.0.1"} : bind;
        if (auto to_self = self->add_udp_datagram_servant(loopback, bound->second)) {
          state->probe_port = self->local_port(*to_self);
          state->kept.insert(*to_self);
          self->enqueue_datagram(*to_self, std::vector<char>{'\0'});
          self->flush(*to_self);
        }
        return bound->second;
      },
      [=](send_atom, const std::string& host, uint16_t port, std::vector<char>& bytes) {
        auto key = host + ":" + std::to_string(port);
        auto it = state->peers.find(key);
        if (it == state->peers.end()) {
          auto hdl = self->add_udp_datagram_servant(host, port);
          if (!hdl) {
            OV_LOG_DEBUG("cannot create a datagram endpoint for {}: {}", key,
                         self->system().render(hdl.error()));
            return;
          }
          it = state->peers.emplace(key, *hdl).first;
          state->kept.insert(*hdl);
        }
        self->enqueue_datagram(it->second, std::move(bytes));
        self->flush(it->second);
      },
      [=](caf::io::new_datagram_msg& msg) {
        if (is_probe(self, *state, msg)) {
          state->probe = msg.handle;
          state->kept.insert(msg.handle);
          return;
        }
        self->send(owner, packet_atom::value,
                   std::vector<char>(msg.buf.begin(), msg.buf.end()));
        forget_sender(self, *state, msg.handle);
      },
      [=](caf::io::datagram_sent_msg&) {
        // Nothing to do: datagrams are fire and forget.
      },
      [=](caf::io::datagram_servant_closed_msg& msg) {
        for (auto& closed : msg.handles) {
          if (state->open && closed == state->local) {
            OV_LOG_ERROR(
                "the cluster UDP endpoint was closed; probes can no longer arrive");
            state->open = false;
          }
          for (auto it = state->peers.begin(); it != state->peers.end();)
            it = it->second == closed ? state->peers.erase(it) : std::next(it);
          state->kept.erase(closed);
        }
      },
  };
}

} // namespace onevalue
